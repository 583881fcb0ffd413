import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../ledger-client.ts';
import { esc, field, moneyText } from './html.ts';

const kindLabels: Record<string, string> = {
  gift: 'Gift',
  refund: 'Refund',
  'refund-reversed': 'Failed refund',
  'dispute-opened': 'Dispute',
  'dispute-closed': 'Dispute closed',
  'disbursement-approved': 'Disbursement',
  'disbursement-cancelled': 'Cancelled disbursement',
  allocation: 'Allocation',
  payout: 'Payout',
  delivery: 'Delivery',
  'campaign-published': 'Published',
  'campaign-closed': 'Closed',
  'campaign-update': 'Update',
};

export function kindLabel(kind: string): string {
  return kindLabels[kind] ?? kind;
}

/** RFC 6962 leaf hash of the entry's exact bytes, as the ledger stores it (hex). */
export function leafHashHex(leafBase64: string): string {
  return createHash('sha256').update(Buffer.from([0])).update(Buffer.from(leafBase64, 'base64')).digest('hex');
}

/** One line of plain language for an entry; every value from the ledger is escaped. */
export function describeEntry(entry: LedgerEntry['entry'], currency: string | null): string {
  const amount = typeof entry.amount === 'number' ? esc(moneyText(entry.amount, typeof entry.currency === 'string' ? entry.currency : currency)) : '';
  switch (entry.kind) {
    case 'gift':
      return `Gift of ${amount}${(entry.donor as { displayName?: string | null } | undefined)?.displayName ? ` from ${esc((entry.donor as { displayName: string }).displayName)}` : ''}`;
    case 'refund':
      return `Refund of ${amount}`;
    // The refund's own entry stays on the log; this one says the money never left and counts for the gift again.
    case 'refund-reversed':
      return `Refund of ${amount} failed at the bank; the money is back on the gift`;
    // A dispute holds the gift while the donor's bank decides; only a lost one takes money off the campaign.
    case 'dispute-opened':
      return `Gift of ${amount} disputed at the donor's bank; held until the bank decides`;
    case 'dispute-closed':
      return entry.outcome === 'lost'
        ? `Dispute over ${amount} lost; the donor's bank took the money back`
        : `Dispute over ${amount} closed in the campaign's favour; the gift stands`;
    case 'disbursement-approved':
      return `Disbursement of ${amount} approved to ${esc((entry.recipient as { name?: string } | undefined)?.name)} for ${field(entry.purpose)}`;
    case 'disbursement-cancelled':
      return `Disbursement of ${amount} cancelled before payout; the money is free to allocate again`;
    case 'allocation':
      return `${amount} of a gift allocated to a disbursement`;
    case 'payout':
      return `Payout of ${amount} to ${esc((entry.recipient as { name?: string } | undefined)?.name)}`;
    case 'delivery':
      return `Delivered: ${field(entry.description)} (${field(entry.beneficiaries)} people, ${esc((entry.location as { area?: string } | undefined)?.area)})`;
    case 'campaign-published':
      return 'Campaign published';
    case 'campaign-closed':
      return 'Campaign closed';
    case 'campaign-update':
      return `Update: ${field(entry.title)}`;
    default:
      return esc(entry.kind);
  }
}
