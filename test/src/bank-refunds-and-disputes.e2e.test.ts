import { randomBytes } from 'node:crypto';
import {
  chargeRefunded,
  disputeEvent,
  eventually,
  HttpError,
  platformClient,
  signStripeWebhook,
  succeededWithFee,
  type PlatformClient,
} from '@aid/test-kit';
import { beforeAll, describe, expect, inject, it } from 'vitest';
// Stripe's webhook bodies as the donation service's own tests build them, reached by path like the services.

/**
 * The outside audit's case, end to end over HTTP and Kafka with every service a process: gifts paid by card (the
 * processor keeps a fee on each), then the card holder's bank refunds one gift in full and wins a dispute over
 * another. Stripe keeps its fees on both, so the campaign holds less than the other gifts' net. No disbursement
 * may allocate that lost money, and the public record must keep allocated <= net.
 */
describe('bank refunds and lost disputes, end to end', () => {
  const urls = inject('urls');
  const secrets = inject('secrets');
  let api: PlatformClient;
  let admin: string;
  let approver: string;
  let officer: string;
  let campaignId: string;
  const gifts = [
    { amount: 20_000, fee: 610, chargeId: `ch_${randomBytes(12).toString('hex')}`, donationId: '' },
    { amount: 15_000, fee: 465, chargeId: `ch_${randomBytes(12).toString('hex')}`, donationId: '' },
    { amount: 10_000, fee: 378, chargeId: `ch_${randomBytes(12).toString('hex')}`, donationId: '' },
  ];

  const webhook = (event: object) => {
    const payload = JSON.stringify(event);
    return api.call('POST', `${urls.donation}/v1/webhooks/stripe`, {
      body: payload,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signStripeWebhook(payload, secrets.stripeWebhookSecret),
      },
    });
  };

  beforeAll(async () => {
    api = platformClient(urls, secrets);
    const organization = await api.createOrganization({
      name: 'Horn of Africa Relief',
      country: 'SE',
      kind: 'ngo',
    });
    admin = organization.apiKey;
    approver = (
      await api.addMember(organization.id, admin, {
        name: 'Amina Yusuf',
        email: 'amina@example.org',
        role: 'approver',
      })
    ).apiKey;
    officer = (
      await api.addMember(organization.id, admin, {
        name: 'Omar Farah',
        email: 'omar@example.org',
        role: 'field-officer',
      })
    ).apiKey;
    campaignId = (
      await api.createCampaign(admin, {
        title: 'Drought response in Somali region',
        summary: 'Water trucking and livestock feed.',
        goal: { amount: 5_000_000, currency: 'USD' },
        crisis: { kind: 'drought', countries: ['ET'] },
      })
    ).id;
    await api.publishCampaign(admin, campaignId);
    for (const [index, gift] of gifts.entries()) {
      const donation = await eventually(
        () =>
          api.donate({
            campaignId,
            amount: gift.amount,
            currency: 'USD',
            donor: { email: `giver${index}@example.com`, name: `Giver ${index}` },
            showName: false,
            geographyConsent: true,
            countryOfResidence: 'SE',
            countryOfHeritage: 'ET',
            interval: 'once',
          }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      gift.donationId = donation.donationId;
      await webhook(succeededWithFee(donation.donationId, gift));
    }
    await eventually(
      async () => expect(await api.summary(campaignId)).toMatchObject({ raised: 45_000, fees: 1_453 }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('when the bank refunds a whole gift and a dispute over another is lost, then the fees Stripe kept are neither available nor allocatable, and the record keeps allocated <= net', async () => {
    const [refunded, disputed] = gifts;
    const disputeId = `du_${randomBytes(12).toString('hex')}`;
    await webhook(
      chargeRefunded({
        chargeId: refunded!.chargeId,
        donationId: refunded!.donationId,
        amount: refunded!.amount,
        amountRefunded: refunded!.amount,
      }),
    );
    await webhook(
      disputeEvent('charge.dispute.created', {
        disputeId,
        chargeId: disputed!.chargeId,
        amount: disputed!.amount,
        status: 'needs_response',
      }),
    );
    await webhook(
      disputeEvent('charge.dispute.closed', {
        disputeId,
        chargeId: disputed!.chargeId,
        amount: disputed!.amount,
        status: 'lost',
      }),
    );

    // The donors got 35,000 back; the campaign had received 45,000 - 1,453: it holds 8,547, not the third gift's 9,622.
    await eventually(
      async () =>
        expect(await api.summary(campaignId)).toMatchObject({
          raised: 45_000,
          fees: 1_453,
          refunded: 35_000,
          net: 8_547,
        }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await eventually(
      async () => expect(await api.funds(admin, campaignId)).toMatchObject({ net: 9_622, available: 8_547 }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const tooMuch = await api
      .requestDisbursement(officer, {
        campaignId,
        amount: 9_622,
        currency: 'USD',
        recipient: { name: 'Jijiga Water Committee', country: 'ET', local: true },
        purpose: 'Water trucking',
        sector: 'WASH',
      })
      .catch((error: unknown) => error);
    expect(tooMuch).toBeInstanceOf(HttpError);
    expect((tooMuch as HttpError).status).toBe(409);
    const request = await api.requestDisbursement(officer, {
      campaignId,
      amount: 8_547,
      currency: 'USD',
      recipient: { name: 'Jijiga Water Committee', country: 'ET', local: true },
      purpose: 'Water trucking',
      sector: 'WASH',
    });
    await api.approve(approver, request.id, 'ok');
    await eventually(
      async () => expect(await api.summary(campaignId)).toMatchObject({ net: 8_547, allocated: 8_547 }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    // Reconciliation finds nothing amiss for this campaign: no breach on the record, no difference with the services.
    await eventually(
      async () => {
        const report = await api.call<{
          breaches: { campaignId: string }[];
          differences: { campaignId: string }[];
        }>('GET', `${urls.ledger}/v1/reconciliation?fresh=true`);
        expect(report.breaches.filter((breach) => breach.campaignId === campaignId)).toEqual([]);
        expect(report.differences.filter((difference) => difference.campaignId === campaignId)).toEqual([]);
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  });
});
