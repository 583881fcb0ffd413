import { topics, type AnyEvent } from '@aid/contracts';
import { eventually, operationsOf, publishRaw, servedById, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
} from '@aid/test-kit/record-events';
import { startLedgerForTest } from '../test-support/start-ledger.ts';

type Ledger = Awaited<ReturnType<typeof startLedgerForTest>>;

const topicOf = (event: AnyEvent) =>
  event.type.includes('.campaign.')
    ? topics.campaign
    : event.type.includes('.donation.')
      ? topics.donation
      : topics.disbursement;

async function deliver(events: AnyEvent[]): Promise<void> {
  for (const event of events)
    await publishRaw(testEndpoints().kafkaBrokers, topicOf(event), [
      { key: event.subject, value: JSON.stringify(event) },
    ]);
}

const withAmount = (event: AnyEvent, amount: number) =>
  ({ ...event, data: { ...(event.data as object), amount } }) as AnyEvent;

/** A campaign with one gift of 2,500 (fee 100, so a net of 2,400), and events about it. */
function campaignWith(build: (campaignId: string, donationId: string) => AnyEvent[]) {
  const snapshot = campaignSnapshot();
  const gift = giftSucceeded(snapshot.campaignId, { amount: 2_500, fee: 100 });
  const donationId = (gift.data as { donationId: string }).donationId;
  return {
    campaignId: snapshot.campaignId,
    donationId,
    events: [campaignPublished(snapshot), gift, ...build(snapshot.campaignId, donationId)],
  };
}

/**
 * The conservation rules checked on the ledger's own record, with no donation or disbursement service configured:
 * schema-valid events that break each rule are put on the topics, as a faulty or forged producer would.
 */
describe('reconciliation of the public record', () => {
  let ledger: Ledger;
  const clean = campaignWith((campaignId, donationId) => {
    const chain = disbursementChain(campaignId, donationId, 2_400);
    return [chain.approved, chain.allocated, chain.paid, chain.delivered(40)];
  });
  const overAllocated = campaignWith((campaignId, donationId) => {
    const chain = disbursementChain(campaignId, donationId, 2_401);
    return [chain.approved, chain.allocated];
  });
  const overPaid = campaignWith((campaignId, donationId) => {
    const chain = disbursementChain(campaignId, donationId, 1_000);
    return [chain.approved, chain.allocated, withAmount(chain.paid, 1_500)];
  });
  const deliveredUnpaid = campaignWith((campaignId, donationId) => {
    const chain = disbursementChain(campaignId, donationId, 1_000);
    return [chain.approved, chain.allocated, chain.delivered(12)];
  });
  const giftOverAllocated = campaignWith((campaignId, donationId) => {
    const chain = disbursementChain(campaignId, donationId, 3_000);
    return [
      giftSucceeded(campaignId, { amount: 10_000, fee: 0, minute: 2 }),
      chain.approved,
      chain.allocated,
    ];
  });

  beforeAll(async () => {
    ledger = await startLedgerForTest({ RECONCILE_GRACE_MS: '200' });
    // The consumer starts at the topics' end: until a first gift shows, events may be published before it reads.
    const warmUp = campaignWith(() => []);
    await eventually(
      async () => {
        await deliver(warmUp.events);
        const response = await fetch(`${ledger.url}/v1/campaigns/${warmUp.campaignId}/summary`);
        expect(await response.json()).toMatchObject({ raised: 2_500 });
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    for (const campaign of [clean, overAllocated, overPaid, deliveredUnpaid, giftOverAllocated])
      await deliver(campaign.events);
    await eventually(
      async () => {
        const response = await fetch(`${ledger.url}/v1/campaigns/${giftOverAllocated.campaignId}/summary`);
        expect(await response.json()).toMatchObject({ allocated: 3_000 });
      },
      { timeoutMs: 60_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await ledger.stop();
  });

  const report = async () =>
    (await (await fetch(`${ledger.url}/v1/reconciliation?fresh=true`)).json()) as {
      status: string;
      sources: string[];
      breaches: {
        campaignId: string;
        invariant: string;
        donationId?: string;
        value: number;
        limit: number;
      }[];
    };
  const breachesOf = (all: Awaited<ReturnType<typeof report>>['breaches'], campaignId: string) =>
    all.filter((breach) => breach.campaignId === campaignId);

  it('when each rule is broken on the record, then reconciliation reports each breach, and the campaign that keeps them has none', async () => {
    // Each campaign's events go to its own partition: the ledger records them in no fixed order across campaigns,
    // so the last seeded campaign on the record does not mean the others are; each is awaited by its own figure.
    await eventually(
      async () => {
        const figures = await Promise.all(
          [overAllocated, overPaid, deliveredUnpaid].map(
            async (campaign) =>
              (await (
                await fetch(`${ledger.url}/v1/campaigns/${campaign.campaignId}/summary`)
              ).json()) as Record<string, number>,
          ),
        );
        expect(figures).toMatchObject([{ allocated: 2_401 }, { paidOut: 1_500 }, { delivered: 1_000 }]);
      },
      { timeoutMs: 60_000 },
    );
    const found = await report();
    expect(found.status).toBe('breaches');
    expect(found.sources).toEqual([]);
    expect(breachesOf(found.breaches, clean.campaignId)).toEqual([]);
    expect(breachesOf(found.breaches, overAllocated.campaignId)).toEqual([
      expect.objectContaining({ invariant: 'campaign-allocated-within-net', value: 2_401, limit: 2_400 }),
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: overAllocated.donationId,
        value: 2_401,
        limit: 2_400,
      }),
    ]);
    expect(breachesOf(found.breaches, overPaid.campaignId)).toEqual([
      expect.objectContaining({
        invariant: 'campaign-paid-out-within-allocated',
        value: 1_500,
        limit: 1_000,
      }),
    ]);
    expect(breachesOf(found.breaches, deliveredUnpaid.campaignId)).toEqual([
      expect.objectContaining({ invariant: 'campaign-delivered-within-paid-out', value: 1_000, limit: 0 }),
    ]);
    expect(breachesOf(found.breaches, giftOverAllocated.campaignId)).toEqual([
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: giftOverAllocated.donationId,
        value: 3_000,
        limit: 2_400,
      }),
    ]);
  });

  it('when a check runs, then every campaign’s head is read in one query, shared by the totals and the rules', async () => {
    const operations = await operationsOf(ledger.deps.db, () => report());
    // The re-check of the campaigns with breaches, after the grace period, reads those heads by id.
    expect(
      operations.filter((operation) => operation.collection === 'campaign_logs' && !servedById(operation)),
    ).toHaveLength(1);
  });

  it('when the metrics are scraped after a check, then each broken rule is counted', async () => {
    await report();
    const metrics = await (await fetch(`${ledger.metricsUrl}/metrics`)).text();
    for (const invariant of [
      'campaign-allocated-within-net',
      'campaign-paid-out-within-allocated',
      'campaign-delivered-within-paid-out',
      'gift-allocated-within-net',
    ]) {
      const count = new RegExp(
        `^aid_reconciliation_breaches\\{[^}]*invariant="${invariant}"[^}]*\\} (\\d+)$`,
        'm',
      ).exec(metrics)?.[1];
      expect(Number(count)).toBeGreaterThanOrEqual(1);
    }
  });
});
