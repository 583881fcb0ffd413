import { isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import { canonicalBytes, leafHash } from '../domain/leaf.ts';
import type { ProjectionDelta } from '../domain/projections.ts';
import type { EntryDraft } from '../domain/public-entry.ts';
import type { AppendedEntry } from '../events/entry-appended.ts';
import { campaignLogModel } from './campaign-log.model.ts';
import { bundleWidth } from './entry-bundle.model.ts';
import { createEntryBundles } from './entry-bundles.ts';
import { entryGroupId, entryGroupModel, type EntryGroupDocument } from './entry-group.model.ts';
import { entryId, entryIds, entryModel, projectionOf, type EntryDocument } from './entry.model.ts';
import { refsOf, type EntryRef } from './entry-ref.model.ts';
import { createEntryRefs } from './entry-refs.ts';
import type { MerkleStore } from './merkle-store.ts';
import { bufferOf } from './stored-binary.ts';

/** An event's entry, drafted and with its projection change decided, ready to be appended. */
export interface PreparedEntry {
  draft: EntryDraft;
  projection: ProjectionDelta;
  /** Trace context of the work appending it (its event's consumption), kept for its announcement. */
  trace?: Record<string, string> | undefined;
}

/** A group this call put on the log, with what its announcement needs. */
export interface CommittedGroup {
  id: string;
  time: Date;
  entries: AppendedEntry[];
}

export interface AppendOutcome {
  /** How many entries this call put on the log; the others were there already. */
  appended: number;
  committed: CommittedGroup[];
}

type EntryFields = Pick<
  EntryDocument,
  '_id' | 'campaignId' | 'index' | 'kind' | 'refs' | 'leafHash' | 'deltas' | 'projection' | 'currency'
>;

/** The `_id`-keyed links of entries (entry-ref.model.ts). */
export function entryRefsOf(entries: readonly Pick<EntryDocument, '_id' | 'kind' | 'refs'>[]): EntryRef[] {
  return entries.flatMap((entry) => refsOf(entry.kind, entry.refs ?? {}, entry._id));
}

// A group's entries are probed one by one only when its commit record is missing (a crash between the two writes).
const maxGroupProbe = 10_000;
const recentEventLimit = 200_000;
// Failed bundle writes kept for another try; beyond this many the start-up sweep writes them.
const maxUnsealed = 1_000;
// Campaigns whose unbundled tail (at most 255 leaves, some 100 KB) is kept in memory, most recently appended.
const maxTails = 256;

function failedPosition(error: unknown): number {
  const writeErrors = (error as { writeErrors?: { index?: number }[] }).writeErrors;
  return writeErrors?.[0]?.index ?? 0;
}

/** The summed change of the log head for a group: what appending its entries one by one would have applied. */
function groupRecord(
  campaignId: string,
  from: number,
  entries: EntryFields[],
  time: Date,
  traces: (Record<string, string> | undefined)[] = [],
): EntryGroupDocument {
  const links = entryRefsOf(entries);
  const increments = new Map<string, number>();
  const labels = new Map<string, string | boolean>();
  let currency: string | null = null;
  for (const entry of entries) {
    const projection = projectionOf(entry.projection);
    const moves = {
      ...Object.fromEntries(
        Object.entries(entry.deltas).filter(([, value]) => typeof value === 'number' && value !== 0),
      ),
      ...projection.inc,
    };
    for (const [path, value] of Object.entries(moves))
      increments.set(path, (increments.get(path) ?? 0) + (value as number));
    for (const [path, value] of Object.entries(projection.set)) labels.set(path, value);
    currency = entry.currency ?? currency;
  }
  return {
    _id: entryGroupId(campaignId, from),
    campaignId,
    from,
    to: from + entries.length,
    leafHashes: Buffer.concat(entries.map((entry) => Buffer.from(entry.leafHash, 'hex'))),
    increments: [...increments].filter(([, value]) => value !== 0).map(([path, value]) => ({ path, value })),
    labels: [...labels].map(([path, value]) => ({ path, value })),
    currency,
    time,
    ...(traces.some(Boolean) ? { traces: entries.map((_, offset) => traces[offset] ?? {}) } : {}),
    refs: JSON.stringify(links),
  };
}

/** An entry's trace, when it has one (an empty carrier is none). */
function withTrace(trace: Record<string, string> | undefined): { trace?: Record<string, string> } {
  return trace && Object.keys(trace).length > 0 ? { trace } : {};
}

function leafHashesOf(group: EntryGroupDocument): Buffer[] {
  const bytes = bufferOf(group.leafHashes);
  return Array.from({ length: group.to - group.from }, (_, offset) =>
    bytes.subarray(offset * 32, offset * 32 + 32),
  );
}

/**
 * Appends groups of entries to a campaign's log with a constant number of writes, exactly once, without
 * transactions. In order:
 *
 * 1. the entries, in one ordered insert at the next indexes. The unique `_id` (campaign, index) and unique
 *    (campaign, event id) make this the claim: an index already taken means an unfinished group sits there
 *    (finish it first); an event already on the log is dropped (exactly-once effect of a redelivery);
 * 2. the group's commit record (entry-group.model.ts), claimed once per start index;
 * 3. the Merkle nodes the group completes, in one bulk insert, and the `_id`-keyed links from receipt codes,
 *    gifts and disbursements to the group's entries (entry-refs.ts);
 * 4. the log head, moved from `from` to `to` in ONE write guarded by `size == from`, with the group's summed
 *    totals and projection changes.
 *
 * Then, outside the commit, the entry bundles the group completed (entry-bundle.model.ts): a crash or a failed
 * write costs only speed, as their entries are read from their own documents until the bundle is written (a
 * failed write is tried again after this process's next head move, what a crash left by the start-up sweep).
 *
 * A crash between any two steps leaves entries beyond the head, which no reader serves (every read stops at the
 * head's size), and which the next append finds at the head's index and finishes before its own: from the
 * commit record if there is one, else from the entries themselves. Entries are never rolled back, so the log
 * has no gaps and no entry changes once written; the head never points past stored nodes (step 3 before 4).
 */
/** The points between an append's writes, where tests stop it as a crash would. */
export type AppendStep =
  'entries-written' | 'group-recorded' | 'nodes-written' | 'head-moved' | 'sealing-bundles';

export interface AppenderOptions {
  /** Told whenever this process moves a campaign's head (the read cache forgets the campaign). */
  onHeadMoved?: (campaignId: string) => void;
  /** Called between the writes; a test throws from it to leave the state a crash at that point leaves. */
  interrupt?: (step: AppendStep) => void;
  /** Told when a bundle could not be written after its head moved: the append stands, and the write is tried again after the next. */
  onBundleFailed?: (error: unknown) => void;
}

export function createLogAppender(db: Connection, merkle: MerkleStore, options: AppenderOptions = {}) {
  const onHeadMoved = options.onHeadMoved ?? (() => undefined);
  const interrupt = options.interrupt ?? (() => undefined);
  const logs = campaignLogModel(db);
  const entries = entryModel(db);
  const groups = entryGroupModel(db);
  const links = createEntryRefs(db);
  const bundles = createEntryBundles(db);
  // Head moves whose bundles could not be written: tried again after the next head this process moves.
  const unsealed: { campaignId: string; from: number; to: number }[] = [];

  // The leaves past each log's last full bundle, so the group that completes the bundle need not read them back.
  const tails = new Map<string, { from: number; leaves: Buffer[] }>();

  /** The leaves at hand for a head move from `from` to `to`: the group's, and the log's tail before it. */
  function leavesAtHand(
    campaignId: string,
    from: number,
    to: number,
    groupLeaves: ReadonlyMap<number, Buffer>,
  ): Map<number, Buffer> {
    const known = new Map(groupLeaves);
    const tail = tails.get(campaignId);
    tails.delete(campaignId);
    if (tail && tail.from + tail.leaves.length === from)
      tail.leaves.forEach((leaf, offset) => known.set(tail.from + offset, leaf));
    const start = Math.floor(to / bundleWidth) * bundleWidth;
    const next = Array.from({ length: to - start }, (_, offset) => known.get(start + offset));
    if (next.every((leaf) => leaf !== undefined)) {
      tails.set(campaignId, { from: start, leaves: next });
      if (tails.size > maxTails) tails.delete(tails.keys().next().value as string);
    }
    return known;
  }

  /** Writes the bundles a head move completed, and those of earlier moves whose write failed. */
  async function sealBundles(
    campaignId: string,
    from: number,
    to: number,
    groupLeaves: ReadonlyMap<number, Buffer>,
  ): Promise<void> {
    const leaves = leavesAtHand(campaignId, from, to, groupLeaves);
    const due = [...unsealed.splice(0), { campaignId, from, to, leaves }];
    for (const move of due) {
      try {
        interrupt('sealing-bundles');
        await bundles.sealCompleted(
          move.campaignId,
          move.from,
          move.to,
          'leaves' in move ? move.leaves : new Map(),
        );
      } catch (error) {
        if (unsealed.length < maxUnsealed)
          unsealed.push({ campaignId: move.campaignId, from: move.from, to: move.to });
        options.onBundleFailed?.(error);
      }
    }
  }
  // One consumer owns a campaign at a time, so its head is known between groups; any surprise forgets it.
  const heads = new Map<string, number>();
  // Events this process put on the log: a redelivered group is recognised without a write that fails.
  const recentEvents = new Map<string, number>();

  function rememberEvent(campaignId: string, eventId: string, index: number): void {
    recentEvents.set(`${campaignId}:${eventId}`, index);
    if (recentEvents.size > recentEventLimit) {
      for (const key of [...recentEvents.keys()].slice(0, recentEventLimit / 10)) recentEvents.delete(key);
    }
  }

  async function headSize(campaignId: string): Promise<number> {
    const known = heads.get(campaignId);
    if (known !== undefined) return known;
    const log = await logs.findById(campaignId, { size: 1 }).lean();
    return log?.size ?? 0;
  }

  /** Step 4: the one guarded write that makes the group part of the log. False when the head is elsewhere. */
  async function moveHead(group: EntryGroupDocument): Promise<boolean> {
    const update = {
      $set: {
        ...Object.fromEntries(group.labels.map(({ path, value }) => [path, value])),
        size: group.to,
        updatedAt: new Date(),
        ...(group.currency ? { currency: group.currency } : {}),
      },
      ...(group.increments.length > 0
        ? { $inc: Object.fromEntries(group.increments.map(({ path, value }) => [path, value])) }
        : {}),
    };
    try {
      const result = await logs.collection.updateOne(
        { _id: group.campaignId, size: group.from } as Record<string, unknown>,
        update,
        { upsert: group.from === 0 },
      );
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      // The first group's upsert met an existing log: the log already moved on.
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }

  /** A group's links: from its record, or, for a record written before links existed, from its entries. */
  async function linksOf(group: EntryGroupDocument): Promise<EntryRef[]> {
    if (group.refs !== undefined) return JSON.parse(group.refs) as EntryRef[];
    const stored = await entries
      .find({ _id: { $in: entryIds(group.campaignId, group.from, group.to) } }, { kind: 1, refs: 1 })
      .lean();
    return entryRefsOf(stored);
  }

  /** Steps 3 and 4 of a recorded group; idempotent, so any number of finishers may race. `leaves` are those at hand. */
  async function finish(
    group: EntryGroupDocument,
    leaves: ReadonlyMap<number, Buffer> = new Map(),
  ): Promise<boolean> {
    heads.delete(group.campaignId);
    await merkle.addLeaves(group.campaignId, group.from, leafHashesOf(group));
    // Before the head moves: a reader that finds an entry through a link checks it against the head.
    await links.record(await linksOf(group));
    interrupt('nodes-written');
    const moved = await moveHead(group);
    interrupt('head-moved');
    if (moved) {
      heads.set(group.campaignId, group.to);
      onHeadMoved(group.campaignId);
      await sealBundles(group.campaignId, group.from, group.to, leaves);
    }
    return moved;
  }

  /** Step 2: the record at `from`, ours or the one another finisher wrote first. */
  async function claim(group: EntryGroupDocument): Promise<{ group: EntryGroupDocument; ours: boolean }> {
    try {
      await groups.collection.insertOne(group as unknown as Record<string, unknown>);
      return { group, ours: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await groups.findById(group._id).lean<EntryGroupDocument>();
      if (!existing) throw new Error(`group ${group._id} was claimed but cannot be read`, { cause: error });
      return { group: existing, ours: false };
    }
  }

  /** Finishes whatever sits at the head's index of a campaign's log, from its record or from its entries. */
  async function finishUnfinished(campaignId: string, from: number): Promise<void> {
    heads.delete(campaignId);
    if ((await headSize(campaignId)) !== from) return;
    let group: EntryGroupDocument | null = await groups
      .findById(entryGroupId(campaignId, from))
      .lean<EntryGroupDocument>();
    if (!group) {
      const found: EntryDocument[] = [];
      for (let index = from; index < from + maxGroupProbe; index += 1) {
        const entry = await entries.findById(entryId(campaignId, index)).lean();
        if (!entry) break;
        found.push(entry);
      }
      if (found.length === 0) return;
      group = (await claim(groupRecord(campaignId, from, found, new Date()))).group;
    }
    await finish(group);
  }

  function entryDocument(prepared: PreparedEntry, index: number): EntryDocument & { leaf: Buffer } {
    const { draft, projection } = prepared;
    const bytes = canonicalBytes(draft.entry);
    return {
      _id: entryId(draft.campaignId, index),
      campaignId: draft.campaignId,
      index,
      eventId: draft.eventId,
      kind: draft.kind,
      leaf: bytes,
      leafHash: leafHash(bytes).toString('hex'),
      refs: draft.refs,
      deltas: draft.deltas,
      projection: JSON.stringify(projection),
      currency: draft.currency,
    };
  }

  return {
    /**
     * Appends a campaign's entries in their order, each exactly once (see above). Returns every entry's index
     * and the groups this call committed, whose entry-appended messages are then to be announced.
     */
    async appendGroup(campaignId: string, prepared: PreparedEntry[]): Promise<AppendOutcome> {
      const committed: CommittedGroup[] = [];
      let appended = 0;
      let reach = 0;
      const pending: PreparedEntry[] = [];
      const seen = new Set<string>();
      for (const entry of prepared) {
        if (entry.draft.campaignId !== campaignId)
          throw new Error(`entry of ${entry.draft.campaignId} in a group of ${campaignId}`);
        const known = recentEvents.get(`${campaignId}:${entry.draft.eventId}`);
        if (known !== undefined) {
          reach = Math.max(reach, known + 1);
        } else if (!seen.has(entry.draft.eventId)) {
          seen.add(entry.draft.eventId);
          pending.push(entry);
        }
      }

      while (pending.length > 0) {
        const from = await headSize(campaignId);
        const documents = pending.map((entry, offset) => entryDocument(entry, from + offset));
        let inserted = documents.length;
        let alreadyOnLog = false;
        try {
          // The driver's own insert: mongoose would cast every document again, and this is the hot path.
          await entries.collection.insertMany(documents as unknown as Record<string, unknown>[], {
            ordered: true,
          });
          interrupt('entries-written');
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          inserted = failedPosition(error);
          // FerretDB does not name the index a duplicate broke: the index is taken, or else the event is known.
          const holder = await entries.findById(entryId(campaignId, from + inserted), { _id: 1 }).lean();
          if (holder && inserted === 0) {
            await finishUnfinished(campaignId, from);
            continue;
          }
          if (!holder) alreadyOnLog = true;
          heads.delete(campaignId);
        }
        const mine = documents.slice(0, inserted);
        const traces = pending.slice(0, inserted).map((entry) => entry.trace);
        for (const document of mine) rememberEvent(campaignId, document.eventId, document.index);
        appended += mine.length;
        if (mine.length > 0) {
          reach = Math.max(reach, from + mine.length);
          // The traces ride on the commit record, a write the group makes anyway.
          const { group, ours } = await claim(groupRecord(campaignId, from, mine, new Date(), traces));
          interrupt('group-recorded');
          const moved = await finish(
            group,
            ours ? new Map(mine.map((document) => [document.index, document.leaf])) : new Map(),
          );
          if (ours && moved) {
            committed.push({
              id: group._id,
              time: group.time,
              entries: mine.map(({ campaignId: campaign, index, leaf, leafHash: hash }, offset) => ({
                campaignId: campaign,
                index,
                leaf,
                leafHash: hash,
                ...withTrace(traces[offset]),
              })),
            });
          }
        }
        // An event found on the log by its unique index is below the head: unfinished entries sit at the head's
        // index, where the insert would have met them first.
        pending.splice(0, inserted + (alreadyOnLog ? 1 : 0));
      }

      // Entries this call wrote or found are on the log only once the head is past them: finish any group in
      // the way (another finisher may have claimed one of ours and stopped short of the rest).
      for (let size = await headSize(campaignId); size < reach;) {
        await finishUnfinished(campaignId, size);
        const next = await headSize(campaignId);
        if (next <= size)
          throw new Error(`the log of ${campaignId} is stuck at ${size}, below its entries up to ${reach}`);
        size = next;
      }
      return { appended, committed };
    },

    /** Groups whose announcement is still due (or whose commit was interrupted), oldest first. */
    async groupsInFlight(olderThan: Date, limit: number): Promise<EntryGroupDocument[]> {
      return groups
        .find({ time: { $lt: olderThan } })
        .sort({ time: 1 })
        .limit(limit)
        .lean<EntryGroupDocument[]>();
    },

    /** Makes sure a recorded group is on the log (finishing it if its commit was interrupted). */
    async ensureCommitted(group: EntryGroupDocument): Promise<void> {
      const size = await headSize(group.campaignId);
      if (size === group.from) await finish(group);
      else if (size < group.from) throw new Error(`group ${group._id} starts beyond the head ${size}`);
    },

    /** A recorded group's entries as announced (read one by one: only the sweep after a crash needs this). */
    async groupEntries(group: EntryGroupDocument): Promise<AppendedEntry[]> {
      const found: AppendedEntry[] = [];
      for (let index = group.from; index < group.to; index += 1) {
        const entry = await entries
          .findById(entryId(group.campaignId, index), { leaf: 1, leafHash: 1 })
          .lean();
        if (!entry) throw new Error(`entry ${index} of committed group ${group._id} is missing`);
        found.push({
          campaignId: group.campaignId,
          index,
          leaf: bufferOf(entry.leaf),
          leafHash: entry.leafHash,
          ...withTrace(group.traces?.[index - group.from]),
        });
      }
      return found;
    },

    /** The groups' entry-appended messages are published: their records are no longer needed. */
    async groupsAnnounced(groupIds: string[]): Promise<void> {
      if (groupIds.length === 1) await groups.deleteOne({ _id: groupIds[0] });
      // The collection holds only groups in flight, so the scan that `$in` costs on FerretDB stays small.
      else if (groupIds.length > 1) await groups.deleteMany({ _id: { $in: groupIds } });
    },
  };
}
