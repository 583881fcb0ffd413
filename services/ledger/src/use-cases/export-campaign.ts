import type { CampaignSnapshot } from '@aid/contracts';
import { campaignNotFound } from '../domain/errors.ts';
import {
  csvColumns,
  csvLine,
  csvRow,
  iatiActivityClosing,
  iatiActivityOpening,
  iatiDocumentClosing,
  iatiDocumentOpening,
  iatiTransaction,
  stableId,
  type DisbursementLabel,
  type ExportRow,
  type IatiPublisher,
} from '../domain/open-data.ts';
import { breakdowns } from '../domain/projections.ts';
import { summarize, type CampaignSummary } from '../domain/summary.ts';
import type { LedgerStore } from '../store/ledger-store.ts';

/** An export fixed at the log's size when it started, streamed as text chunks, page by page. */
export interface CampaignExport {
  campaign: CampaignSnapshot | null;
  summary: CampaignSummary;
  chunks: AsyncGenerator<string>;
}

/** Text is handed to the response in pieces of about this size: one write per row would cost more than the rows. */
const chunkChars = 64_000;

async function* rows(
  store: LedgerStore,
  campaignId: string,
  size: number,
): AsyncGenerator<ExportRow & { leaf: Buffer }> {
  for await (const page of store.entryPages(campaignId, size)) {
    for (const doc of page) {
      yield {
        campaignId,
        index: doc.index,
        leaf: doc.leaf,
        leafHash: doc.leafHash,
        entry: doc.entry,
        deltas: doc.deltas,
      };
    }
  }
}

async function start(store: LedgerStore, campaignId: string) {
  // Everything is read at one log size, so the summary and the entries of an export agree.
  // Both by `_id`, side by side: they stand between the request and the export's first byte.
  const [log, campaign] = await Promise.all([store.logState(campaignId), store.campaign(campaignId)]);
  if (!log) throw campaignNotFound(campaignId);
  return { log, campaign, summary: summarize(campaignId, log.currency, log.totals, log.size, log.presented) };
}

export async function exportJson(store: LedgerStore, campaignId: string): Promise<CampaignExport> {
  const { log, campaign, summary } = await start(store, campaignId);
  async function* chunks() {
    yield `{"campaign":${JSON.stringify(campaign)},"summary":${JSON.stringify(summary)},"entries":[`;
    let batch = '';
    let separator = '';
    for await (const row of rows(store, campaignId, log.size)) {
      // The entry is its leaf's own canonical JSON, the very bytes its hash covers, not a re-serialization.
      batch += `${separator}\n{"id":${JSON.stringify(stableId(campaignId, row.index))},"index":${row.index},"leafHash":"${row.leafHash}","entry":${row.leaf.toString('utf8')}}`;
      separator = ',';
      if (batch.length > chunkChars) {
        yield batch;
        batch = '';
      }
    }
    yield `${batch}\n]}\n`;
  }
  return { campaign, summary, chunks: chunks() };
}

export async function exportCsv(store: LedgerStore, campaignId: string): Promise<CampaignExport> {
  const { log, campaign, summary } = await start(store, campaignId);
  async function* chunks() {
    yield csvLine(csvColumns);
    const disbursements = new Map<string, DisbursementLabel>();
    let batch = '';
    for await (const row of rows(store, campaignId, log.size)) {
      const disbursementId =
        typeof row.entry.disbursementId === 'string' ? row.entry.disbursementId : undefined;
      if (row.entry.kind === 'disbursement-approved' && disbursementId) {
        disbursements.set(disbursementId, {
          recipient: row.entry.recipient as DisbursementLabel['recipient'],
          sector: row.entry.sector as string | undefined,
        });
      }
      batch += csvRow(row, disbursementId ? disbursements.get(disbursementId) : undefined);
      if (batch.length > chunkChars) {
        yield batch;
        batch = '';
      }
    }
    yield batch;
  }
  return { campaign, summary, chunks: chunks() };
}

export async function exportIati(
  store: LedgerStore,
  publisher: IatiPublisher,
  campaignId: string,
  now: Date,
): Promise<CampaignExport> {
  const [{ log, campaign, summary }, projections] = await Promise.all([
    start(store, campaignId),
    store.projections(campaignId),
  ]);
  const { bySector, byRecipient } = breakdowns(projections ?? {});
  const currency = log.currency ?? campaign?.goal.currency ?? 'USD';
  const opening = iatiActivityOpening(
    {
      campaignId,
      // Without the campaign's description (its event not seen yet) the activity still reports its money.
      title: campaign?.title ?? `Campaign ${campaignId}`,
      summary: campaign?.summary ?? '',
      organizationName: campaign?.organizationName ?? 'Unknown organization',
      status: campaign?.status ?? 'active',
      startDate: (campaign?.publishedAt ?? now.toISOString()).slice(0, 10),
      currency,
      countries: campaign?.crisis.countries ?? [],
      glide: campaign?.crisis.glide ?? null,
      crisisKind: campaign?.crisis.kind ?? 'humanitarian',
      sectors: bySector.map((row) => ({ sector: row.sector, allocated: row.allocated })),
      recipients: [...new Map(byRecipient.map((row) => [row.name, row])).values()],
      lastUpdated: now.toISOString(),
    },
    publisher,
  );
  async function* chunks() {
    yield iatiDocumentOpening(now.toISOString());
    yield opening;
    let batch = '';
    for await (const row of rows(store, campaignId, log.size)) {
      batch += iatiTransaction(row, currency);
      if (batch.length > chunkChars) {
        yield batch;
        batch = '';
      }
    }
    yield batch + iatiActivityClosing + iatiDocumentClosing;
  }
  return { campaign, summary, chunks: chunks() };
}
