import type { AuditRecord } from '@aid/contracts';
import { toDecimalString } from '@aid/money';
import type { Response } from 'express';
import { toCsv } from '../http/csv.ts';
import type { Disbursement } from './money/money-api.ts';

/** At most this many pages are read for one file: an organization's whole history, bounded all the same. */
export const maxExportPages = 200;

/** Reads every page of a paged answer, following `next`, up to `maxExportPages`. */
export async function allPages<T>(
  read: (after: string | undefined) => Promise<{ items: T[]; next: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxExportPages; page += 1) {
    const answer = await read(after);
    items.push(...answer.items);
    if (answer.next === null) break;
    after = answer.next;
  }
  return items;
}

/** A download: a file named for what it holds and when, never cached (it is the organization's own record). */
export function sendCsv(response: Response, filename: string, csv: string): void {
  response
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('content-disposition', `attachment; filename="${filename}"`)
    .set('cache-control', 'private, no-store')
    .send(`\uFEFF${csv}`);
}

const today = () => new Date().toISOString().slice(0, 10);

export function auditCsv(
  entries: readonly AuditRecord[],
  names: ReadonlyMap<string, string>,
): { filename: string; csv: string } {
  return {
    filename: `audit-${today()}.csv`,
    csv: toCsv(
      ['at', 'member_id', 'member_name', 'action', 'target_id', 'details'],
      entries.map((entry) => [
        entry.at,
        entry.actorMemberId,
        names.get(entry.actorMemberId) ?? '',
        entry.action,
        entry.targetId,
        JSON.stringify(entry.details),
      ]),
    ),
  };
}

/** Amounts as decimals in the campaign's currency (`250.50`), as an accountant's spreadsheet expects. */
export function disbursementsCsv(
  campaignId: string,
  disbursements: readonly Disbursement[],
  names: ReadonlyMap<string, string>,
): { filename: string; csv: string } {
  return {
    filename: `disbursements-${campaignId}-${today()}.csv`,
    csv: toCsv(
      [
        'id',
        'requested_at',
        'requested_by',
        'amount',
        'currency',
        'recipient',
        'recipient_country',
        'local_partner',
        'purpose',
        'sector',
        'status',
        'approvals',
        'approvals_needed',
        'paid_at',
        'payout_reference',
        'deliveries',
        'people_reached',
      ],
      disbursements.map((d) => [
        d.id,
        d.requestedAt,
        names.get(d.requestedBy) ?? d.requestedBy,
        toDecimalString({ amount: d.amount, currency: d.currency }),
        d.currency,
        d.recipient.name,
        d.recipient.country,
        d.recipient.local,
        d.purpose,
        d.sector,
        d.status,
        d.approvals.length,
        d.approvalsNeeded,
        d.payout?.paidAt ?? null,
        d.payout?.reference ?? null,
        d.deliveries.length,
        d.deliveries.reduce((sum, delivery) => sum + delivery.beneficiaries, 0),
      ]),
    ),
  };
}
