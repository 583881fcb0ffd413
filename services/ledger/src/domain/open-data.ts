import { minorUnitExponent } from '@aid/money';

/** A public entry as exports see it: its index, hash, parsed body and the amounts the ledger counted for it. */
export interface ExportRow {
  campaignId: string;
  index: number;
  leafHash: string;
  entry: Record<string, unknown>;
  deltas: { delivered?: number };
}

/** Stable across exports and formats: a campaign's log never rewrites an index. */
export function stableId(campaignId: string, index: number): string {
  return `${campaignId}:${index}`;
}

export const csvColumns = [
  'id',
  'index',
  'time',
  'kind',
  'amount',
  'currency',
  'donationId',
  'disbursementId',
  'recipient',
  'recipientCountry',
  'recipientLocal',
  'sector',
  'beneficiaries',
  'leafHash',
] as const;

/** What spreadsheets read as the start of a formula (OWASP, CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; lines end in CRLF. Text that a
 * spreadsheet would run as a formula (a recipient named `=HYPERLINK(...)`) gets a leading `'` and is quoted, as
 * OWASP recommends, so it shows as text; numbers are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (formulaStart.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export interface DisbursementLabel {
  recipient: { name?: string; country?: string; local?: boolean } | undefined;
  sector: string | undefined;
}

/**
 * One CSV row. Payouts and deliveries do not repeat their disbursement's sector (and deliveries its recipient),
 * so the caller passes what the approval said.
 */
export function csvRow(row: ExportRow, disbursement: DisbursementLabel | undefined): string {
  const { entry } = row;
  const recipient = (entry.recipient as DisbursementLabel['recipient']) ?? disbursement?.recipient;
  return csvLine([
    stableId(row.campaignId, row.index),
    row.index,
    entry.time,
    entry.kind,
    entry.amount,
    entry.currency,
    entry.donationId,
    entry.disbursementId,
    recipient?.name,
    recipient?.country,
    recipient === undefined ? undefined : recipient.local === true,
    entry.sector ?? disbursement?.sector,
    entry.beneficiaries,
    row.leafHash,
  ]);
}

