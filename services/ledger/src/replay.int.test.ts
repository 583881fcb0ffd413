import { envelope, newId, topics, type AnyEvent } from '@aid/contracts';
import { eventually, publishRaw, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
} from '@aid/test-kit/record-events';
import { startLedgerForTest } from './test-support/start-ledger.ts';

type Ledger = Awaited<ReturnType<typeof startLedgerForTest>>;

const topicOf = (event: AnyEvent) =>
  event.type.includes('.campaign.')
    ? topics.campaign
    : event.type.includes('.donation.')
      ? topics.donation
      : topics.disbursement;

function refunded(campaignId: string, donationId: string, amount: number): AnyEvent {
  return envelope({
    type: 'org.diaspora-aid.donation.refunded',
    source: '/services/donation',
    subject: campaignId,
    time: new Date(Date.UTC(2026, 0, 3)),
    data: {
      donationId,
      campaignId,
      refundId: `re_${donationId.slice(-8)}`,
      amount,
      currency: 'USD',
      refundedAt: new Date(Date.UTC(2026, 0, 3)).toISOString(),
    },
  });
}

/** A campaign's public life: gifts, a refund, a disbursement allocated, paid out and delivered, then more gifts. */
function campaignStory(seed: number): { campaignId: string; events: AnyEvent[] } {
  const snapshot = campaignSnapshot();
  const { campaignId } = snapshot;
  const first = newId();
  const refundedGift = newId();
  const chain = disbursementChain(campaignId, first, 1_500 + seed, seed % 2 === 0);
  return {
    campaignId,
    events: [
      campaignPublished(snapshot),
      giftSucceeded(campaignId, { donationId: first, amount: 2_000 + seed, fee: 60, minute: 1 }),
      giftSucceeded(campaignId, {
        donationId: refundedGift,
        amount: 700,
        fee: 20,
        minute: 2,
        donor: { publicRef: `d_${'cd'.repeat(12)}`, countryOfResidence: 'US' },
      }),
      refunded(campaignId, refundedGift, 700),
      chain.approved,
      chain.allocated,
      giftSucceeded(campaignId, { amount: 900 + seed, fee: 30, minute: 1_500 }),
      chain.paid,
      chain.delivered(25 + seed),
      giftSucceeded(campaignId, {
        amount: 400,
        fee: 12,
        minute: 3_000,
        donor: { publicRef: `d_${'ef'.repeat(12)}`, countryOfHeritage: null },
      }),
    ],
  };
}

async function json(ledger: Ledger, path: string): Promise<unknown> {
  const response = await fetch(`${ledger.url}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function text(ledger: Ledger, path: string): Promise<string> {
  return (await fetch(`${ledger.url}${path}`)).text();
}

/** Everything public about a campaign's log, as a replayed ledger must reproduce it. */
async function publicRecord(ledger: Ledger, campaignId: string, size: number) {
  const base = `/v1/campaigns/${campaignId}`;
  const proofs = [];
  for (let index = 0; index < size; index += 1)
    proofs.push(await json(ledger, `${base}/proofs/inclusion?index=${index}&treeSize=${size}`));
  return {
    summary: await json(ledger, `${base}/summary`),
    timeseries: await json(ledger, `${base}/timeseries`),
    breakdowns: await json(ledger, `${base}/breakdowns`),
    entries: await json(ledger, `${base}/entries?from=0&limit=1000`),
    // Same origin and signing key, and Ed25519 signatures are deterministic: equal heads give equal notes.
    checkpoint: await text(ledger, `${base}/checkpoint`),
    proofs,
    consistency: await json(ledger, `${base}/proofs/consistency?from=1&to=${size}`),
  };
}

describe('replay: a new ledger rebuilt from the topics into an empty database', () => {
  const stories = [0, 1, 2].map(campaignStory);
  let live: Ledger;
  let replayed: Ledger | undefined;
  let startedAt: Date;

  beforeAll(async () => {
    startedAt = new Date();
    live = await startLedgerForTest();
    const { kafkaBrokers } = testEndpoints();
    // The campaigns' stories interleave, each event published once the live ledger has it, as in production
    // where events are far apart; every event is published twice, as at-least-once producers may.
    const longest = Math.max(...stories.map((story) => story.events.length));
    for (let step = 0; step < longest; step += 1) {
      for (const story of stories) {
        const event = story.events[step];
        if (!event) continue;
        const message = { key: event.subject, value: JSON.stringify(event) };
        await publishRaw(kafkaBrokers, topicOf(event), [message, message]);
      }
      await eventually(async () => {
        for (const story of stories) {
          const { entries } = (await json(live, `/v1/campaigns/${story.campaignId}/summary`)) as {
            entries: number;
          };
          expect(entries).toBe(Math.min(step + 1, story.events.length));
        }
      });
    }
  });

  afterAll(async () => {
    await replayed?.stop();
    await live?.stop();
  });

  it('when a second ledger starts from the test start time with an empty database, then every campaign has identical summaries, entries, checkpoints and proofs', async () => {
    replayed = await startLedgerForTest({ KAFKA_START_AT: startedAt.toISOString() });
    const ledger = replayed;
    for (const story of stories) {
      const size = story.events.length;
      await eventually(
        async () =>
          expect(
            ((await json(ledger, `/v1/campaigns/${story.campaignId}/summary`)) as { entries: number })
              .entries,
          ).toBe(size),
        { timeoutMs: 60_000 },
      );
      const rebuilt = await publicRecord(ledger, story.campaignId, size);
      const original = await publicRecord(live, story.campaignId, size);
      expect(rebuilt).toEqual(original);
      expect(rebuilt.checkpoint).toContain(`\n${size}\n`);
    }
  });
});
