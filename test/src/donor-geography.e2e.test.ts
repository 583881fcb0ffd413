import { eventually, HttpError, platformClient, type PlatformClient } from '@aid/test-kit';
import { beforeAll, describe, expect, inject, it } from 'vitest';

interface Breakdowns {
  donorGeography: {
    minimumGroup: number;
    release: number | null;
    byResidence: unknown[];
    byHeritage: unknown[];
    otherResidence: number | null;
    otherHeritage: number | null;
  };
}

/**
 * Donor geography through every service: gifts given through the donation API, confirmed by Stripe's webhooks,
 * recorded by the ledger and published as breakdowns. Countries never ride on a gift's entry; the breakdown
 * counts distinct donors who consented, and only in groups of five or more.
 */
describe('donor geography, from the donate request to the public breakdown', () => {
  const urls = inject('urls');
  let api: PlatformClient;
  let campaignId: string;
  let gifts = 0;

  const give = async (email: string, extra: Record<string, unknown>) => {
    const amount = 1_000 + gifts * 100;
    const donation = await eventually(
      () =>
        api.donate({
          campaignId,
          amount,
          currency: 'USD',
          donor: { email, name: 'Sigríður' },
          interval: 'once',
          ...extra,
        }),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD' });
    await api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD' });
    gifts += 1;
  };

  beforeAll(async () => {
    api = platformClient(urls, inject('secrets'));
    const organization = await api.createOrganization({
      name: 'Icelandic Friends of Pakistan',
      country: 'IS',
      kind: 'diaspora-association',
    });
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Flood relief in Sindh',
      summary: 'Clean water and shelter for flooded villages.',
      goal: { amount: 1_000_000, currency: 'USD' },
      crisis: { kind: 'flood', countries: ['PK'] },
    });
    campaignId = campaign.id;
    await api.publishCampaign(organization.apiKey, campaignId);
  });

  it('when a country is not ISO 3166-1, or is given without consent, then the donation is a 400 naming the field', async () => {
    await eventually(async () =>
      expect(
        (await api.call<{ status: string }>('GET', `${urls.campaign}/v1/campaigns/${campaignId}`)).status,
      ).toBe('active'),
    );
    for (const [body, field] of [
      [{ geographyConsent: true, countryOfResidence: 'ZZ' }, 'countryOfResidence'],
      [{ countryOfHeritage: 'PK' }, 'countryOfHeritage'],
    ] as const) {
      const refused = await api
        .donate({ campaignId, amount: 1_000, currency: 'USD', donor: { email: 'x@example.org' }, ...body })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HttpError);
      expect((refused as HttpError).status).toBe(400);
      expect(JSON.stringify((refused as HttpError).body)).toContain(field);
    }
  });

  it('when one donor gives three times and four others once, all consenting, and one more without consent, then the breakdown counts five donors and no entry names a country', async () => {
    const consent = { geographyConsent: true, countryOfResidence: 'IS', countryOfHeritage: 'PK' };
    await give('sigridur@example.is', consent);
    await give('Sigridur@Example.is', consent);
    await give('sigridur@example.is', consent);
    for (const name of ['bjorn', 'katla', 'ari', 'hekla']) await give(`${name}@example.is`, consent);
    await give('no.consent@example.is', {});

    const breakdowns = await eventually(
      async () => {
        const current = await api.call<Breakdowns>(
          'GET',
          `${urls.ledger}/v1/campaigns/${campaignId}/breakdowns`,
        );
        expect(current.donorGeography.release).toBe(1);
        return current;
      },
      { timeoutMs: 60_000 },
    );
    // Counting gifts said "Iceland: 8 donors"; they are 5 donors who agreed to be counted.
    expect(breakdowns.donorGeography).toMatchObject({
      minimumGroup: 5,
      byResidence: [{ country: 'IS', donors: 5 }],
      otherResidence: 0,
      byHeritage: [{ country: 'PK', donors: 5 }],
      otherHeritage: 0,
    });

    const summary = await eventually(async () => {
      const current = await api.summary(campaignId);
      expect(current.gifts).toBe(8);
      return current;
    });
    const { entries } = await api.call<{
      entries: { entry: { kind: string; donor?: Record<string, unknown> } }[];
    }>('GET', `${urls.ledger}/v1/campaigns/${campaignId}/entries?from=0&limit=${Number(summary.entries)}`);
    const giftEntries = entries.filter((row) => row.entry.kind === 'gift');
    expect(giftEntries).toHaveLength(8);
    for (const row of giftEntries)
      expect(Object.keys(row.entry.donor ?? {}).sort()).toEqual(['displayName', 'publicRef']);
  });
});
