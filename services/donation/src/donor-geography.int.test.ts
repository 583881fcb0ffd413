import { donationGeographyReleased, newId, topics } from '@aid/contracts';
import {
  eventually,
  invoicePaid,
  newStripeId,
  recordTopics,
  succeededWithFee,
  testEndpoints,
} from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDonorGeographyStore } from './store/donor-geography.store.ts';
import {
  deliver,
  deliverTwice,
  newGift,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

let donation: DonationUnderTest;
let recorder: Awaited<ReturnType<typeof recordTopics>>;

beforeAll(async () => {
  recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.donation]);
  donation = await startDonationForTest();
});

afterAll(async () => {
  await recorder?.stop();
  await donation?.service.stop();
});

const ofCampaign = (campaignId: string) =>
  recorder.messages
    .map((message) => message.value as { type: string; subject: string; data: Record<string, unknown> })
    .filter((event) => event.subject === campaignId);
const releasesOf = (campaignId: string) =>
  ofCampaign(campaignId).filter((event) => event.type === 'org.diaspora-aid.donation.geography-released');

const countsOf = (campaignId: string) =>
  donation.service.deps.db.collection('donor_geography').findOne({ _id: campaignId as never });

/** As if the campaign's donors had never been counted: its counts and the record of each donor's operation go. */
async function forgetCounts(campaignId: string) {
  const { db } = donation.service.deps;
  await db.collection('donor_geography').deleteOne({ _id: campaignId as never });
  await db
    .collection('applied_operations')
    .deleteMany({ _id: { $regex: `^donor-geography:${campaignId}:` } as never });
}

async function giveOnce(campaignId: string, body: Record<string, unknown>) {
  const { donationId } = await newGift(donation, { campaignId, ...body });
  await deliverTwice(
    donation,
    succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') }),
  );
  return donationId;
}

