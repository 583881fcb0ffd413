import { createHash } from 'node:crypto';
import type { EntryDraft, SummaryDeltas } from './public-entry.ts';

/**
 * The dashboard's projections (daily series, sector and recipient breakdowns) are kept as
 * counters inside each campaign's log document and moved by the same guarded write that appends an entry, so
 * they are exactly-once for the same reason the summary is. FerretDB has few aggregation stages, so nothing here
 * is computed by scanning entries at read time.
 *
 * A delta is a set of `$inc` paths and `$set` paths (labels); both are frozen into the entry document when it is
 * claimed, so whoever finishes an interrupted append applies exactly the same change.
 */
export interface ProjectionDelta {
  inc: Record<string, number>;
  set: Record<string, string | boolean>;
}

export interface RecipientFacts {
  name: string;
  country: string;
  local: boolean;
}

/**
 * What other entries tell about this one: the disbursement it belongs to. Gifts no longer move any donor
 * geography counter: geography comes only as the donation service's k-anonymous releases (donor-geography.ts),
 * and the countries that older gift entries carry are not counted.
 */
export interface ProjectionFacts {
  disbursement: { sector: string; recipient: RecipientFacts } | null;
}

export const noFacts: ProjectionFacts = { disbursement: null };

export const dayFields = [
  'raised',
  'fees',
  'refunded',
  'allocated',
  'paidOut',
  'delivered',
  'beneficiaries',
] as const;
export type DayField = (typeof dayFields)[number];

/** Stored keys may not contain dots or start with `$`, and sector or recipient names are free text. */
export function labelKey(...parts: (string | boolean)[]): string {
  return `k${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20)}`;
}

/** The UTC day of an entry's event time, `YYYY-MM-DD`. */
export function utcDay(time: string): string {
  return new Date(time).toISOString().slice(0, 10);
}

function addAll(
  inc: Record<string, number>,
  values: Record<string, number | undefined>,
  prefix: string,
): void {
  for (const [field, value] of Object.entries(values)) {
    if (typeof value === 'number' && value !== 0)
      inc[`${prefix}.${field}`] = (inc[`${prefix}.${field}`] ?? 0) + value;
  }
}

function recipientOf(entry: Record<string, unknown>): RecipientFacts | null {
  const recipient = entry.recipient as Partial<RecipientFacts> | undefined;
  if (!recipient || typeof recipient.name !== 'string') return null;
  return {
    name: recipient.name,
    country: typeof recipient.country === 'string' ? recipient.country : '',
    local: recipient.local === true,
  };
}

/** How one entry moves the projections. Pure: the facts it needs are looked up by the caller. */
export function projectionDelta(draft: EntryDraft, facts: ProjectionFacts = noFacts): ProjectionDelta {
  const inc: Record<string, number> = {};
  const set: Record<string, string | boolean> = {};
  const deltas: SummaryDeltas = draft.deltas;
  const day = utcDay(draft.entry.time);
  addAll(inc, Object.fromEntries(dayFields.map((field) => [field, deltas[field]])), `days.${day}`);

  const entry = draft.entry as Record<string, unknown>;
  const money = { allocated: deltas.allocated, paidOut: deltas.paidOut, delivered: deltas.delivered };
  const approval =
    draft.kind === 'disbursement-approved'
      ? { sector: typeof entry.sector === 'string' ? entry.sector : '', recipient: recipientOf(entry) }
      : null;
  const disbursement = approval ?? facts.disbursement;
  const sector = disbursement?.sector;
  if (sector !== undefined && Object.values(money).some((value) => value)) {
    const key = labelKey(sector);
    set[`sectors.${key}.sector`] = sector;
    addAll(inc, money, `sectors.${key}`);
  }
  const recipient =
    draft.kind === 'payout' ? (recipientOf(entry) ?? disbursement?.recipient) : disbursement?.recipient;
  if (recipient && (Object.values(money).some((value) => value) || deltas.beneficiaries)) {
    const key = labelKey(recipient.name, recipient.country, recipient.local);
    set[`recipients.${key}.name`] = recipient.name;
    set[`recipients.${key}.country`] = recipient.country;
    set[`recipients.${key}.local`] = recipient.local;
    addAll(inc, { ...money, beneficiaries: deltas.beneficiaries }, `recipients.${key}`);
  }
  presentedMoves(draft, inc);
  return { inc, set };
}

