import { newId, type AnyEvent } from '@aid/contracts';
import { verifyInclusion } from '@aid/log-verifier';
import { connectDatabase } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../domain/leaf.ts';
import { emptyRoot, nodeHash, splitPoint } from '../domain/merkle.ts';
import { entryAppendedMessage } from '../events/entry-appended.ts';
import { giftSucceeded } from '@aid/test-kit/record-events';
import { recordPublicEvents } from '../use-cases/record-public-events.ts';
import { createLedgerStore, type LedgerStore } from './ledger-store.ts';
import type { AppendStep } from './log-appender.ts';

/** MTH straight from RFC 6962 §2.1 over all leaves: what the stored nodes must give. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot;
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const gifts = (campaignId: string, count: number): AnyEvent[] =>
  Array.from({ length: count }, (_, seed) =>
    giftSucceeded(campaignId, {
      amount: 1_000 + seed,
      fee: 10,
      minute: seed,
      donor: { publicRef: `d_${(seed % 3).toString(16).padStart(24, '0')}` },
    }),
  );

class Crash extends Error {}

/** A store that stops, as a crashed process would, at one point between an append's writes. */
function crashingAt(db: Connection, step: AppendStep): LedgerStore {
  return createLedgerStore(db, {
    interrupt: (reached) => {
      if (reached === step) throw new Crash(`crashed after ${step}`);
    },
  });
}

/** Everything a reader sees of a campaign's log must agree with the events appended once each, in order. */
async function expectWholeLog(store: LedgerStore, campaignId: string, events: AnyEvent[]): Promise<void> {
  const state = await store.logState(campaignId);
  expect(state?.size).toBe(events.length);
  expect(state?.totals).toMatchObject({
    gifts: events.length,
    raised: events.reduce((sum, event) => sum + (event.data as { amount: number }).amount, 0),
    fees: 10 * events.length,
  });
  const entries = await store.entriesRange(campaignId, 0, 1_000, events.length);
  expect(entries.map((entry) => entry.index)).toEqual(events.map((_, index) => index));
  expect(
    entries.map((entry) => (JSON.parse(entry.leaf.toString('utf8')) as { eventId: string }).eventId),
  ).toEqual(events.map((event) => event.id));
  const leaves = entries.map((entry) => leafHash(entry.leaf));
  const root = await store.merkle.root(campaignId, events.length);
  expect(root.equals(referenceRoot(leaves))).toBe(true);
  for (const [index, leaf] of leaves.entries()) {
    const proof = await store.merkle.inclusionProof(campaignId, index, events.length);
    expect(await verifyInclusion(index, events.length, leaf, proof, root)).toBe(true);
  }
  // Gift entries move no donor geography counter, whatever countries an event carries.
  const log = await store.projections(campaignId);
  expect(Object.keys(log ?? {}).sort()).toEqual(['currency', 'days', 'recipients', 'sectors']);
}

describe('group appends: exactly once and crash-safe without transactions', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('ledger_append'));
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a group is appended, then every entry is on the log in order with the totals, nodes and one commit record to announce', async () => {
    const campaignId = newId();
    const events = gifts(campaignId, 9);
    const store = createLedgerStore(db);
    const committed = await recordPublicEvents(store, events);
    expect(committed.map((group) => group.entries.map((entry) => entry.index))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    ]);
    await expectWholeLog(store, campaignId, events);
  });

  it('when entries are appended with their consumption traces, then each announcement carries its own, also when the sweep announces it after a crash', async () => {
    const campaignId = newId();
    const events = gifts(campaignId, 3);
    const traceOf = (seed: number) => ({
      traceparent: `00-${seed.toString(16).padStart(32, 'a')}-${seed.toString(16).padStart(16, 'b')}-01`,
    });
    const traces = [traceOf(1), undefined, traceOf(3)];
    const committed = await recordPublicEvents(createLedgerStore(db), events.slice(0, 2), traces.slice(0, 2));
    expect(
      committed.flatMap((group) =>
        group.entries.map((entry) => entryAppendedMessage(entry, group.time).headers.traceparent),
      ),
    ).toEqual([traceOf(1).traceparent, undefined]);

    await expect(
      recordPublicEvents(crashingAt(db, 'head-moved'), events.slice(2), traces.slice(2)),
    ).rejects.toThrow(Crash);
    const restarted = createLedgerStore(db);
    const inFlight = (await restarted.groupsInFlight(new Date(Date.now() + 60_000), 1_000)).filter(
      (group) => group.campaignId === campaignId && group.from === 2,
    );
    expect(inFlight).toHaveLength(1);
    const entries = await restarted.groupEntries(inFlight[0] as (typeof inFlight)[number]);
    expect(entries.map((entry) => entryAppendedMessage(entry, new Date()).headers.traceparent)).toEqual([
      traceOf(3).traceparent,
    ]);
  });

  it('when a batch is delivered again, to this process or to a fresh one, then nothing is appended twice', async () => {
    const campaignId = newId();
    const events = gifts(campaignId, 6);
    const store = createLedgerStore(db);
    await recordPublicEvents(store, events.slice(0, 4));
    expect(await recordPublicEvents(store, events.slice(0, 4))).toEqual([]);
    // A restarted process knows nothing in memory: the unique event index alone keeps the copies out.
    const restarted = createLedgerStore(db);
    const committed = await recordPublicEvents(restarted, [
      ...events.slice(0, 4),
      events[3] as AnyEvent,
      ...events.slice(4),
    ]);
    expect(committed.flatMap((group) => group.entries.map((entry) => entry.index))).toEqual([4, 5]);
    await expectWholeLog(restarted, campaignId, events);
  });

  it.each<AppendStep>(['entries-written', 'group-recorded', 'nodes-written', 'head-moved'])(
    'when a process crashes after %s, then the next append (redelivering the group) completes it first: no gap, no duplicate, no missing node',
    async (step) => {
      const campaignId = newId();
      const events = gifts(campaignId, 8);
      await recordPublicEvents(createLedgerStore(db), events.slice(0, 2));
      await expect(recordPublicEvents(crashingAt(db, step), events.slice(2, 6))).rejects.toThrow(Crash);
      const restarted = createLedgerStore(db);
      // Until someone finishes it, readers see the log as it was before the interrupted group (or after it).
      const seen = (await restarted.logState(campaignId))?.size;
      expect(step === 'head-moved' ? 6 : 2).toBe(seen);
      // Kafka redelivers the uncommitted batch, here together with newer events.
      await recordPublicEvents(restarted, events.slice(2));
      await expectWholeLog(restarted, campaignId, events);
    },
  );

  it.each<AppendStep>(['entries-written', 'group-recorded', 'nodes-written'])(
    'when a process crashes after %s and no event follows, then the sweep of groups in flight completes the group',
    async (step) => {
      const campaignId = newId();
      const events = gifts(campaignId, 5);
      await expect(recordPublicEvents(crashingAt(db, step), events)).rejects.toThrow(Crash);
      const restarted = createLedgerStore(db);
      if (step === 'entries-written') {
        // No commit record yet: only an append can find these entries (and Kafka redelivers the batch).
        await recordPublicEvents(restarted, events);
      } else {
        const inFlight = (await restarted.groupsInFlight(new Date(Date.now() + 60_000), 1_000)).filter(
          (group) => group.campaignId === campaignId,
        );
        expect(inFlight.map((group) => [group.from, group.to])).toEqual([[0, 5]]);
        await restarted.ensureCommitted(inFlight[0] as (typeof inFlight)[number]);
      }
      await expectWholeLog(restarted, campaignId, events);
    },
  );
});
