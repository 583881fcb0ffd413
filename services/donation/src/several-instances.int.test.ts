import { topics } from '@aid/contracts';
import { chargeRefunded, newStripeId, recordTopics, succeededWithFee, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  newGift,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

let first: DonationUnderTest;
let second: DonationUnderTest;
let recorder: Awaited<ReturnType<typeof recordTopics>>;

beforeAll(async () => {
  recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.donation]);
  first = await startDonationForTest();
  second = await startDonationForTest({}, first);
});

afterAll(async () => {
  await recorder?.stop();
  await second?.service.stop();
  await first?.service.stop();
});

interface Announced {
  id: string;
  type: string;
  subject: string;
  data: { donationId: string };
}

const announcedFor = (campaignId: string) =>
  recorder.messages
    .map((message) => message.value as Announced)
    .filter((event) => event.subject === campaignId);

async function totalsAt(instance: DonationUnderTest, campaignId: string) {
  const response = await fetch(`${instance.url}/v1/campaigns/${campaignId}/totals`);
  return (await response.json()) as Record<string, unknown>;
}

async function viewAt(instance: DonationUnderTest, donationId: string, receiptCode: string) {
  const response = await fetch(`${instance.url}/v1/donations/${donationId}`, {
    headers: { 'x-receipt-code': receiptCode },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('two instances of the donation service on one database', () => {
  it('when one gift’s webhooks reach either instance, some at both at once, then each counts once, both answer the same, and no refund is announced before its gift', async () => {
    const { campaignId } = await publishedCampaign(first);
    const instances = [first, second];
    const gifts = [];
    for (let n = 0; n < 12; n += 1) {
      const gift = await newGift(instances[n % 2] as DonationUnderTest, { campaignId });
      gifts.push({ ...gift, chargeId: newStripeId('ch') });
    }

    await Promise.all(
      gifts.map(async (gift, n) => {
        const success = succeededWithFee(gift.donationId, {
          amount: 2500,
          fee: 103,
          chargeId: gift.chargeId,
        });
        // Every third success reaches both instances at the same moment, as Stripe's retries can.
        const at = n % 3 === 0 ? instances : [instances[n % 2] as DonationUnderTest];
        await Promise.all(at.map((instance) => deliver(instance, success)));
      }),
    );
    // The first four are partly refunded, each refund reported to the instance that did not apply its success.
    await Promise.all(
      gifts.slice(0, 4).map((gift, n) =>
        deliver(
          instances[(n + 1) % 2] as DonationUnderTest,
          chargeRefunded({
            chargeId: gift.chargeId,
            donationId: gift.donationId,
            amount: 2500,
            amountRefunded: 500,
          }),
        ),
      ),
    );

    const expected = {
      campaignId,
      currency: 'USD',
      gifts: 12,
      raised: 30_000,
      fees: 12 * 103,
      refunded: 2_000,
      disputed: 0,
      net: 30_000 - 12 * 103 - 2_000,
      refundsReversed: 0,
    };
    expect(await totalsAt(first, campaignId)).toEqual(expected);
    expect(await totalsAt(second, campaignId)).toEqual(expected);
    for (const [n, gift] of gifts.entries())
      for (const instance of instances)
        expect(await viewAt(instance, gift.donationId, gift.receiptCode)).toMatchObject({
          status: 'succeeded',
          refunded: n < 4 ? 500 : 0,
        });

    await expect
      .poll(() => new Set(announcedFor(campaignId).map((event) => event.id)).size, { timeout: 30_000 })
      .toBe(16);
    const announced = announcedFor(campaignId);
    const distinct = (type: string) =>
      new Set(announced.filter((event) => event.type === type).map((event) => event.id)).size;
    expect(distinct('org.diaspora-aid.donation.succeeded')).toBe(12);
    expect(distinct('org.diaspora-aid.donation.refunded')).toBe(4);
    for (const gift of gifts.slice(0, 4)) {
      const position = (type: string) =>
        announced.findIndex((event) => event.type === type && event.data.donationId === gift.donationId);
      expect(position('org.diaspora-aid.donation.succeeded')).toBeLessThan(
        position('org.diaspora-aid.donation.refunded'),
      );
    }
  });
});