/** A gift's or refund's presented money; entries from before carry none, and then were in the entry's currency. */
function presentedOf(entry: Record<string, unknown>): { amount: number; currency: string } | null {
  const presented = entry.presented as { amount?: unknown; currency?: unknown } | undefined;
  if (presented && typeof presented.amount === 'number' && typeof presented.currency === 'string')
    return { amount: presented.amount, currency: presented.currency };
  return typeof entry.amount === 'number' && typeof entry.currency === 'string'
    ? { amount: entry.amount, currency: entry.currency }
    : null;
}

/**
 * The breakdown by the currency donors paid in: counts and presented totals only, never a gift. Currency codes
 * are three capital letters, so they are safe as stored keys.
 */
function presentedMoves(draft: EntryDraft, inc: Record<string, number>): void {
  if (draft.kind !== 'gift' && draft.kind !== 'refund') return;
  const presented = presentedOf(draft.entry);
  if (!presented || !/^[A-Z]{3}$/.test(presented.currency)) return;
  const prefix = `presented.${presented.currency}`;
  if (draft.kind === 'gift') addAll(inc, { gifts: 1, amount: presented.amount }, prefix);
  else addAll(inc, { refunded: presented.amount }, prefix);
}

/** Counters of one presented currency: gifts paid in it, their presented total, and refunds given back in it. */
export type PresentedCounters = Record<string, { gifts?: number; amount?: number; refunded?: number }>;

/** The breakdown by presented currency, most gifts first; amounts in minor units of each row's own currency. */
export function presentedBreakdown(
  stored: PresentedCounters | undefined,
): { currency: string; gifts: number; amount: number; refunded: number }[] {
  return Object.entries(stored ?? {})
    .map(([currency, row]) => ({
      currency,
      gifts: row.gifts ?? 0,
      amount: row.amount ?? 0,
      refunded: row.refunded ?? 0,
    }))
    .filter((row) => row.gifts !== 0 || row.refunded !== 0)
    .sort((a, b) => b.gifts - a.gifts || a.currency.localeCompare(b.currency));
}

/** The projection counters as stored in the campaign's log document. */
export interface StoredProjections {
  days?: Record<string, Partial<Record<DayField, number>>>;
  sectors?: Record<string, { sector?: string; allocated?: number; paidOut?: number; delivered?: number }>;
  recipients?: Record<
    string,
    {
      name?: string;
      country?: string;
      local?: boolean;
      allocated?: number;
      paidOut?: number;
      delivered?: number;
      beneficiaries?: number;
    }
  >;
}

export type DayRow = { date: string } & Record<DayField, number>;

/** Amounts of each UTC day (not cumulative), oldest first; days without movement are absent. */
export function timeseries(stored: StoredProjections): DayRow[] {
  return Object.entries(stored.days ?? {})
    .map(([date, values]) => ({
      date,
      ...(Object.fromEntries(dayFields.map((field) => [field, values[field] ?? 0])) as Record<
        DayField,
        number
      >),
    }))
    .filter((row) => dayFields.some((field) => row[field] !== 0))
    .sort((a, b) => a.date.localeCompare(b.date));
}

export function breakdowns(stored: StoredProjections) {
  const bySector = Object.values(stored.sectors ?? {})
    .map((row) => ({
      sector: row.sector ?? '',
      allocated: row.allocated ?? 0,
      paidOut: row.paidOut ?? 0,
      delivered: row.delivered ?? 0,
    }))
    .sort((a, b) => b.allocated - a.allocated || a.sector.localeCompare(b.sector));
  const byRecipient = Object.values(stored.recipients ?? {})
    .map((row) => ({
      name: row.name ?? '',
      country: row.country ?? '',
      local: row.local === true,
      allocated: row.allocated ?? 0,
      paidOut: row.paidOut ?? 0,
      delivered: row.delivered ?? 0,
      beneficiaries: row.beneficiaries ?? 0,
    }))
    .sort((a, b) => b.allocated - a.allocated || a.name.localeCompare(b.name));
  return { bySector, byRecipient };
}
