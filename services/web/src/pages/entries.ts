import { createHash } from 'node:crypto';
import { msgKey, type MessageKey } from '@aid/i18n';
import type { LedgerEntry } from '../ledger-client.ts';
import { field } from './html.ts';
import type { PageContext } from './page-context.ts';

// The public record carries kind codes; each page names them in its reader's language.
const kindKeys: Record<string, MessageKey> = {
  gift: msgKey('web.entry.kind.gift'),
  refund: msgKey('web.entry.kind.refund'),
  'refund-reversed': msgKey('web.entry.kind.refundReversed'),
  'dispute-opened': msgKey('web.entry.kind.disputeOpened'),
  'dispute-closed': msgKey('web.entry.kind.disputeClosed'),
  'disbursement-approved': msgKey('web.entry.kind.disbursementApproved'),
  'disbursement-cancelled': msgKey('web.entry.kind.disbursementCancelled'),
  allocation: msgKey('web.entry.kind.allocation'),
  payout: msgKey('web.entry.kind.payout'),
  delivery: msgKey('web.entry.kind.delivery'),
  'campaign-published': msgKey('web.entry.kind.campaignPublished'),
  'campaign-closed': msgKey('web.entry.kind.campaignClosed'),
  'campaign-update': msgKey('web.entry.kind.campaignUpdate'),
};

/** The kind's name in the reader's language; a kind this page does not know yet is shown as its code. */
export function kindLabel(page: PageContext, kind: string): string {
  const key = kindKeys[kind];
  return key ? page.t(key) : kind;
}

/** RFC 6962 leaf hash of the entry's exact bytes, as the ledger stores it (hex). */
export function leafHashHex(leafBase64: string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(leafBase64, 'base64'))
    .digest('hex');
}

const nameOf = (value: unknown) => field((value as { name?: unknown } | undefined)?.name);

/** One line of plain language for an entry, as text (the page template escapes it). */
export function describeEntry(
  page: PageContext,
  entry: LedgerEntry['entry'],
  currency: string | null,
): string {
  const { t } = page;
  const entryCurrency = typeof entry.currency === 'string' ? entry.currency : currency;
  const amount =
    typeof entry.amount === 'number'
      ? entryCurrency
        ? page.fmt.money(entry.amount, entryCurrency)
        : page.fmt.number(entry.amount)
      : '';
  switch (entry.kind) {
    case 'gift': {
      const name = field((entry.donor as { displayName?: unknown } | undefined)?.displayName);
      return name ? t('web.entry.giftFrom', { amount, name }) : t('web.entry.gift', { amount });
    }
    case 'refund':
      return t('web.entry.refund', { amount });
    // The refund's own entry stays on the log; this one says the money never left and counts for the gift again.
    case 'refund-reversed':
      return t('web.entry.refundReversed', { amount });
    // A dispute holds the gift while the donor's bank decides; only a lost one takes money off the campaign.
    case 'dispute-opened':
      return t('web.entry.disputeOpened', { amount });
    case 'dispute-closed':
      return entry.outcome === 'lost'
        ? t('web.entry.disputeLost', { amount })
        : t('web.entry.disputeWon', { amount });
    case 'disbursement-approved':
      return t('web.entry.disbursementApproved', {
        amount,
        recipient: nameOf(entry.recipient),
        purpose: field(entry.purpose),
      });
    case 'disbursement-cancelled':
      return t('web.entry.disbursementCancelled', { amount });
    case 'allocation':
      return t('web.entry.allocation', { amount });
    case 'payout':
      return t('web.entry.payout', { amount, recipient: nameOf(entry.recipient) });
    case 'delivery':
      return t('web.entry.delivery', {
        description: field(entry.description),
        people: typeof entry.beneficiaries === 'number' ? entry.beneficiaries : 0,
        area: field((entry.location as { area?: unknown } | undefined)?.area),
      });
    case 'campaign-published':
      return t('web.entry.campaignPublished');
    case 'campaign-closed':
      return t('web.entry.campaignClosed');
    case 'campaign-update':
      return t('web.entry.campaignUpdate', { title: field(entry.title) });
    default:
      return entry.kind;
  }
}