export function xmlEscape(text: string): string {
  return (
    text
      .replace(
        /[<>&"']/g,
        (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char,
      )
      // XML 1.0 forbids most control characters even escaped: matching them is the point.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

/** Minor units as the decimal IATI expects: 2500 USD → "25.00", 2500 JPY → "2500". */
export function decimalAmount(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  return exponent === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Our sectors are free text; IATI wants OECD DAC 5-digit purpose codes (vocabulary 1). This small table maps
 * the usual humanitarian clusters; anything else is reported as 72010 (material relief assistance and services).
 */
const dacSectors: [RegExp, string][] = [
  [/wash|water|sanitation|hygiene/i, '14030'],
  [/shelter|housing|non-food|nfi/i, '72010'],
  [/food|nutrition/i, '72040'],
  [/health|medical/i, '12220'],
  [/education|school/i, '11220'],
];

export function dacSectorCode(sector: string): string {
  return dacSectors.find(([pattern]) => pattern.test(sector))?.[1] ?? '72010';
}

/** Percentages with two decimals that add up to exactly 100 (the last share takes the rounding). */
export function percentages(weights: number[]): string[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return weights.map(() => (100 / weights.length).toFixed(2));
  let given = 0;
  return weights.map((weight, position) => {
    if (position === weights.length - 1) return ((10_000 - given) / 100).toFixed(2);
    const share = Math.round((weight / total) * 10_000);
    given += share;
    return (share / 100).toFixed(2);
  });
}

export interface IatiPublisher {
  ref: string;
  name: string;
}

export interface IatiActivityHeader {
  campaignId: string;
  title: string;
  summary: string;
  organizationName: string;
  status: 'draft' | 'active' | 'closed';
  startDate: string;
  currency: string;
  countries: string[];
  glide: string | null;
  crisisKind: string;
  /** Allocated money per free-text sector, for the sector percentages. */
  sectors: { sector: string; allocated: number }[];
  recipients: { name: string; local: boolean }[];
  lastUpdated: string;
}

const narrative = (value: string) => `<narrative>${xmlEscape(value)}</narrative>`;
const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

// Activity status codelist: 1 pipeline, 2 implementation, 3 finalisation (funds still being spent after the
// appeal closed). Organisation type 90 ("other") is the honest type of a giving platform.
const activityStatus = { draft: '1', active: '2', closed: '3' } as const;

export function iatiDocumentOpening(generated: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" generated-datetime="${xmlEscape(generated)}">\n`;
}

export const iatiDocumentClosing = '</iati-activities>\n';

/** Everything of an activity that precedes its transactions, in the schema's element order. */
export function iatiActivityOpening(activity: IatiActivityHeader, publisher: IatiPublisher): string {
  const sectorTotals = new Map<string, number>();
  for (const { sector, allocated } of activity.sectors)
    sectorTotals.set(dacSectorCode(sector), (sectorTotals.get(dacSectorCode(sector)) ?? 0) + allocated);
  const sectorCodes = [...sectorTotals.keys()].sort();
  const sectorShares = percentages(sectorCodes.map((code) => sectorTotals.get(code) ?? 0));
  const countryShares = percentages(activity.countries.map(() => 1));
  const lines = [
    `<iati-activity humanitarian="1" default-currency="${xmlEscape(activity.currency)}" last-updated-datetime="${xmlEscape(activity.lastUpdated)}" xml:lang="en">`,
    `<iati-identifier>${xmlEscape(`${publisher.ref}-${activity.campaignId}`)}</iati-identifier>`,
    `<reporting-org ref="${xmlEscape(publisher.ref)}" type="90">${narrative(publisher.name)}</reporting-org>`,
    `<title>${narrative(activity.title)}</title>`,
    `<description type="1">${narrative(activity.summary || activity.title)}</description>`,
    // Role 2 (accountable): the organization running the campaign; role 4 (implementing): the partners it pays.
    `<participating-org role="2">${narrative(activity.organizationName)}</participating-org>`,
    ...activity.recipients.map(
      (recipient) => `<participating-org role="4">${narrative(recipient.name)}</participating-org>`,
    ),
    `<activity-status code="${activityStatus[activity.status]}"/>`,
    `<activity-date type="2" iso-date="${xmlEscape(activity.startDate)}"/>`,
    ...activity.countries.map(
      (country, position) =>
        `<recipient-country code="${xmlEscape(country)}"${activity.countries.length > 1 ? ` percentage="${countryShares[position]}"` : ''}/>`,
    ),
    ...sectorCodes.map(
      (code, position) =>
        `<sector vocabulary="1" code="${code}"${sectorCodes.length > 1 ? ` percentage="${sectorShares[position]}"` : ''}/>`,
    ),
    ...(activity.glide
      ? [
          `<humanitarian-scope type="1" vocabulary="1-2" code="${xmlEscape(activity.glide)}">${narrative(`${activity.crisisKind} emergency ${activity.glide}`)}</humanitarian-scope>`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

export const iatiActivityClosing = '</iati-activity>\n';

/**
 * IATI 2.03 gives a transaction exactly one `value` (one amount, one currency, one value date) and no element for
 * the amount in another currency, so `value` is the settled amount in the campaign's currency, dated the day
 * Stripe settled it, and what the donor paid in their own currency goes into the description's words.
 */
function paidAs(entry: Record<string, unknown>, verb = 'paid as'): string {
  const presented = entry.presented as { amount?: unknown; currency?: unknown } | undefined;
  if (
    !presented ||
    typeof presented.amount !== 'number' ||
    typeof presented.currency !== 'string' ||
    presented.currency === entry.currency
  )
    return '';
  const rate = typeof entry.exchangeRate === 'string' ? ` at Stripe's rate ${entry.exchangeRate}` : '';
  return ` (${verb} ${decimalAmount(presented.amount, presented.currency)} ${presented.currency}${rate})`;
}

/**
 * The IATI transaction of an entry, or nothing: gifts are incoming funds (1; a refund is a negative incoming
 * fund, reversing part of one, and so is a lost card dispute; a failed refund is the same fund coming back), payouts disbursements (3), and a disbursement's first delivery an expenditure
 * (4) of the disbursement's amount. Donors stay anonymous: no provider organisation names a person.
 */
export function iatiTransaction(row: ExportRow, currency: string): string {
  const { entry } = row;
  const date = new Date(String(entry.time)).toISOString().slice(0, 10);
  const money = (code: string, amount: number, description: string, receiver?: string) =>
    [
      `<transaction ref="${xmlEscape(stableId(row.campaignId, row.index))}" humanitarian="1">`,
      `<transaction-type code="${code}"/>`,
      `<transaction-date iso-date="${date}"/>`,
      `<value currency="${xmlEscape(currency)}" value-date="${date}">${decimalAmount(amount, currency)}</value>`,
      `<description>${narrative(description)}</description>`,
      ...(receiver ? [`<receiver-org>${narrative(receiver)}</receiver-org>`] : []),
      '</transaction>\n',
    ].join('\n');
  const amount = typeof entry.amount === 'number' ? entry.amount : 0;
  switch (entry.kind) {
    case 'gift':
      return money('1', amount, `Gift ${text(entry.donationId)}${paidAs(entry)}`);
    case 'refund':
      return money('1', -amount, `Refund of gift ${text(entry.donationId)}${paidAs(entry, 'refunded as')}`);
    case 'refund-reversed':
      return money('1', amount, `Failed refund of gift ${text(entry.donationId)} given back`);
    case 'dispute-closed':
      // A lost card dispute takes the gift back like a refund; a won one changes nothing.
      return entry.outcome === 'lost'
        ? money('1', -amount, `Gift ${text(entry.donationId)} taken back by a lost card dispute`)
        : '';
    case 'payout': {
      const recipient = entry.recipient as { name?: string } | undefined;
      return money('3', amount, `Payout of disbursement ${text(entry.disbursementId)}`, recipient?.name);
    }
    case 'delivery':
      return row.deltas.delivered
        ? money(
            '4',
            row.deltas.delivered,
            `Aid delivered under disbursement ${text(entry.disbursementId)}: ${text(entry.description)}`,
          )
        : '';
    default:
      return '';
  }
}
