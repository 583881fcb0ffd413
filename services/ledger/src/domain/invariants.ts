/**
 * The conservation rules (DESIGN.md) checked on the public record itself, so that anyone holding the log can see
 * them hold, and a breach is reported even when the services' own totals agree with the ledger (they would, if
 * a service made the mistake and the ledger faithfully recorded it).
 *
 * Per campaign, from its summary: 0 <= allocated <= net, paidOut <= allocated, delivered <= paidOut.
 * Per gift, from the entries naming it: 0 <= allocated <= net, where the gift's allocated is its allocations less
 * the slices cancelled disbursements released, and its net is its net amount less its refunds and lost disputes
 * (plus failed refunds). The record attributes payouts and deliveries to disbursements, not to gifts, so those
 * two rules are checked per campaign only.
 */

import type { CampaignSummary } from './summary.ts';

export const invariantNames = [
  'campaign-allocated-not-negative',
  'campaign-allocated-within-net',
  'campaign-paid-out-within-allocated',
  'campaign-delivered-within-paid-out',
  'gift-allocated-not-negative',
  'gift-allocated-within-net',
] as const;

export type InvariantName = (typeof invariantNames)[number];

/** A rule the public record breaks: `value` should be at most `limit` (at least, for the not-negative rules). */
export interface Breach {
  campaignId: string;
  invariant: InvariantName;
  /** The gift the rule is about, for the per-gift rules. */
  donationId?: string;
  value: number;
  limit: number;
  /** In plain words, for people reading the report. */
  explanation: string;
}

type CampaignFigures = Pick<CampaignSummary, 'campaignId' | 'net' | 'allocated' | 'paidOut' | 'delivered'>;

export function campaignBreaches(summary: CampaignFigures): Breach[] {
  const { campaignId, net, allocated, paidOut, delivered } = summary;
  const breaches: Breach[] = [];
  if (allocated < 0)
    breaches.push({
      campaignId,
      invariant: 'campaign-allocated-not-negative',
      value: allocated,
      limit: 0,
      explanation: `allocated is ${allocated}, below zero`,
    });
  if (allocated > net)
    breaches.push({
      campaignId,
      invariant: 'campaign-allocated-within-net',
      value: allocated,
      limit: net,
      explanation: `allocated ${allocated} is more than the net ${net} the campaign holds`,
    });
  if (paidOut > allocated)
    breaches.push({
      campaignId,
      invariant: 'campaign-paid-out-within-allocated',
      value: paidOut,
      limit: allocated,
      explanation: `paid out ${paidOut} is more than the ${allocated} allocated`,
    });
  if (delivered > paidOut)
    breaches.push({
      campaignId,
      invariant: 'campaign-delivered-within-paid-out',
      value: delivered,
      limit: paidOut,
      explanation: `delivered ${delivered} is more than the ${paidOut} paid out`,
    });
  return breaches;
}

/** What the record says of one gift so far. `net` is null until the gift's own entry is read. */
export interface GiftTally {
  net: number | null;
  allocated: number;
  refunded: number;
}

/** The parts of a public entry the per-gift rules read (the entry's JSON as hashed). */
export interface EntryFacts {
  kind: string;
  donationId?: unknown;
  amount?: unknown;
  net?: unknown;
  outcome?: unknown;
  released?: unknown;
}

const money = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Moves the tallies by one entry, in log order; entries that name no gift change nothing. */
export function tallyEntry(tallies: Map<string, GiftTally>, entry: EntryFacts): void {
  const tally = (donationId: unknown): GiftTally | null => {
    if (typeof donationId !== 'string') return null;
    let found = tallies.get(donationId);
    if (!found) tallies.set(donationId, (found = { net: null, allocated: 0, refunded: 0 }));
    return found;
  };
  switch (entry.kind) {
    case 'gift': {
      const gift = tally(entry.donationId);
      if (gift) gift.net = (gift.net ?? 0) + money(entry.net);
      return;
    }
    case 'refund': {
      const gift = tally(entry.donationId);
      if (gift) gift.refunded += money(entry.amount);
      return;
    }
    case 'refund-reversed': {
      const gift = tally(entry.donationId);
      if (gift) gift.refunded -= money(entry.amount);
      return;
    }
    case 'dispute-closed': {
      const gift = tally(entry.donationId);
      if (gift && entry.outcome === 'lost') gift.refunded += money(entry.amount);
      return;
    }
    case 'allocation': {
      const gift = tally(entry.donationId);
      if (gift) gift.allocated += money(entry.amount);
      return;
    }
    case 'disbursement-cancelled': {
      for (const slice of Array.isArray(entry.released)
        ? (entry.released as { donationId?: unknown; amount?: unknown }[])
        : []) {
        const gift = tally(slice.donationId);
        if (gift) gift.allocated -= money(slice.amount);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * The per-gift rules. A gift refunded beyond its net with nothing allocated (the processor keeps its fee on a
 * full refund) breaks nothing here: that loss shows in the campaign's net. An allocation to a gift the record
 * does not hold counts against a net of zero.
 */
export function giftBreaches(campaignId: string, tallies: ReadonlyMap<string, GiftTally>): Breach[] {
  const breaches: Breach[] = [];
  for (const [donationId, gift] of tallies) {
    const net = (gift.net ?? 0) - gift.refunded;
    if (gift.allocated < 0) {
      breaches.push({
        campaignId,
        donationId,
        invariant: 'gift-allocated-not-negative',
        value: gift.allocated,
        limit: 0,
        explanation: `gift ${donationId} has more released than allocated (${gift.allocated})`,
      });
    } else if (gift.allocated > 0 && gift.allocated > net) {
      const explanation =
        gift.net === null
          ? `gift ${donationId} is allocated ${gift.allocated} but is not on the record`
          : `gift ${donationId} is allocated ${gift.allocated}, more than its net ${net} after refunds`;
      breaches.push({
        campaignId,
        donationId,
        invariant: 'gift-allocated-within-net',
        value: gift.allocated,
        limit: net,
        explanation,
      });
    }
  }
  return breaches;
}

const breachKey = (breach: Breach) =>
  `${breach.campaignId}\u0000${breach.invariant}\u0000${breach.donationId ?? ''}`;

/**
 * Events of one campaign come on three topics, so the record can break a rule for a moment (an allocation
 * recorded before its gift, a payout before a refund that preceded it): like differences, a breach is reported
 * only when it is seen at two looks a grace period apart.
 */
export function persistentBreaches(first: readonly Breach[], second: readonly Breach[]): Breach[] {
  const earlier = new Set(first.map(breachKey));
  return second.filter((breach) => earlier.has(breachKey(breach)));
}
