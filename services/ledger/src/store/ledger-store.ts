import { envelope, type CampaignSnapshot } from '@aid/contracts';
import { isDuplicateKey, outboxMessage, queueMessages, type OutboxMessage } from '@aid/store';
import type { Connection } from 'mongoose';
import { canonicalBytes, leafHash } from '../domain/leaf.ts';
import { emptyProjection, type ProjectionDelta, type StoredProjections } from '../domain/projections.ts';
import type { EntryDraft } from '../domain/public-entry.ts';
import { emptyTotals, type CampaignTotals } from '../domain/summary.ts';
import { campaignInfoModel } from './campaign-info.model.ts';
import { campaignLogModel } from './campaign-log.model.ts';
import { entryId, entryModel, projectionOf, storedProjection, type EntryDocument } from './entry.model.ts';
import { donorId, donorModel } from './donor.model.ts';
import { createMerkleStore } from './merkle-store.ts';

export interface StoredEntry {
  index: number;
  leaf: Buffer;
  leafHash: string;
  kind: string;
  refs: EntryDocument['refs'];
}

/** An entry as the exports read it: its bytes and the amounts it moved. */
export interface ExportedEntry {
  index: number;
  leaf: Buffer;
  leafHash: string;
  kind: string;
  deltas: EntryDocument['deltas'];
}

export interface DisbursementFacts {
  amount: number | null;
  delivered: boolean;
  sector: string | null;
  recipient: { name: string; country: string; local: boolean } | null;
}

export interface CampaignLogState {
  campaignId: string;
  size: number;
  currency: string | null;
  totals: CampaignTotals;
}


function duplicateOfId(error: { keyPattern?: Record<string, unknown>; message: string }): boolean {
  if (error.keyPattern) return Object.keys(error.keyPattern).join(',') === '_id';
  return /_id_|index: _id/.test(error.message);
}

