import { randomBytes } from 'node:crypto';
import { startTestMode, type RunningTestMode } from '@aid/stripe-test-mode';
import { eventually, platformClient, testEndpoints, type PlatformClient } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformInProcess, type InProcessPlatform } from './harness/in-process-platform.ts';

/**
 * The local Stripe test mode in front of stripe-mock, as `npm start` runs it: the services create their
 * PaymentIntents and subscriptions through it as through Stripe, a donor's test card is confirmed there, and the
 * gift reaches the public record only through the webhooks it signs and sends — nothing in the services knows
 * it is not Stripe.
 */
describe('a test gift through the local Stripe test mode', () => {
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  let testMode: RunningTestMode;
  let platform: InProcessPlatform;
  let api: PlatformClient;
  let campaignId: string;

  const confirm = (clientSecret: string, paymentMethod: string) =>
    fetch(`${testMode.url}/v1/payment_intents/${clientSecret.split('_secret_')[0]}/confirm`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_method: paymentMethod }),
    });
  const donation = (id: string, receiptCode: string) =>
    api.call<{ status: string; interval: string }>('GET', `${platform.urls.donation}/v1/donations/${id}`, {
      headers: { 'x-receipt-code': receiptCode },
    });

  beforeAll(async () => {
    let donationUrl = '';
    testMode = await startTestMode({
      upstream: testEndpoints().stripeApiBase,
      webhookUrl: () => `${donationUrl}/v1/webhooks/stripe`,
      webhookSecret,
      firstRetryMs: 200,
    });
    platform = await startPlatformInProcess({
      stripeApiBase: testMode.url,
      stripeWebhookSecret: webhookSecret,
    });
    donationUrl = platform.urls.donation;
    api = platformClient(platform.urls, platform.secrets);
    const organization = await api.createOrganization({
      name: 'Haiti Diaspora Relief',
      country: 'CA',
      kind: 'diaspora-association',
    });
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Earthquake relief in Nippes',
      summary: 'Shelter kits and clean water.',
      goal: { amount: 5_000_000, currency: 'USD' },
      crisis: { kind: 'earthquake', countries: ['HT'] },
    });
    campaignId = campaign.id;
    await api.publishCampaign(organization.apiKey, campaignId);
  }, 120_000);

  afterAll(async () => {
    await testMode?.close();
    await platform?.stop();
  });

  it('when the donor pays with the test visa card, then the gift is confirmed and on the ledger with the fee Stripe charged', async () => {
    const gift = await eventually(
      () =>
        api.donate({
          campaignId,
          amount: 2_500,
          currency: 'USD',
          donor: { email: 'jean@example.org' },
          interval: 'once',
        }),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect((await confirm(gift.clientSecret, 'pm_card_visa')).status).toBe(200);
    await eventually(
      async () => expect((await donation(gift.donationId, gift.receiptCode)).status).toBe('succeeded'),
      { timeoutMs: 30_000 },
    );
    await eventually(
      async () => expect(await api.summary(campaignId)).toMatchObject({ raised: 2_500, fees: 103, gifts: 1 }),
      { timeoutMs: 30_000 },
    );
    const trace = await eventually(() => api.trace(gift.receiptCode), { timeoutMs: 30_000 });
    expect(trace).toBeTruthy();
  });

  it('when the card is declined, then Stripe’s 402 reaches the payer and nothing is counted', async () => {
    const gift = await api.donate({
      campaignId,
      amount: 4_000,
      currency: 'USD',
      donor: { email: 'marie@example.org' },
      interval: 'once',
    });
    const declined = await confirm(gift.clientSecret, 'pm_card_chargeDeclined');
    expect(declined.status).toBe(402);
    expect(await declined.json()).toMatchObject({
      error: { type: 'card_error', decline_code: 'generic_decline' },
    });
    await testMode.webhooks.idle();
    expect((await donation(gift.donationId, gift.receiptCode)).status).not.toBe('succeeded');
    expect(await api.summary(campaignId)).toMatchObject({ raised: 2_500, gifts: 1 });
  });

  it('when a monthly donor pays the first invoice, then the first installment is counted', async () => {
    const gift = await api.donate({
      campaignId,
      amount: 1_500,
      currency: 'USD',
      donor: { email: 'paul@example.org' },
      interval: 'month',
    });
    expect((await confirm(gift.clientSecret, 'pm_card_visa')).status).toBe(200);
    await eventually(
      async () => expect(await api.summary(campaignId)).toMatchObject({ raised: 4_000, gifts: 2 }),
      { timeoutMs: 30_000 },
    );
  });

  it('when a donor gives €25 a month to a dollar campaign, then the first installment counts in dollars as Stripe settled it, with the euros shown beside', async () => {
    const gift = await api.donate({
      campaignId,
      amount: 2_500,
      currency: 'EUR',
      donor: { email: 'anne@example.org' },
      interval: 'month',
    });
    expect((await confirm(gift.clientSecret, 'pm_card_visa')).status).toBe(200);
    // €25.00 at the test rate 1.08 settles as $27.00; its fee is 3.9 % (a converted card) + 30 cents = $1.35,
    // after the first gift's $1.03 and the monthly $15's $0.74.
    await eventually(
      async () =>
        expect(await api.summary(campaignId)).toMatchObject({
          raised: 6_700,
          fees: 103 + 74 + 135,
          gifts: 3,
        }),
      { timeoutMs: 30_000 },
    );
    const summary = await api.summary(campaignId);
    expect(summary['byPresentedCurrency']).toEqual(
      expect.arrayContaining([expect.objectContaining({ currency: 'EUR', gifts: 1, amount: 2_500 })]),
    );
  });
});