describe('donor geography', () => {
  it('when consenting donors give, a monthly donor five times and another twice, then each counts once, a donor without consent never, and one release of five donors is published', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const consenting = { geographyConsent: true, countryOfResidence: 'IS', countryOfHeritage: 'PK' };

    const monthly = await newGift(donation, {
      campaignId,
      interval: 'month',
      donor: { email: `sigrid.${newId()}@example.is` },
      ...consenting,
    });
    const plan = await donation.service.deps.db
      .collection<{ _id: string; subscriptionId?: string }>('donations')
      .findOne({ _id: monthly.donationId });
    const start = Math.floor(Date.now() / 1000);
    for (let month = 0; month < 5; month += 1) {
      await deliverTwice(
        donation,
        invoicePaid({
          invoiceId: newStripeId('in'),
          subscriptionId: String(plan?.subscriptionId),
          donationId: monthly.donationId,
          amount: 1000,
          paidAt: start + month,
        }),
      );
    }
    for (const name of ['a', 'b', 'c'])
      await giveOnce(campaignId, { donor: { email: `${name}.${newId()}@example.is` }, ...consenting });
    await giveOnce(campaignId, { donor: { email: `no.consent.${newId()}@example.is` } });
    const twice = `twice.${newId()}@example.is`;
    await giveOnce(campaignId, { donor: { email: twice }, geographyConsent: true, countryOfResidence: 'IS' });
    await giveOnce(campaignId, {
      donor: { email: twice.toUpperCase() },
      geographyConsent: true,
      countryOfResidence: 'IS',
    });

    const gifts = await eventually(() => {
      const found = ofCampaign(campaignId).filter(
        (event) => event.type === 'org.diaspora-aid.donation.succeeded',
      );
      expect(found).toHaveLength(11);
      return found;
    });
    const [release] = await eventually(() => {
      const found = releasesOf(campaignId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(donationGeographyReleased.parse(release).data).toMatchObject({
      campaignId,
      release: 1,
      minimumGroup: 5,
      // Counting gifts would have said 11 gifts, 10 of them from Iceland; they are 5 donors who agreed to be counted.
      residence: { groups: [{ country: 'IS', donors: 5 }], other: 0 },
      // Four donors gave a heritage: fewer than five, so not even their total is published.
      heritage: { groups: [], other: null },
    });
    // No gift announcement carries a country or the private donor key.
    for (const gift of gifts)
      expect(Object.keys(gift.data.donor as object).sort()).toEqual(['displayName', 'publicRef']);
    const counts = await donation.service.deps.db
      .collection('donor_geography')
      .findOne({ _id: campaignId as never });
    expect(counts).toMatchObject({
      donors: 5,
      residence: { IS: 5 },
      heritage: { PK: 4 },
      release: 1,
      releasedDonors: 5,
    });
  });

  it('when a batch of gifts names donors already counted, or one donor twice, then each donor and their countries count once, together', async () => {
    const { db, applyOnce } = donation.service.deps;
    const geography = createDonorGeographyStore(db, applyOnce);
    const campaignId = newId();
    const donor = (key: string, residence: string | null, heritage: string | null = null) => ({
      donorKey: key,
      residence,
      heritage,
    });
    expect(await geography.countDonor(campaignId, 'k1', donor('k1', 'SE'))).toBe(true);
    const batch = [donor('k1', 'SE'), donor('k2', 'SE', 'SO'), donor('k3', 'NO'), donor('k2', 'SE', 'SO')];
    expect(await geography.countDonors(campaignId, batch)).toBe(2);
    expect(await geography.countDonors(campaignId, batch)).toBe(0);
    expect(await geography.counts(campaignId)).toMatchObject({
      donors: 3,
      residence: { SE: 2, NO: 1 },
      heritage: { SO: 1 },
    });
  });

  it('when fewer than five new donors were counted since the last release, then no new release is published; the fifth brings it', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const give = (index: number, country: string) =>
      giveOnce(campaignId, {
        donor: { email: `d${index}.${newId()}@example.org` },
        geographyConsent: true,
        countryOfResidence: country,
      });
    for (let index = 0; index < 5; index += 1) await give(index, 'GB');
    await eventually(() => expect(releasesOf(campaignId)).toHaveLength(1));
    for (let index = 5; index < 9; index += 1) await give(index, index === 5 ? 'NO' : 'GB');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(releasesOf(campaignId)).toHaveLength(1);
    await give(9, 'GB');
    const second = await eventually(() => {
      const found = releasesOf(campaignId);
      expect(found).toHaveLength(2);
      return found[1];
    });
    // Norway's single donor is not subtractable: "other" would be 1, so GB is merged into it.
    expect(second?.data).toMatchObject({ release: 2, residence: { groups: [], other: 10 } });
  });

  it('when a gift’s donor was not counted although its success was applied (a crash before the count), then the success delivered again to another instance counts them, once', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId } = await newGift(donation, {
      campaignId,
      donor: { email: `again.${newId()}@example.org` },
      geographyConsent: true,
      countryOfResidence: 'HT',
    });
    const success = succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') });
    await deliverTwice(donation, success);
    await eventually(async () => expect(await countsOf(campaignId)).toMatchObject({ donors: 1 }));
    await forgetCounts(campaignId);

    const other = await startDonationForTest({}, donation);
    try {
      await deliverTwice(other, success);
      expect(await countsOf(campaignId)).toMatchObject({ donors: 1, residence: { HT: 1 } });
      await deliver(donation, success);
      expect(await countsOf(campaignId)).toMatchObject({ donors: 1, residence: { HT: 1 } });
    } finally {
      await other.service.stop();
    }
  });

  it('when an earlier version left consenting gifts uncounted, then the first start of this version counts each of their donors once, and no donor without consent', async () => {
    const { campaignId } = await publishedCampaign(donation);
    await giveOnce(campaignId, {
      donor: { email: `early.${newId()}@example.org` },
      geographyConsent: true,
      countryOfResidence: 'UA',
      countryOfHeritage: 'UA',
    });
    await giveOnce(campaignId, { donor: { email: `quiet.${newId()}@example.org` } });
    await eventually(async () => expect(await countsOf(campaignId)).toMatchObject({ donors: 1 }));
    await forgetCounts(campaignId);
    await donation.service.deps.db
      .collection('migrations')
      .deleteOne({ _id: 'donor-geography-counted-by-webhook-batches' as never });

    const upgraded = await startDonationForTest({}, donation);
    try {
      expect(await countsOf(campaignId)).toMatchObject({
        donors: 1,
        residence: { UA: 1 },
        heritage: { UA: 1 },
      });
    } finally {
      await upgraded.service.stop();
    }
  });

  it('when a donor erases their personal data, then their countries and donor key are gone from every gift of the receipt', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode } = await newGift(donation, {
      campaignId,
      donor: { email: `erase.${newId()}@example.org` },
      geographyConsent: true,
      countryOfHeritage: 'SO',
    });
    const before = await donation.service.deps.db
      .collection('donations')
      .findOne({ _id: donationId as never });
    expect(before).toMatchObject({
      countryOfHeritage: 'SO',
      geographyConsent: true,
      donorKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const erased = await fetch(`${donation.url}/v1/donations/${donationId}/personal-data`, {
      method: 'DELETE',
      headers: { 'x-receipt-code': receiptCode },
    });
    expect(erased.status).toBe(204);
    const after = await donation.service.deps.db
      .collection('donations')
      .findOne({ _id: donationId as never });
    expect(after).toMatchObject({
      countryOfHeritage: null,
      countryOfResidence: null,
      geographyConsent: false,
      donorKey: null,
    });
  });
});
