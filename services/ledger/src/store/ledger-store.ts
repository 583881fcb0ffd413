import type { CampaignSnapshot } from '@aid/contracts';
import { isDuplicateKey, migrateOnce } from '@aid/store';
import type { Connection } from 'mongoose';
import type { PresentedCounters, StoredProjections } from '../domain/projections.ts';
import { emptyTotals, type CampaignTotals } from '../domain/summary.ts';
import { campaignInfoModel } from './campaign-info.model.ts';
import { campaignListModel, newestFirst, publicListId } from './campaign-list.model.ts';
import { campaignLogModel, type CampaignLogDocument } from './campaign-log.model.ts';
import { leafHash } from '../domain/leaf.ts';
import { bundleWidth } from './entry-bundle.model.ts';
import { createEntryBundles } from './entry-bundles.ts';
import { entryId, entryIds, entryModel, type EntryDocument } from './entry.model.ts';
import { disbursementRefId, type EntryRefDocument } from './entry-ref.model.ts';
import { createEntryRefs } from './entry-refs.ts';
import { entryRefsOf } from './log-appender.ts';
import type { GeographyRelease } from '../domain/donor-geography.ts';
import { donorGeographyModel } from './donor-geography.model.ts';
import { createLogAppender, type AppenderOptions } from './log-appender.ts';
import { createMerkleStore } from './merkle-store.ts';
import { createReadCache } from './read-cache.ts';
import { bufferOf } from './stored-binary.ts';

/** An entry as a page of the log shows it: its position and exact bytes. */
export interface PublicLeaf {
  index: number;
  leaf: Buffer;
}

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
  /** The leaf parsed, once: exports read its fields. */
  entry: Record<string, unknown> & { kind: string };
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
  /** The breakdown by presented currency (projections.ts), read with the totals. */
  presented: PresentedCounters;
}

/** What the public pages read of a log's document: the head's totals and the dashboard's projection counters. */
interface PublicLog {
  state: CampaignLogState;
  projections: StoredProjections & { currency: string | null };
}

/** The collections both the append path and the public reads use, on one connection. */
function collectionsOn(connection: Connection) {
  return {
    logs: campaignLogModel(connection),
    entries: entryModel(connection),
    campaigns: campaignInfoModel(connection),
    list: campaignListModel(connection),
    links: createEntryRefs(connection),
    geographies: donorGeographyModel(connection),
    bundles: createEntryBundles(connection),
  };
}

/**
 * `reads` serves the public reads (pages, entries, traces, exports), so they run side by side instead of queueing
 * behind each other and the appends on `db` (see connectReadDatabase); the append path reads on `db`.
 */