export function createLedgerStore(db: Connection) {
  const logs = campaignLogModel(db);
  const entries = entryModel(db);
  const campaigns = campaignInfoModel(db);
  const donors = donorModel(db);
  const merkle = createMerkleStore(db);
  const totalsProjection = Object.fromEntries(['size', 'currency', ...Object.keys(emptyTotals)].map((key) => [key, 1]));

  /**
   * Moves the log past `entry`: size, totals and the entry's outbox message in one guarded write. Guarded by
   * `size == entry.index`, so it happens once, whoever runs it (the appender, or a later one finding it unfinished).
   */
  async function finish(entry: Pick<EntryDocument, 'campaignId' | 'index' | 'leafHash' | 'deltas' | 'projection' | 'currency' | 'message'>): Promise<void> {
    // The tree's nodes exist before the log says it has this entry, so a proof never meets a missing node.
    await merkle.addLeaf(entry.campaignId, entry.index, entry.leafHash);
    const projection = projectionOf(entry.projection);
    const increments = {
      ...Object.fromEntries(Object.entries(entry.deltas).filter(([, value]) => typeof value === 'number' && value !== 0)),
      ...projection.inc,
    };
    const queued = queueMessages([JSON.parse(entry.message) as OutboxMessage]);
    const update = {
      $set: { ...projection.set, size: entry.index + 1, updatedAt: new Date(), ...queued.$set, ...(entry.currency ? { currency: entry.currency } : {}) },
      $push: queued.$push,
      ...(Object.keys(increments).length > 0 ? { $inc: increments } : {}),
    };
    try {
      await logs.updateOne({ _id: entry.campaignId, size: entry.index }, update, { upsert: entry.index === 0 });
    } catch (error) {
      // Index 0 upserts race with an existing log: the log already moved on, which is what we want.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  return {
    /**
     * Appends an entry exactly once. No transactions: the entry document is claimed at the next index by a
     * unique id, then the log is moved past it by a guarded write. A crash between the two leaves an entry that
     * the next append (of this event after redelivery, or of any other) finishes first. Returns the index.
     */
    async append(draft: EntryDraft, projection: ProjectionDelta = emptyProjection): Promise<number> {
      const bytes = canonicalBytes(draft.entry);
      const hash = leafHash(bytes).toString('hex');
      for (;;) {
        const log = await logs.findById(draft.campaignId, { size: 1 }).lean();
        const size = log?.size ?? 0;
        const existing = await entries.findOne({ campaignId: draft.campaignId, eventId: draft.eventId }).lean();
        if (existing) {
          if (existing.index >= size) await finish(existing);
          return existing.index;
        }
        const message = outboxMessage(
          'ledger.entries.v1',
          envelope({
            type: 'org.diaspora-aid.ledger.entry-appended',
            source: '/services/ledger',
            subject: draft.campaignId,
            time: new Date(),
            data: { campaignId: draft.campaignId, index: size, leaf: bytes.toString('base64'), leafHash: hash },
          }),
        );
        const document: EntryDocument = {
          _id: entryId(draft.campaignId, size),
          campaignId: draft.campaignId,
          index: size,
          eventId: draft.eventId,
          kind: draft.kind,
          leaf: bytes,
          leafHash: hash,
          refs: draft.refs,
          deltas: draft.deltas,
          projection: storedProjection(projection),
          currency: draft.currency,
          message: JSON.stringify(message),
        };
        try {
          await entries.create(document);
          await finish(document);
          return size;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          if (duplicateOfId(error)) {
            // Another event holds this index but its append is unfinished: finish it, then try the next index.
            const holder = await entries.findById(document._id).lean();
            if (holder) await finish(holder);
          }
          // Otherwise this event was appended meanwhile: the next pass returns its index.
        }
      }
    },

    async logState(campaignId: string): Promise<CampaignLogState | null> {
      // The projection counters stay on the server: the summary needs only the totals.
      const log = await logs.findById(campaignId, totalsProjection).lean();
      if (!log) return null;
      const totals = Object.fromEntries(Object.keys(emptyTotals).map((key) => [key, (log as unknown as Record<string, number>)[key] ?? 0])) as unknown as CampaignTotals;
      return { campaignId, size: log.size, currency: log.currency ?? null, totals };
    },

    async entriesRange(campaignId: string, from: number, limit: number, below: number): Promise<StoredEntry[]> {
      const docs = await entries
        .find({ campaignId, index: { $gte: from, $lt: Math.min(from + limit, below) } }, { index: 1, leaf: 1, leafHash: 1, kind: 1, refs: 1 })
        .sort({ index: 1 })
        .lean();
      return docs.map((doc) => ({ index: doc.index, leaf: Buffer.from(doc.leaf.buffer ?? doc.leaf), leafHash: doc.leafHash, kind: doc.kind, refs: doc.refs }));
    },

    /** The dashboard's projection counters of a campaign, or null when it has no public record. */
    async projections(campaignId: string): Promise<(StoredProjections & { currency: string | null }) | null> {
      const log = await logs.findById(campaignId, { currency: 1, days: 1, sectors: 1, recipients: 1, residence: 1, heritage: 1 }).lean();
      if (!log) return null;
      return { currency: log.currency ?? null, days: log.days, sectors: log.sectors, recipients: log.recipients, residence: log.residence, heritage: log.heritage };
    },

    /** A campaign's entries below `below`, in index order, one page at a time so a large log never loads at once. */
    async *entryPages(campaignId: string, below: number, pageSize = 500): AsyncGenerator<ExportedEntry[]> {
      for (let from = 0; from < below; from += pageSize) {
        const docs = await entries
          .find({ campaignId, index: { $gte: from, $lt: Math.min(from + pageSize, below) } }, { index: 1, leaf: 1, leafHash: 1, kind: 1, deltas: 1 })
          .sort({ index: 1 })
          .lean();
        yield docs.map((doc) => ({ index: doc.index, leaf: Buffer.from(doc.leaf.buffer ?? doc.leaf), leafHash: doc.leafHash, kind: doc.kind, deltas: doc.deltas ?? {} }));
      }
    },

    /**
     * Records a donor at their first gift and returns what is known of them. The first gift to claim the
     * reference stays its first gift, so a retried append computes the same donor count.
     */
    async donorOfGift(campaignId: string, publicRef: string, eventId: string, countries: { residence: string | null; heritage: string | null }) {
      const _id = donorId(campaignId, publicRef);
      for (let attempt = 0; ; attempt += 1) {
        try {
          const doc = await donors
            .findOneAndUpdate({ _id }, { $setOnInsert: { firstEventId: eventId, ...countries } }, { upsert: true, returnDocument: 'after' })
            .lean();
          if (doc) return { firstGift: doc.firstEventId === eventId, residence: doc.residence ?? null, heritage: doc.heritage ?? null };
        } catch (error) {
          // Two first gifts of one donor raced on the insert: the loser reads the winner's record.
          if (!isDuplicateKey(error) || attempt > 2) throw error;
        }
      }
    },

    async entriesWhere(filter: { receiptHash?: string; donationId?: string; disbursementIds?: string[] }, below?: Map<string, number>): Promise<(StoredEntry & { campaignId: string })[]> {
      const query: Record<string, unknown> = {};
      if (filter.receiptHash) query['refs.receiptHash'] = filter.receiptHash;
      if (filter.donationId) query['refs.donationId'] = filter.donationId;
      if (filter.disbursementIds) query['refs.disbursementId'] = { $in: filter.disbursementIds };
      const docs = await entries.find(query, { campaignId: 1, index: 1, leaf: 1, leafHash: 1, kind: 1, refs: 1 }).sort({ index: 1 }).lean();
      return docs
        .filter((doc) => below === undefined || doc.index < (below.get(doc.campaignId) ?? 0))
        .map((doc) => ({ campaignId: doc.campaignId, index: doc.index, leaf: Buffer.from(doc.leaf.buffer ?? doc.leaf), leafHash: doc.leafHash, kind: doc.kind, refs: doc.refs }));
    },

    /**
     * What a disbursement's approval said (amount, sector, recipient) and whether it already has a delivery entry,
     * for delivery totals and the sector and recipient breakdowns.
     */
    async disbursementFacts(disbursementId: string): Promise<DisbursementFacts> {
      const docs = await entries.find({ 'refs.disbursementId': disbursementId, kind: { $in: ['disbursement-approved', 'delivery'] } }, { kind: 1, leaf: 1 }).lean();
      const approvalDoc = docs.find((doc) => doc.kind === 'disbursement-approved');
      const approval = approvalDoc
        ? (JSON.parse(Buffer.from(approvalDoc.leaf.buffer ?? approvalDoc.leaf).toString('utf8')) as { amount: number; sector?: string; recipient?: DisbursementFacts['recipient'] })
        : null;
      return {
        amount: approval?.amount ?? null,
        delivered: docs.some((doc) => doc.kind === 'delivery'),
        sector: approval?.sector ?? null,
        recipient: approval?.recipient ?? null,
      };
    },

    /** Keeps the highest revision of a campaign's description; late or repeated snapshots change nothing. */
    async recordCampaign(snapshot: CampaignSnapshot): Promise<void> {
      try {
        await campaigns.updateOne(
          { _id: snapshot.campaignId, revision: { $lt: snapshot.revision } },
          { $set: { revision: snapshot.revision, snapshot } },
          { upsert: true },
        );
      } catch (error) {
        // The upsert's insert collides when a newer revision is already stored: nothing to do.
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async campaign(campaignId: string): Promise<CampaignSnapshot | null> {
      const doc = await campaigns.findById(campaignId).lean();
      return doc?.snapshot ?? null;
    },

    async publicCampaigns(limit: number): Promise<CampaignSnapshot[]> {
      const docs = await campaigns
        .find({ 'snapshot.status': { $in: ['active', 'closed'] } })
        .sort({ 'snapshot.publishedAt': -1 })
        .limit(limit)
        .lean();
      return docs.map((doc) => doc.snapshot);
    },

    merkle,

    async campaignHeads(): Promise<{ campaignId: string; size: number }[]> {
      const docs = await logs.find({}, { size: 1 }).sort({ _id: 1 }).lean();
      return docs.map((doc) => ({ campaignId: doc._id, size: doc.size }));
    },

    outboxSources: [{ name: 'campaign_logs', model: logs }],
  };
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
