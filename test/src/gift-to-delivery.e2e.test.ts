import { createHash } from 'node:crypto';
import { eventually, HttpError, platformClient, type PlatformClient } from '@aid/test-kit';
import { beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * The walking skeleton, end to end, as its users drive it: an organization raises money for a flood, donors give
 * by card, a field officer requests a disbursement, an approver approves it, the admin pays it out, the field
 * officer reports the delivery, and a donor follows their receipt code to the aid their gift paid for.
 */
describe('from gift to delivered aid', () => {
  const urls = inject('urls');
  const metricsUrls = inject('metricsUrls');
  const scraper = { authorization: `Bearer ${inject('secrets').metricsToken}` };
  let api: PlatformClient;
  let admin: string;
  let approver: string;
  let officer: string;
  let campaignId: string;
  const receipts: { code: string; amount: number; donationId: string }[] = [];
  let disbursementId: string;

  beforeAll(async () => {
    api = platformClient(urls, inject('secrets'));
    const organization = await api.createOrganization({
      name: 'Haiti Diaspora Solidarity',
      country: 'US',
      kind: 'diaspora-association',
    });
    admin = organization.apiKey;
    approver = (
      await api.addMember(organization.id, admin, {
        name: 'Marie Joseph',
        email: 'marie@example.org',
        role: 'approver',
      })
    ).apiKey;
    officer = (
      await api.addMember(organization.id, admin, {
        name: 'Jean Baptiste',
        email: 'jean@example.org',
        role: 'field-officer',
      })
    ).apiKey;
    const campaign = await api.createCampaign(admin, {
      title: 'Earthquake relief in the Grand Sud',
      summary: 'Emergency shelter kits and clean water after the earthquake.',
      goal: { amount: 2_000_000, currency: 'USD' },
      crisis: { kind: 'earthquake', countries: ['HT'], glide: 'EQ-2021-000116-HTI' },
    });
    expect(campaign.status).toBe('draft');
    campaignId = campaign.id;
    expect((await api.publishCampaign(admin, campaignId)).status).toBe('active');
  });

  it('when donors give and Stripe confirms each payment twice, then each gift is counted once', async () => {
    for (const [index, amount] of [4_000, 6_000, 10_000].entries()) {
      const donation = await eventually(
        () =>
          api.donate({
            campaignId,
            amount,
            currency: 'USD',
            donor: { email: `donor${index}@example.com`, name: `Donor ${index}` },
            showName: false,
            geographyConsent: true,
            countryOfResidence: 'US',
            countryOfHeritage: 'HT',
            interval: 'once',
          }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(donation.status).toBe('pending');
      expect(donation.clientSecret).toMatch(/secret/);
      expect(donation.receiptCode.replace(/[^A-Za-z0-9]/g, '').length).toBeGreaterThanOrEqual(26);
      await api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD' });
      await api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD' });
      receipts.push({ code: donation.receiptCode, amount, donationId: donation.donationId });
    }
    const summary = await eventually(async () => {
      const current = await api.summary(campaignId);
      expect(current.raised).toBe(20_000);
      return current;
    });
    expect(summary).toMatchObject({ currency: 'USD', raised: 20_000, refunded: 0, allocated: 0, paidOut: 0 });
  });

  it('when the donor asks for their gift with the receipt code, then it is succeeded; with another code it is not found', async () => {
    const [first] = receipts;
    const gift = await api.call<{ status: string; amount: number }>(
      'GET',
      `${urls.donation}/v1/donations/${first?.donationId}`,
      { headers: { 'x-receipt-code': first?.code ?? '' } },
    );
    expect(gift).toMatchObject({ status: 'succeeded', amount: 4_000 });
    await expect(
      api.call('GET', `${urls.donation}/v1/donations/${first?.donationId}`, {
        headers: { 'x-receipt-code': receipts[1]?.code ?? '' },
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('when a field officer requests more than is available, then it is refused with 409', async () => {
    await eventually(async () => expect((await api.funds(admin, campaignId)).available).toBe(20_000));
    const refused = await api
      .requestDisbursement(officer, {
        campaignId,
        amount: 20_001,
        currency: 'USD',
        recipient: { name: 'Too much', country: 'HT', local: true },
        purpose: 'x',
        sector: 'Shelter',
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(409);
  });

  it('when the requester tries to approve their own request, then maker-checker refuses; another approver approves', async () => {
    const request = await api.requestDisbursement(admin, {
      campaignId,
      amount: 8_000,
      currency: 'USD',
      recipient: { name: 'Les Cayes Community Shelter Committee', country: 'HT', local: true },
      purpose: 'Shelter kits for 40 families',
      sector: 'Shelter',
    });
    disbursementId = request.id;
    await expect(api.approve(admin, disbursementId, 'my own')).rejects.toMatchObject({ status: 403 });
    await expect(api.approve(officer, disbursementId, 'not my role')).rejects.toMatchObject({ status: 403 });
    expect((await api.approve(approver, disbursementId, 'Budget checked')).status).toBe('approved');
    expect((await api.payout(admin, disbursementId, 'UNIBANK-778812')).status).toBe('paid');
    await api.reportDelivery(officer, disbursementId, {
      deliveredAt: '2026-11-20T10:00:00Z',
      beneficiaries: 212,
      description: '40 shelter kits',
      location: { country: 'HT', area: 'Les Cayes' },
      evidence: [
        { name: 'handover.jpg', sha256: createHash('sha256').update('handover photo').digest('hex') },
      ],
    });
  });

  it('when the ledger has caught up, then the summary shows allocated, paid out and delivered money and the local share', async () => {
    const summary = await eventually(async () => {
      const current = await api.summary(campaignId);
      expect(current.delivered).toBe(8_000);
      return current;
    });
    expect(summary).toMatchObject({
      raised: 20_000,
      net: 20_000 - Number(summary.fees),
      allocated: 8_000,
      paidOut: 8_000,
      delivered: 8_000,
      beneficiaries: 212,
      localShare: 1,
    });
  });

  it('when the first donor traces their receipt code, then the gift leads first-in-first-out to the disbursement, payout and delivery', async () => {
    const first = receipts[0];
    const second = receipts[1];
    const trace = await api.trace(first?.code ?? '');
    expect(trace.donation).toMatchObject({ donationId: first?.donationId, amount: 4_000 });
    expect(trace.allocations).toEqual([expect.objectContaining({ disbursementId, amount: 4_000 })]);
    expect(trace.payouts).toEqual([expect.objectContaining({ disbursementId, reference: 'UNIBANK-778812' })]);
    expect(trace.deliveries).toEqual([
      expect.objectContaining({ beneficiaries: 212, location: { country: 'HT', area: 'Les Cayes' } }),
    ]);
    // 8,000 splits 4,000 (first gift, all of it) + 4,000 of the second gift's 6,000; the third gift is untouched.
    const secondTrace = await api.trace(second?.code ?? '');
    expect(secondTrace.allocations).toEqual([expect.objectContaining({ amount: 4_000 })]);
    expect((await api.trace(receipts[2]?.code ?? '')).allocations).toEqual([]);
    expect(JSON.stringify(trace)).not.toMatch(/donor0@example\.com|Donor 0/);
  });

  it('when anyone reads the public ledger, then every entry is served as the bytes that were hashed', async () => {
    const { entries } = await api.call<{ entries: { index: number; leaf: string; entry: unknown }[] }>(
      'GET',
      `${urls.ledger}/v1/campaigns/${campaignId}/entries?from=0&limit=100`,
    );
    expect(entries.map((entry) => entry.index)).toEqual(entries.map((_, index) => index));
    for (const entry of entries)
      expect(JSON.parse(Buffer.from(entry.leaf, 'base64').toString('utf8'))).toEqual(entry.entry);
    const kinds = entries.map((entry) => (entry.entry as { kind: string }).kind);
    expect(kinds.filter((kind) => kind === 'gift')).toHaveLength(3);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'campaign-published',
        'disbursement-approved',
        'allocation',
        'payout',
        'delivery',
      ]),
    );
  });

  it('when the public web page is opened, then it shows the campaign and its delivered aid', async () => {
    const page = await (await fetch(`${urls.web}/campaigns/${campaignId}`)).text();
    expect(page).toContain('Earthquake relief in the Grand Sud');
    expect(page).toContain('$80.00');
    const trace = await fetch(`${urls.web}/trace`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ receiptCode: receipts[0]?.code ?? '' }),
    });
    expect(trace.status).toBe(200);
    expect(await trace.text()).toContain('Les Cayes Community Shelter Committee');
  });

  it('when an operator scrapes /metrics (on its own port, with the token), then each service reports its outbox backlog, requests and the ledger its consumer lag', async () => {
    for (const service of ['campaign', 'donation', 'disbursement', 'ledger'] as const) {
      expect((await fetch(`${urls[service]}/metrics`)).status).toBe(404);
      expect((await fetch(`${metricsUrls[service]}/metrics`)).status).toBe(401);
      const response = await fetch(`${metricsUrls[service]}/metrics`, { headers: scraper });
      expect(response.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await response.text();
      expect(text).toMatch(new RegExp(`aid_outbox_backlog_documents\\{service="${service}"\\} \\d+`));
      expect(text).toContain('aid_http_request_duration_seconds_bucket');
    }
    const ledgerMetrics = await (await fetch(`${metricsUrls.ledger}/metrics`, { headers: scraper })).text();
    const lag = [
      ...ledgerMetrics.matchAll(/aid_consumer_lag_messages\{[^}]*group="[^"]*ledger"[^}]*\} (\d+)/g),
    ];
    expect(lag.length).toBeGreaterThanOrEqual(3);
    expect(ledgerMetrics).toMatch(/aid_dead_letters_total\{[^}]*group="[^"]*ledger"[^}]*\} 0/);
  });
});