export function createLedgerStore(
  db: Connection,
  options: {
    readCacheMs?: number;
    interrupt?: AppenderOptions['interrupt'];
    onBundleFailed?: AppenderOptions['onBundleFailed'];
    reads?: Connection;
  } = {},
) {
  const own = collectionsOn(db);
  const { logs, entries, campaigns, list, links, geographies } = own;
  const publicRead = !options.reads || options.reads === db ? own : collectionsOn(options.reads);
  const merkle = createMerkleStore(db);
  const totalsProjection = Object.fromEntries(
    ['size', 'currency', 'presented', ...Object.keys(emptyTotals)].map((key) => [key, 1]),
  );
  const publicProjection = { ...totalsProjection, days: 1, sectors: 1, recipients: 1 };

  // The public read models (summary totals, projections) are read by every viewer of a campaign page; they are
  // kept briefly and forgotten whenever this process moves the campaign's log (see read-cache.ts).
  const readCacheMs = options.readCacheMs ?? 1_000;
  // The head's totals and the dashboard's projection counters come from one read of the log's document: a
  // campaign page asks for both, and the local database's cost is per document read.
  const publicLogs = createReadCache<PublicLog | null>({ ttlMs: readCacheMs });
  const publishedLists = createReadCache<Record<string, string>>({ ttlMs: readCacheMs });
  // The list every visitor of the home page asks for, the same for all of them: by its length.
  const campaignLists = createReadCache<CampaignSnapshot[]>({ ttlMs: readCacheMs });
  // Campaigns this process put on the public list: their field is never set again.
  const listed = new Set<string>();
  const releasedGeographies = createReadCache<GeographyRelease | null>({ ttlMs: readCacheMs });
  const appender = createLogAppender(db, merkle, {
    onHeadMoved: (campaignId) => {
      publicLogs.forget(campaignId);
    },
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    ...(options.onBundleFailed ? { onBundleFailed: options.onBundleFailed } : {}),
  });

  /**
   * The leaves of `[from, to)` below `below`, in index order: from the entry bundles that cover them, the rest
   * (past the last full bundle, or not bundled yet) from the entries' own documents, whose stored amounts
   * (`deltas`) come along.
   */
  async function leavesBelow(
    campaignId: string,
    from: number,
    to: number,
    below: number,
  ): Promise<{ leaves: PublicLeaf[]; fromDocuments: Map<number, Pick<EntryDocument, 'deltas'>> }> {
    const end = Math.min(to, below);
    if (end <= from) return { leaves: [], fromDocuments: new Map() };
    const bundled = await publicRead.bundles.leaves(campaignId, from, end, below);
    const rest = entryIds(campaignId, from, end).filter((_, offset) => !bundled.has(from + offset));
    const fromDocuments = new Map<number, Pick<EntryDocument, 'deltas'>>();
    if (rest.length > 0) {
      const docs = await publicRead.entries
        .find({ _id: { $in: rest } }, { index: 1, leaf: 1, deltas: 1 })
        .lean();
      for (const doc of docs) {
        bundled.set(doc.index, bufferOf(doc.leaf));
        fromDocuments.set(doc.index, { deltas: doc.deltas ?? {} });
      }
    }
    const leaves = [...bundled].sort(([a], [b]) => a - b).map(([index, leaf]) => ({ index, leaf }));
    return { leaves, fromDocuments };
  }

  function logStateOf(log: {
    _id: string;
    size: number;
    currency?: string | null;
    presented?: PresentedCounters;
  }): CampaignLogState {
    const totals = Object.fromEntries(
      Object.keys(emptyTotals).map((key) => [key, (log as unknown as Record<string, number>)[key] ?? 0]),
    ) as unknown as CampaignTotals;
    return {
      campaignId: log._id,
      size: log.size,
      currency: log.currency ?? null,
      totals,
      presented: log.presented ?? {},
    };
  }

  async function readLogState(campaignId: string): Promise<CampaignLogState | null> {
    // The projection counters stay on the server: the summary needs only the totals.
    const log = await publicRead.logs.findById(campaignId, totalsProjection).lean();
    return log ? logStateOf(log) : null;
  }

  function publicLogOf(log: CampaignLogDocument): PublicLog {
    return {
      state: logStateOf(log),
      projections: {
        currency: log.currency ?? null,
        days: log.days,
        sectors: log.sectors,
        recipients: log.recipients,
      },
    };
  }

  // Logs asked for in the same tick (the campaign list's fifty) are read together, in one `_id` `$in`.
  let logsWanted: Map<string, ((log: PublicLog | null) => void)[]> | undefined;
  let logsFailed: ((error: unknown) => void)[] = [];
  function readPublicLogBatched(campaignId: string): Promise<PublicLog | null> {
    return new Promise((resolve, reject) => {
      if (!logsWanted) {
        logsWanted = new Map();
        logsFailed = [];
        queueMicrotask(() => {
          const wanted = logsWanted ?? new Map<string, ((log: PublicLog | null) => void)[]>();
          const failed = logsFailed;
          logsWanted = undefined;
          const ids = [...wanted.keys()];
          const read =
            ids.length === 1
              ? publicRead.logs
                  .findById(ids[0], publicProjection)
                  .lean<CampaignLogDocument>()
                  .then((doc) => (doc ? [doc] : []))
              : publicRead.logs.find({ _id: { $in: ids } }, publicProjection).lean<CampaignLogDocument[]>();
          read.then(
            (docs) => {
              const byId = new Map(docs.map((doc) => [doc._id, publicLogOf(doc)]));
              for (const [id, waiting] of wanted)
                for (const resolveOne of waiting) resolveOne(byId.get(id) ?? null);
            },
            (error: unknown) => {
              for (const rejectOne of failed) rejectOne(error);
            },
          );
        });
      }
      logsWanted.set(campaignId, [...(logsWanted.get(campaignId) ?? []), resolve]);
      logsFailed.push(reject);
    });
  }

  return {
    ...appender,

    /** Keeps the newest donor geography release of a campaign; an older or repeated release changes nothing. */
    async recordGeography(campaignId: string, release: GeographyRelease): Promise<void> {
      try {
        await geographies.updateOne(
          { _id: campaignId, release: { $lt: release.release } },
          { $set: release },
          { upsert: true },
        );
      } catch (error) {
        // The upsert's insert collides when this or a newer release is already stored: nothing to do.
        if (!isDuplicateKey(error)) throw error;
      }
      releasedGeographies.forget(campaignId);
    },

    /** The latest donor geography release of a campaign, or null before its first (cached like publicLogState). */
    async geography(campaignId: string): Promise<GeographyRelease | null> {
      return releasedGeographies.get(campaignId, async () => {
        const doc = await publicRead.geographies
          .findById(campaignId, {
            _id: 0,
            release: 1,
            minimumGroup: 1,
            residence: 1,
            heritage: 1,
            releasedAt: 1,
          })
          .lean<GeographyRelease>();
        return doc ?? null;
      });
    },

    /** The log's head as stored now: for proofs and checkpoints, which must never lag the entries served. */
    logState: readLogState,

    /** Every log's head as stored now, in id order, in one read: for checks that look at all campaigns. */
    async allLogStates(): Promise<CampaignLogState[]> {
      const docs = await logs.find({}, totalsProjection).sort({ _id: 1 }).lean<CampaignLogDocument[]>();
      return docs.map(logStateOf);
    },

    /** The log's head for the public figures: at most `readCacheMs` old, and current after this process's appends. */
    async publicLogState(campaignId: string): Promise<CampaignLogState | null> {
      return (await publicLogs.get(campaignId, () => readPublicLogBatched(campaignId)))?.state ?? null;
    },

    /** Up to `limit` entries from `from`, below `below`, in index order. */
    async entriesRange(
      campaignId: string,
      from: number,
      limit: number,
      below: number,
    ): Promise<PublicLeaf[]> {
      return (await leavesBelow(campaignId, from, from + limit, below)).leaves;
    },

    /** The dashboard's projection counters of a campaign, or null when it has no public record (cached like publicLogState). */
    async projections(campaignId: string): Promise<(StoredProjections & { currency: string | null }) | null> {
      return (await publicLogs.get(campaignId, () => readPublicLogBatched(campaignId)))?.projections ?? null;
    },

    /** A campaign's entries below `below`, in index order, one page at a time so a large log never loads at once. */
    async *entryPages(
      campaignId: string,
      below: number,
      pageSize = bundleWidth * 2,
    ): AsyncGenerator<ExportedEntry[]> {
      for (let from = 0; from < below; from += pageSize) {
        const { leaves, fromDocuments } = await leavesBelow(campaignId, from, from + pageSize, below);
        const page = leaves.map(({ index, leaf }) => ({
          index,
          leaf,
          leafHash: leafHash(leaf).toString('hex'),
          entry: JSON.parse(leaf.toString('utf8')) as ExportedEntry['entry'],
        }));
        // The amounts an entry moved are not in its bytes; the exports need them only for deliveries (the amount
        // delivered follows from the approval), few per page, read from their documents when a bundle had the leaf.
        const deliveries = page.filter(
          (entry) => entry.entry.kind === 'delivery' && !fromDocuments.has(entry.index),
        );
        if (deliveries.length > 0) {
          const docs = await publicRead.entries
            .find(
              { _id: { $in: deliveries.map((entry) => entryId(campaignId, entry.index)) } },
              { index: 1, deltas: 1 },
            )
            .lean();
          for (const doc of docs) fromDocuments.set(doc.index, { deltas: doc.deltas ?? {} });
        }
        yield page.map((entry) => ({ ...entry, deltas: fromDocuments.get(entry.index)?.deltas ?? {} }));
      }
    },

    /**
     * The `_id`-keyed link documents of receipt codes, gifts or disbursements (entry-ref.model.ts). Entries beyond
     * their log's head may be listed (links are written just before the head moves): a reader keeps those below the
     * head it serves.
     */
    async links(keys: readonly string[]): Promise<Map<string, EntryRefDocument>> {
      return publicRead.links.documents(keys);
    },

    /** The entries of these ids that exist, in index order (one campaign's, or several campaigns' interleaved). */
    async entriesById(ids: readonly string[]): Promise<(StoredEntry & { campaignId: string })[]> {
      const unique = [...new Set(ids)];
      const found: (StoredEntry & { campaignId: string })[] = [];
      for (let from = 0; from < unique.length; from += 1_000) {
        const docs = await publicRead.entries
          .find(
            { _id: { $in: unique.slice(from, from + 1_000) } },
            { campaignId: 1, index: 1, leaf: 1, leafHash: 1, kind: 1, refs: 1 },
          )
          .lean();
        found.push(
          ...docs.map((doc) => ({
            campaignId: doc.campaignId,
            index: doc.index,
            leaf: bufferOf(doc.leaf),
            leafHash: doc.leafHash,
            kind: doc.kind,
            refs: doc.refs,
          })),
        );
      }
      return found.sort((a, b) => a.index - b.index);
    },

    /**
     * What a disbursement's approval said (amount, sector, recipient) and whether it already has a delivery entry,
     * for delivery totals and the sector and recipient breakdowns. Read through its link: this is on the append path.
     */
    async disbursementFacts(disbursementId: string): Promise<DisbursementFacts> {
      const ids =
        (await links.lookup([disbursementRefId(disbursementId)])).get(disbursementRefId(disbursementId)) ??
        [];
      const docs =
        ids.length > 0 ? await entries.find({ _id: { $in: ids } }, { kind: 1, leaf: 1 }).lean() : [];
      const approvalDoc = docs.find((doc) => doc.kind === 'disbursement-approved');
      const approval = approvalDoc
        ? (JSON.parse(bufferOf(approvalDoc.leaf).toString('utf8')) as {
            amount: number;
            sector?: string;
            recipient?: DisbursementFacts['recipient'];
          })
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
      // A listed campaign's new title or status shows at once on this process's list.
      campaignLists.clear();
      if (snapshot.status !== 'draft' && !listed.has(snapshot.campaignId)) {
        await list.collection.updateOne(
          { _id: publicListId } as Record<string, unknown>,
          { $set: { [`published.${snapshot.campaignId}`]: snapshot.publishedAt ?? '' } },
          { upsert: true },
        );
        listed.add(snapshot.campaignId);
        publishedLists.forget(publicListId);
      }
    },

    async campaign(campaignId: string): Promise<CampaignSnapshot | null> {
      const doc = await publicRead.campaigns.findById(campaignId).lean();
      return doc?.snapshot ?? null;
    },

    /** Published campaigns, newest first: the list document, then the campaigns shown, all by `_id`; cached like publicLogState. */
    async publicCampaigns(limit: number): Promise<CampaignSnapshot[]> {
      return campaignLists.get(String(limit), async () => {
        const published = await publishedLists.get(
          publicListId,
          async () => (await publicRead.list.findById(publicListId).lean())?.published ?? {},
        );
        const ids = newestFirst(published, limit);
        if (ids.length === 0) return [];
        const docs = await publicRead.campaigns.find({ _id: { $in: ids } }).lean();
        const byId = new Map(docs.map((doc) => [doc._id, doc.snapshot]));
        return ids.flatMap((id) => {
          const snapshot = byId.get(id);
          return snapshot && snapshot.status !== 'draft' ? [snapshot] : [];
        });
      });
    },

    /**
     * Writes the `_id`-keyed links and the public campaign list for data stored before they existed, once per
     * database: at start-up, before the consumers start. Idempotent (the same writes the appender makes), so a
     * crash or a second instance doing it at the same time only repeats work; it is recorded once done (migrateOnce).
     * It reads every entry once, by `_id` pages of each log up to its head; entries beyond a head get their
     * links when their group is finished.
     */
    async migrateToLinks(log: (message: string) => void = () => undefined): Promise<void> {
      await migrateOnce(db, 'entry-links-and-campaign-list', async () => {
        const started = Date.now();
        // Cold, once per database: the status filter reads the whole collection on the local database.
        const published = await campaigns.find({ 'snapshot.status': { $in: ['active', 'closed'] } }).lean();
        if (published.length > 0) {
          await list.collection.updateOne(
            { _id: publicListId } as Record<string, unknown>,
            {
              $set: Object.fromEntries(
                published.map((doc) => [`published.${doc._id}`, doc.snapshot.publishedAt ?? '']),
              ),
            },
            { upsert: true },
          );
        }
        let linked = 0;
        for (const { _id: campaignId, size } of await logs.find({}, { size: 1 }).lean()) {
          for (let from = 0; from < size; from += 1_000) {
            const docs = await entries
              .find(
                { _id: { $in: entryIds(campaignId, from, Math.min(from + 1_000, size)) } },
                { kind: 1, refs: 1, index: 1 },
              )
              .lean();
            // In index order, so a receipt code keeps its first gift.
            await links.record(entryRefsOf(docs.sort((a, b) => a.index - b.index)));
            linked += docs.length;
          }
        }
        log(
          `linked ${linked} entries and listed ${published.length} published campaigns in ${Date.now() - started} ms`,
        );
      });
    },

    merkle,

    /** Writes the entry bundles missing below the heads (see entry-bundles.ts); the number written. */
    async sealMissingBundles(stopped?: () => boolean): Promise<number> {
      return own.bundles.sealMissing(await this.campaignHeads(), stopped);
    },

    async campaignHeads(): Promise<{ campaignId: string; size: number }[]> {
      const docs = await logs.find({}, { size: 1 }).sort({ _id: 1 }).lean();
      return docs.map((doc) => ({ campaignId: doc._id, size: doc.size }));
    },

    /**
     * Whether versions that announced entries one at a time left messages in the campaign logs' outbox (groups
     * announce from their commit records, so nothing is queued there any more). Read once at start-up: the relay
     * polls its sources four times a second, and its filter reads every campaign's log on the local database (two
     * seconds a poll at a few hundred campaigns, on the connection every public read shares).
     */
    async legacyOutboxPending(): Promise<boolean> {
      return (await logs.findOne({ outboxSince: { $exists: true } }, { _id: 1 }).lean()) !== null;
    },

    /** The relay's source for those legacy messages (see legacyOutboxPending). */
    outboxSources: [{ name: 'campaign_logs', model: logs }],
  };
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
