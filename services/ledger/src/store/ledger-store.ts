import type { CampaignSnapshot } from '@aid/contracts';
import { isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import type { StoredProjections } from '../domain/projections.ts';
import { emptyTotals, type CampaignTotals } from '../domain/summary.ts';
import { campaignInfoModel } from './campaign-info.model.ts';
import { campaignLogModel } from './campaign-log.model.ts';
import { entryIds, entryModel, type EntryDocument } from './entry.model.ts';
import type { GeographyRelease } from '../domain/donor-geography.ts';
import { donorGeographyModel } from './donor-geography.model.ts';
import { createLogAppender, type AppenderOptions } from './log-appender.ts';
import { createMerkleStore } from './merkle-store.ts';
import { createReadCache } from './read-cache.ts';

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


export function createLedgerStore(db: Connection, options: { readCacheMs?: number; interrupt?: AppenderOptions['interrupt'] } = {}) {
  const logs = campaignLogModel(db);
  const entries = entryModel(db);
  const campaigns = campaignInfoModel(db);
  const geographies = donorGeographyModel(db);
  const merkle = createMerkleStore(db);
  const totalsProjection = Object.fromEntries(['size', 'currency', ...Object.keys(emptyTotals)].map((key) => [key, 1]));

  // The public read models (summary totals, projections) are read by every viewer of a campaign page; they are
  // kept briefly and forgotten whenever this process moves the campaign's log (see read-cache.ts).
  const readCacheMs = options.readCacheMs ?? 1_000;
  const states = createReadCache<CampaignLogState | null>({ ttlMs: readCacheMs });
  const projectionModels = createReadCache<(StoredProjections & { currency: string | null }) | null>({ ttlMs: readCacheMs });
  const releasedGeographies = createReadCache<GeographyRelease | null>({ ttlMs: readCacheMs });
  const appender = createLogAppender(db, merkle, {
    onHeadMoved: (campaignId) => {
      states.forget(campaignId);
      projectionModels.forget(campaignId);
    },
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
  });

  async function readLogState(campaignId: string): Promise<CampaignLogState | null> {
    // The projection counters stay on the server: the summary needs only the totals.
    const log = await logs.findById(campaignId, totalsProjection).lean();
    if (!log) return null;
    const totals = Object.fromEntries(Object.keys(emptyTotals).map((key) => [key, (log as unknown as Record<string, number>)[key] ?? 0])) as unknown as CampaignTotals;
    return { campaignId, size: log.size, currency: log.currency ?? null, totals };
  }

  async function readProjections(campaignId: string): Promise<(StoredProjections & { currency: string | null }) | null> {
    const log = await logs.findById(campaignId, { currency: 1, days: 1, sectors: 1, recipients: 1 }).lean();
    if (!log) return null;
    return { currency: log.currency ?? null, days: log.days, sectors: log.sectors, recipients: log.recipients };
  }

  return {
    ...appender,

    /** Keeps the newest donor geography release of a campaign; an older or repeated release changes nothing. */
    async recordGeography(campaignId: string, release: GeographyRelease): Promise<void> {
      try {
        await geographies.updateOne({ _id: campaignId, release: { $lt: release.release } }, { $set: release }, { upsert: true });
      } catch (error) {
        // The upsert's insert collides when this or a newer release is already stored: nothing to do.
        if (!isDuplicateKey(error)) throw error;
      }
      releasedGeographies.forget(campaignId);
    },

    /** The latest donor geography release of a campaign, or null before its first (cached like publicLogState). */
    async geography(campaignId: string): Promise<GeographyRelease | null> {
      return releasedGeographies.get(campaignId, async () => {
        const doc = await geographies.findById(campaignId, { _id: 0, release: 1, minimumGroup: 1, residence: 1, heritage: 1, releasedAt: 1 }).lean<GeographyRelease>();
        return doc ?? null;
      });
    },

    /** The log's head as stored now: for proofs and checkpoints, which must never lag the entries served. */
    logState: readLogState,

    /** The log's head for the public figures: at most `readCacheMs` old, and current after this process's appends. */
    async publicLogState(campaignId: string): Promise<CampaignLogState | null> {
      return states.get(campaignId, () => readLogState(campaignId));
    },

    async entriesRange(campaignId: string, from: number, limit: number, below: number): Promise<StoredEntry[]> {
      const ids = entryIds(campaignId, from, Math.min(from + limit, below));
      if (ids.length === 0) return [];
      const docs = await entries
        .find({ _id: { $in: ids } }, { index: 1, leaf: 1, leafHash: 1, kind: 1, refs: 1 })
        .sort({ _id: 1 })
        .lean();
      return docs.map((doc) => ({ index: doc.index, leaf: Buffer.from(doc.leaf.buffer ?? doc.leaf), leafHash: doc.leafHash, kind: doc.kind, refs: doc.refs }));
    },

    /** The dashboard's projection counters of a campaign, or null when it has no public record (cached like publicLogState). */
    async projections(campaignId: string): Promise<(StoredProjections & { currency: string | null }) | null> {
      return projectionModels.get(campaignId, () => readProjections(campaignId));
    },

    /** A campaign's entries below `below`, in index order, one page at a time so a large log never loads at once. */
    async *entryPages(campaignId: string, below: number, pageSize = 500): AsyncGenerator<ExportedEntry[]> {
      for (let from = 0; from < below; from += pageSize) {
        const docs = await entries
          .find({ _id: { $in: entryIds(campaignId, from, Math.min(from + pageSize, below)) } }, { index: 1, leaf: 1, leafHash: 1, kind: 1, deltas: 1 })
          .sort({ _id: 1 })
          .lean();
        yield docs.map((doc) => ({ index: doc.index, leaf: Buffer.from(doc.leaf.buffer ?? doc.leaf), leafHash: doc.leafHash, kind: doc.kind, deltas: doc.deltas ?? {} }));
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
