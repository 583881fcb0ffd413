/**
 * Reconciliation: the public ledger's totals of a campaign against the totals each owning service keeps of its
 * own state. The figures must agree once every event is consumed; a difference that persists means an event was
 * lost, counted twice, or a projection went wrong somewhere, which DESIGN.md requires us to detect and report.
 */

import type { CampaignSummary } from './summary.ts';

/**
 * Money figures in the campaign currency's minor units; a source reports only the figures it owns, by the
 * ledger's definitions (summary.ts): `refunded` is every refund and lost dispute net of failed refunds, counted
 * in full even when the money had already been allocated to aid (the disbursement service keeps that part as a
 * refund shortfall the organization owes back, and reports it within its `refunded`); `net` = raised - fees -
 * refunded, so it may sit below `allocated` while a shortfall is owed; `allocated` is what live (approved, not
 * cancelled) disbursements hold.
 */
export interface ReconciledFigures {
  raised?: number;
  fees?: number;
  refunded?: number;
  net?: number;
  allocated?: number;
  paidOut?: number;
  gifts?: number;
}

export const reconciledFields = [
  'raised',
  'fees',
  'refunded',
  'net',
  'allocated',
  'paidOut',
  'gifts',
] as const satisfies readonly (keyof ReconciledFigures)[];

/** What each service's `GET /v1/campaigns/:id/totals` is compared on: the figures its own state decides. */
export const donationFields = [
  'raised',
  'fees',
  'refunded',
  'net',
  'gifts',
] as const satisfies readonly (keyof ReconciledFigures)[];
export const disbursementFields = [
  'raised',
  'fees',
  'refunded',
  'net',
  'allocated',
  'paidOut',
] as const satisfies readonly (keyof ReconciledFigures)[];

/** The ledger's side of the comparison: its public summary's figures. */
export function ledgerFigures(summary: CampaignSummary): ReconciledFigures {
  const { raised, fees, refunded, net, allocated, paidOut, gifts } = summary;
  return { raised, fees, refunded, net, allocated, paidOut, gifts };
}

export interface Difference {
  campaignId: string;
  /** Which service's own totals disagree with the ledger, e.g. `donation`. */
  source: string;
  field: (typeof reconciledFields)[number];
  ledger: number;
  service: number;
}

/** Every figure the service reports that the ledger shows otherwise. A figure the service does not own is skipped. */
export function compareFigures(
  campaignId: string,
  source: string,
  ledger: ReconciledFigures,
  service: ReconciledFigures,
): Difference[] {
  const differences: Difference[] = [];
  for (const field of reconciledFields) {
    const theirs = service[field];
    if (theirs === undefined) continue;
    const ours = ledger[field] ?? 0;
    if (ours !== theirs) differences.push({ campaignId, source, field, ledger: ours, service: theirs });
  }
  return differences;
}

const differenceKey = (difference: Difference) =>
  `${difference.campaignId}\u0000${difference.source}\u0000${difference.field}`;

/**
 * Events in flight make figures differ for a moment (a gift the donation service counted and the ledger has not
 * consumed yet), so a check compares twice, a grace period apart, and reports only what differed both times.
 * Figures still moving between the two looks are still reported if they differ at the end: a steady trickle
 * of events must not hide a real gap forever, and the next check settles it.
 */
export function persistentDifferences(
  first: readonly Difference[],
  second: readonly Difference[],
): Difference[] {
  const earlier = new Set(first.map(differenceKey));
  return second.filter((difference) => earlier.has(differenceKey(difference)));
}
