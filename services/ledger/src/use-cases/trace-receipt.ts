import { canonicalReceiptCode, receiptCodeHash } from '@aid/contracts';
import { receiptNotFound } from '../domain/errors.ts';
import type { NoteSigner } from '../domain/checkpoint.ts';
import { entryId, entryPosition } from '../store/entry.model.ts';
import { disbursementRefId, donationRefId, receiptRefId } from '../store/entry-ref.model.ts';
import type { LedgerStore, StoredEntry } from '../store/ledger-store.ts';
import { checkpointWithInclusion } from './prove.ts';

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
  proof: {
    campaignId: string;
    leafIndex: number;
    treeSize: number;
    leafHash: string;
    hashes: string[];
    checkpoint: string;
  };
}

function parse(entry: StoredEntry): Record<string, unknown> {
  return JSON.parse(entry.leaf.toString('utf8')) as Record<string, unknown>;
}

type Linked = StoredEntry & { campaignId: string };

const disbursementOf = (entry: Linked) => entry.refs.disbursementId ?? '';

/**
 * The gift, the entries linked to it (refunds, reversals, allocations) and those of the disbursements its
 * allocations funded. The gift's link names those disbursements, so this is three reads in a row (two links, then
 * every entry at once) whatever the log's size; links written before they named the donation or the disbursements
 * take a read or two more.
 */
async function chainOf(store: LedgerStore, giftId: string, donationId: string | undefined) {
  const giftRead = donationId === undefined ? await store.entriesById([giftId]) : [];
  const donationKey = donationRefId(donationId ?? giftRead[0]?.refs.donationId ?? '');
  const linkedIds = (await store.links([donationKey])).get(donationKey);
  const named = linkedIds?.disbursements ?? [];
  const fundedIds =
    named.length > 0
      ? [...(await store.links(named.map(disbursementRefId))).values()].flatMap((link) => link.entries)
      : [];
  const read = await store.entriesById([giftId, ...(linkedIds?.entries ?? []), ...fundedIds]);
  const byId = new Map(read.map((entry) => [entryId(entry.campaignId, entry.index), entry]));
  const pick = (ids: readonly string[]) =>
    ids.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.index - b.index);
  const linked = pick(linkedIds?.entries ?? []);
  const funded = pick(fundedIds);
  const unnamed = [
    ...new Set(linked.filter((entry) => entry.kind === 'allocation').map(disbursementOf)),
  ].filter((id) => !named.includes(id));
  if (unnamed.length > 0) {
    const older = [...(await store.links(unnamed.map(disbursementRefId))).values()].flatMap(
      (link) => link.entries,
    );
    funded.push(...(await store.entriesById(older)));
  }
  return { gift: byId.get(giftId), linked, funded: funded.sort((a, b) => a.index - b.index) };
}

/**
 * Follows a receipt code through the public record: the gift, its allocations, the disbursements they funded,
 * their payouts and deliveries. Only the code's hash is looked up; the code itself is never stored.
 */
export async function traceReceipt(
  store: LedgerStore,
  signer: NoteSigner,
  origin: string,
  receiptCode: string,
): Promise<Trace> {
  // Codes are matched as handed out, whatever case or spacing the donor typed them in.
  const receiptKey = receiptRefId(receiptCodeHash(canonicalReceiptCode(receiptCode) ?? receiptCode));
  // Every read is by `_id`: the code's link, then the entries it leads to (the cost does not grow with the log).
  const receipt = (await store.links([receiptKey])).get(receiptKey);
  const giftId = receipt?.entries[0];
  if (!giftId) throw receiptNotFound();
  const { campaignId, index } = entryPosition(giftId);
  // Side by side: the head that says what is published, with the gift's proof, and the gift's chain. What lies
  // beyond the head is filtered out below.
  const [checkpoint, chain] = await Promise.all([
    checkpointWithInclusion(store, signer, origin, campaignId, index),
    chainOf(store, giftId, receipt.donationId),
  ]);
  const { gift } = chain;
  // Links are written just before the head moves: what is beyond the head is not on the public record yet.
  const published = (entry: Linked) =>
    checkpoint !== null && entry.campaignId === campaignId && entry.index < checkpoint.size;
  if (!checkpoint || !gift || !published(gift)) throw receiptNotFound();
  const linked = chain.linked.filter(published);
  const allocations = linked.filter((entry) => entry.kind === 'allocation');
  const disbursementIds = new Set(allocations.map(disbursementOf));
  const funded = chain.funded.filter(
    (entry) => published(entry) && disbursementIds.has(disbursementOf(entry)),
  );
  const byKind = (kind: string) => funded.filter((entry) => entry.kind === kind).map(parse);
  const refunds = linked.filter((entry) => entry.kind === 'refund');
  const reversals = linked.filter((entry) => entry.kind === 'refund-reversed');
  const all = [
    gift,
    ...refunds,
    ...reversals,
    ...allocations,
    ...funded.filter((entry) => entry.kind !== 'allocation'),
  ].sort((a, b) => a.index - b.index);
  return {
    donation: { ...parse(gift), refunds: refunds.map(parse), refundsReversed: reversals.map(parse) },
    allocations: allocations.map((entry) => {
      const body = parse(entry) as { disbursementId: string; amount: number };
      return { disbursementId: body.disbursementId, amount: body.amount, index: entry.index };
    }),
    disbursements: byKind('disbursement-approved'),
    payouts: byKind('payout'),
    deliveries: byKind('delivery'),
    entries: all.map((entry) => ({
      index: entry.index,
      leaf: entry.leaf.toString('base64'),
      entry: parse(entry),
    })),
    proof: {
      campaignId: gift.campaignId,
      leafIndex: gift.index,
      treeSize: checkpoint.size,
      leafHash: gift.leafHash,
      hashes: checkpoint.inclusion.map((hash) => hash.toString('base64')),
      checkpoint: checkpoint.note,
    },
  };
}
