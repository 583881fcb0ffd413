import { chargeRefunded, disputeEvent, newStripeId, stripeEvent, succeededWithFee } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  deliverTwice,
  newGift,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

let donation: DonationUnderTest;

beforeAll(async () => {
  donation = await startDonationForTest();
});

afterAll(async () => {
  await donation?.service.stop();
});

/** Every sample of the scrape as `name{label="value",...}` with labels sorted, the runtime's `service` label left out. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${donation.service.metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || !match[3]) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)]
      .filter(([, name]) => name !== 'service')
      .map(([, name, value]) => `${name}="${value}"`)
      .sort();
    samples.set(labels.length > 0 ? `${match[1]}{${labels.join(',')}}` : match[1], Number(match[3]));
  }
  return samples;
}

const gifts = 'aid_gifts_total{currency="USD"}';
const amount = (figure: string) => `aid_gift_amount_minor_total{currency="USD",figure="${figure}"}`;
const pending = 'aid_stripe_inbox_pending';
const counters = [gifts, ...['raised', 'fees', 'refunded', 'disputed', 'refunds_reversed'].map(amount)];

/** What each gift counter gained since `before` (a series not there yet counts as 0). */
function gained(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  return Object.fromEntries(counters.map((name) => [name, (after.get(name) ?? 0) - (before.get(name) ?? 0)]));
}

describe('GET /metrics: gifts and amounts', () => {
  it('when a success is delivered twice and a partial refund twice, then one gift, its amounts and the refund are counted once each', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId } = await newGift(donation, { campaignId });
    const start = await scrape();
    // Nothing is counted before a gift succeeds; the gauge is there from the start.
    expect(start.get(gifts)).toBeUndefined();
    expect(start.get(pending)).toBe(0);

    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }));
    const succeeded = await scrape();
    expect(succeeded.get(gifts)).toBe(1);
    expect(succeeded.get(amount('raised'))).toBe(2500);
    expect(succeeded.get(amount('fees'))).toBe(103);
    expect(succeeded.get(amount('refunded'))).toBeUndefined();

    const refund = chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 1000 });
    // An older, lower level delivered late changes nothing, so counts nothing.
    const olderLevel = {
      ...chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 400 }),
      created: refund.created - 60,
    };
    await deliverTwice(donation, refund, olderLevel);
    const refunded = await scrape();
    expect(refunded.get(gifts)).toBe(1);
    expect(refunded.get(amount('raised'))).toBe(2500);
    expect(refunded.get(amount('fees'))).toBe(103);
    expect(refunded.get(amount('refunded'))).toBe(1000);
    expect(refunded.get(amount('disputed'))).toBeUndefined();
    expect(refunded.get(amount('refunds_reversed'))).toBeUndefined();
    expect(refunded.get(pending)).toBe(0);
  });

  it('when a refund arrives before its payment succeeded, then the gauge shows it pending and nothing counts until the success, after which both count once', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId } = await newGift(donation, { campaignId });
    const before = await scrape();

    const early = chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 600 });
    await deliverTwice(donation, early);
    const waiting = await scrape();
    expect(waiting.get(pending)).toBe(1);
    expect(gained(before, waiting)).toEqual(Object.fromEntries(counters.map((name) => [name, 0])));

    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }), early);
    const after = await scrape();
    expect(after.get(pending)).toBe(0);
    expect(gained(before, after)).toEqual({
      [gifts]: 1,
      [amount('raised')]: 2500,
      [amount('fees')]: 103,
      [amount('refunded')]: 600,
      [amount('disputed')]: 0,
      [amount('refunds_reversed')]: 0,
    });
  });

  it('when a dispute is lost and a counted refund fails, each reported twice, then disputed, refunded and refunds_reversed grow once each', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const [disputedCharge, refundedCharge] = [newStripeId('ch'), newStripeId('ch')];
    const disputedGift = await newGift(donation, { campaignId });
    const refundedGift = await newGift(donation, { campaignId });
    await deliverTwice(
      donation,
      succeededWithFee(disputedGift.donationId, { amount: 2500, fee: 103, chargeId: disputedCharge }),
      succeededWithFee(refundedGift.donationId, { amount: 2000, fee: 88, chargeId: refundedCharge }),
    );
    const before = await scrape();

    const disputeId = newStripeId('dp');
    await deliverTwice(
      donation,
      disputeEvent('charge.dispute.created', {
        disputeId,
        chargeId: disputedCharge,
        amount: 1500,
        status: 'needs_response',
      }),
      disputeEvent('charge.dispute.closed', {
        disputeId,
        chargeId: disputedCharge,
        amount: 1500,
        status: 'lost',
      }),
      chargeRefunded({
        chargeId: refundedCharge,
        donationId: refundedGift.donationId,
        amount: 2000,
        amountRefunded: 2000,
      }),
    );
    const failed = {
      id: newStripeId('re'),
      object: 'refund',
      amount: 2000,
      charge: refundedCharge,
      payment_intent: 'pi_fixture',
      status: 'failed',
      metadata: { donationId: refundedGift.donationId },
    };
    await deliverTwice(
      donation,
      stripeEvent('charge.refund.updated', failed),
      stripeEvent('refund.updated', failed),
    );
    // A payment_failed after the success is out of order and changes nothing.
    await deliver(
      donation,
      stripeEvent('payment_intent.payment_failed', {
        id: 'pi_fixture',
        object: 'payment_intent',
        amount: 2000,
        currency: 'usd',
        metadata: { donationId: refundedGift.donationId },
      }),
    );

    const after = await scrape();
    // The lost dispute's 1500 and the 2000 refund both count as refunded; the failed refund gives its 2000 back.
    expect(gained(before, after)).toEqual({
      [gifts]: 0,
      [amount('raised')]: 0,
      [amount('fees')]: 0,
      [amount('refunded')]: 3500,
      [amount('disputed')]: 1500,
      [amount('refunds_reversed')]: 2000,
    });
    expect(after.get(pending)).toBe(0);
    // refunded − refunds_reversed is the campaign totals' refunded.
    const totals = (await (await fetch(`${donation.url}/v1/campaigns/${campaignId}/totals`)).json()) as {
      refunded: number;
      refundsReversed: number;
      gifts: number;
    };
    expect(totals).toMatchObject({ gifts: 2, refunded: 1500, refundsReversed: 2000 });
  });
});
