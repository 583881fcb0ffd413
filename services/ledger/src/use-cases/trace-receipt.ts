import { canonicalReceiptCode, receiptCodeHash } from '@aid/contracts';
import { receiptNotFound } from '../domain/errors.ts';
import type { NoteSigner } from '../domain/checkpoint.ts';
import { disbursementRefId, donationRefId, receiptRefId } from '../store/entry-ref.model.ts';
import type { LedgerStore, StoredEntry } from '../store/ledger-store.ts';
import { campaignCheckpoint } from './prove.ts';

export interface TracedEntry {
  index: number;
  leaf: string;
  entry: Record<string, unknown>;
}

export interface Trace {
  donation: Record<string, unknown>;
  allocations: { disbursementId: string; amount: number; index: number }[];
  disbursements: Record<string, unknown>[];
  payouts: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  entries: TracedEntry[];
  /** Everything a donor needs to check, without trusting us, that their gift is in the signed log. */
  proof: { campaignId: string; leafIndex: number; treeSize: number; leafHash: string; hashes: string[]; checkpoint: string };
}

function parse(entry: StoredEntry): Record<string, unknown> {
  return JSON.parse(entry.leaf.toString('utf8')) as Record<string, unknown>;
}

/** The entries linked to a gift (refunds, allocations) and to the disbursements its allocations funded. */
async function chainOf(store: LedgerStore, donationId: string) {
  const linked = await store.linkedEntries([donationRefId(donationId)]);
  const disbursementIds = [...new Set(linked.filter((entry) => entry.kind === 'allocation').map((entry) => entry.refs.disbursementId ?? ''))];
  const disbursements = disbursementIds.length > 0 ? await store.linkedEntries(disbursementIds.map(disbursementRefId)) : [];
  return { linked, disbursements };
}

/**
 * Follows a receipt code through the public record: the gift, its allocations, the disbursements they funded,
 * their payouts and deliveries. Only the code's hash is looked up; the code itself is never stored.
 */
export async function traceReceipt(store: LedgerStore, signer: NoteSigner, origin: string, receiptCode: string): Promise<Trace> {
  // Codes are matched as handed out, whatever case or spacing the donor typed them in.
  const receiptHash = receiptCodeHash(canonicalReceiptCode(receiptCode) ?? receiptCode);
  // Every read is by `_id`: the code's link, then the entries it leads to (the cost does not grow with the log).
  const [gift] = await store.linkedEntries([receiptRefId(receiptHash)]);
  if (!gift) throw receiptNotFound();
  const donationId = gift.refs.donationId ?? '';
  // Three reads at once (on the pooled read connection they run side by side): the head that says what is
  // published and its proof, and the gift's chain. What lies beyond the head is filtered out below.
  const checkpointRead = campaignCheckpoint(store, signer, origin, gift.campaignId);
  const [checkpoint, chainRead, inclusion] = await Promise.all([
    checkpointRead,
    chainOf(store, donationId),
    checkpointRead.then((head) => (gift.index < head.size ? store.merkle.inclusionProof(gift.campaignId, gift.index, head.size) : [])),
  ]);
  // Links are written just before the head moves: what is beyond the head is not on the public record yet.
  const published = (entry: StoredEntry & { campaignId: string }) => entry.campaignId === gift.campaignId && entry.index < checkpoint.size;
  if (!published(gift)) throw receiptNotFound();
  const linked = chainRead.linked.filter(published);
  const allocations = linked.filter((entry) => entry.kind === 'allocation');
  const disbursementIds = new Set(allocations.map((entry) => entry.refs.disbursementId ?? ''));
  const chain = chainRead.disbursements.filter((entry) => published(entry) && disbursementIds.has(entry.refs.disbursementId ?? ''));
  const byKind = (kind: string) => chain.filter((entry) => entry.kind === kind).map(parse);
  const refunds = linked.filter((entry) => entry.kind === 'refund');
  const reversals = linked.filter((entry) => entry.kind === 'refund-reversed');
  const all = [gift, ...refunds, ...reversals, ...allocations, ...chain.filter((entry) => entry.kind !== 'allocation')].sort((a, b) => a.index - b.index);
  return {
    donation: { ...parse(gift), refunds: refunds.map(parse), refundsReversed: reversals.map(parse) },
    allocations: allocations.map((entry) => {
      const body = parse(entry) as { disbursementId: string; amount: number };
      return { disbursementId: body.disbursementId, amount: body.amount, index: entry.index };
    }),
    disbursements: byKind('disbursement-approved'),
    payouts: byKind('payout'),
    deliveries: byKind('delivery'),
    entries: all.map((entry) => ({ index: entry.index, leaf: entry.leaf.toString('base64'), entry: parse(entry) })),
    proof: {
      campaignId: gift.campaignId,
      leafIndex: gift.index,
      treeSize: checkpoint.size,
      leafHash: gift.leafHash,
      hashes: inclusion.map((hash) => hash.toString('base64')),
      checkpoint: checkpoint.note,
    },
  };
}
