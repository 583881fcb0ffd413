import { describe, expect, it } from 'vitest';
import { iatiSchemaErrors } from '../test-support/iati-schema.ts';
import {
  csvField,
  csvRow,
  dacSectorCode,
  decimalAmount,
  iatiActivityClosing,
  iatiActivityOpening,
  iatiDocumentClosing,
  iatiDocumentOpening,
  iatiTransaction,
  percentages,
  type ExportRow,
  type IatiActivityHeader,
} from './open-data.ts';

const header = (overrides: Partial<IatiActivityHeader> = {}): IatiActivityHeader => ({
  campaignId: '019a0000-0000-7000-8000-00000000000c',
  title: 'Sindh flood relief & <recovery>',
  summary: 'Clean water and shelter for "flooded" villages',
  organizationName: 'Karachi Diaspora Relief',
  status: 'active',
  startDate: '2026-01-01',
  currency: 'USD',
  countries: ['PK', 'AF'],
  glide: 'FL-2022-000254-PAK',
  crisisKind: 'flood',
  sectors: [
    { sector: 'WASH', allocated: 2000 },
    { sector: 'Shelter kits', allocated: 1000 },
    { sector: 'Water trucking', allocated: 1 },
  ],
  recipients: [{ name: 'Hyderabad Water Committee', local: true }],
  lastUpdated: '2026-01-03T00:00:00.000Z',
  ...overrides,
});

const row = (index: number, entry: Record<string, unknown>, deltas: ExportRow['deltas'] = {}): ExportRow => ({
  campaignId: 'c1',
  index,
  leafHash: 'ab'.repeat(32),
  entry: { v: 1, campaignId: 'c1', eventId: `e${index}`, time: '2026-01-02T10:00:00.000Z', ...entry },
  deltas,
});

const transactions = [
  row(0, { kind: 'gift', donationId: 'd1', amount: 2500, currency: 'USD' }),
  row(1, { kind: 'refund', donationId: 'd1', amount: 500, currency: 'USD' }),
  row(2, {
    kind: 'payout',
    disbursementId: 'b1',
    amount: 1000,
    currency: 'USD',
    recipient: { name: 'Water & Co', country: 'PK', local: true },
  }),
  row(
    3,
    { kind: 'delivery', disbursementId: 'b1', description: 'Filters', beneficiaries: 40 },
    { delivered: 1000 },
  ),
  row(
    4,
    { kind: 'delivery', disbursementId: 'b1', description: 'More filters', beneficiaries: 10 },
    { delivered: 0 },
  ),
  row(5, { kind: 'allocation', disbursementId: 'b1', donationId: 'd1', amount: 1000 }),
  row(6, { kind: 'dispute-closed', donationId: 'd2', outcome: 'lost', amount: 300, currency: 'USD' }),
  row(7, { kind: 'dispute-closed', donationId: 'd3', outcome: 'won', amount: 300, currency: 'USD' }),
  row(8, { kind: 'refund-reversed', donationId: 'd1', refundId: 're_1', amount: 200, currency: 'USD' }),
  row(9, {
    kind: 'gift',
    donationId: 'd4',
    amount: 2705,
    currency: 'USD',
    presented: { amount: 2500, currency: 'EUR' },
    exchangeRate: '1.0821',
  }),
  row(10, {
    kind: 'refund',
    donationId: 'd4',
    amount: 1076,
    currency: 'USD',
    presented: { amount: 1000, currency: 'EUR' },
  }),
];

function document(activity: IatiActivityHeader): string {
  return (
    iatiDocumentOpening('2026-01-03T00:00:00.000Z') +
    iatiActivityOpening(activity, { ref: 'XI-DIASPORA-AID', name: 'Diaspora Aid platform' }) +
    transactions.map((entry) => iatiTransaction(entry, activity.currency)).join('') +
    iatiActivityClosing +
    iatiDocumentClosing
  );
}

describe('open data', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    [null, ''],
    [42, '42'],
  ])('when a CSV field is %j, then it is written as %j (RFC 4180)', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it.each([
    ['=HYPERLINK("http://evil.example")', `"'=HYPERLINK(""http://evil.example"")"`],
    ['+1 555', `"'+1 555"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
    [-500, '-500'],
    ['a=b', 'a=b'],
  ])(
    'when a CSV field is %j, then a spreadsheet reads it as text, not a formula: %j (OWASP)',
    (value, written) => {
      expect(csvField(value)).toBe(written);
    },
  );

  it('when a recipient is named like a formula, then the export row neutralizes it', () => {
    const line = csvRow(transactions[3] as ExportRow, {
      recipient: { name: '=HYPERLINK("http://evil.example")', country: 'PK', local: true },
      sector: 'WASH',
    });
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example"")",PK,`);
  });

  it('when a delivery row is written, then it takes recipient and sector from its disbursement and ends in CRLF', () => {
    const line = csvRow(transactions[3] as ExportRow, {
      recipient: { name: 'Hyderabad, Water', country: 'PK', local: true },
      sector: 'WASH',
    });
    expect(line).toBe(
      `c1:3,3,2026-01-02T10:00:00.000Z,delivery,,,,b1,"Hyderabad, Water",PK,true,WASH,40,${'ab'.repeat(32)}\r\n`,
    );
  });

  it.each([
    [2500, 'USD', '25.00'],
    [5, 'USD', '0.05'],
    [-500, 'EUR', '-5.00'],
    [2500, 'JPY', '2500'],
    [1234, 'KWD', '1.234'],
  ])('when %i minor units of %s are exported, then the value is %s', (amount, currency, text) => {
    expect(decimalAmount(amount, currency)).toBe(text);
  });

  it.each([
    ['WASH', '14030'],
    ['water and sanitation', '14030'],
    ['Shelter', '72010'],
    ['Food', '72040'],
    ['Health', '12220'],
    ['Education', '11220'],
    ['Cash', '72010'],
  ])('when the sector is %s, then its DAC code is %s', (sector, code) => {
    expect(dacSectorCode(sector)).toBe(code);
  });

  it('when shares are rounded, then they still add up to exactly 100', () => {
    const shares = percentages([1, 1, 1]);
    expect(shares).toEqual(['33.33', '33.33', '33.34']);
    expect(percentages([3, 0])).toEqual(['100.00', '0.00']);
  });

  it('when an activity with every element is generated, then it validates against the official IATI 2.03 schema', async () => {
    const xml = document(header());
    expect(await iatiSchemaErrors(xml)).toEqual([]);
    expect(xml).toContain('<humanitarian-scope type="1" vocabulary="1-2" code="FL-2022-000254-PAK">');
    expect(xml).toContain(
      '<iati-identifier>XI-DIASPORA-AID-019a0000-0000-7000-8000-00000000000c</iati-identifier>',
    );
    expect(xml).toContain(
      '<sector vocabulary="1" code="14030" percentage="66.68"/>\n<sector vocabulary="1" code="72010" percentage="33.32"/>',
    );
    expect(xml.match(/<transaction-type code="(\d)"\/>/g)).toEqual([
      '<transaction-type code="1"/>',
      '<transaction-type code="1"/>',
      '<transaction-type code="3"/>',
      '<transaction-type code="4"/>',
      '<transaction-type code="1"/>',
      '<transaction-type code="1"/>',
      '<transaction-type code="1"/>',
      '<transaction-type code="1"/>',
    ]);
    // IATI 2.03 has one value per transaction: the settled USD, dated the settlement day; the donor's EUR in words.
    expect(xml).toContain(
      '<value currency="USD" value-date="2026-01-02">27.05</value>\n<description><narrative>Gift d4 (paid as 25.00 EUR at Stripe&apos;s rate 1.0821)</narrative></description>',
    );
    expect(xml).toContain(
      '<value currency="USD" value-date="2026-01-02">-10.76</value>\n<description><narrative>Refund of gift d4 (refunded as 10.00 EUR)</narrative></description>',
    );
    expect(xml).toContain(
      '<value currency="USD" value-date="2026-01-02">2.00</value>\n<description><narrative>Failed refund of gift d1 given back</narrative></description>',
    );
    expect(xml).toContain('<value currency="USD" value-date="2026-01-02">-3.00</value>');
    expect(xml).toContain('<value currency="USD" value-date="2026-01-02">-5.00</value>');
    expect(xml).toContain('Sindh flood relief &amp; &lt;recovery&gt;');
  });

  it('when an activity has no GLIDE number, one country and no sectors yet, then it still validates', async () => {
    expect(
      await iatiSchemaErrors(
        document(header({ glide: null, countries: ['HT'], sectors: [], recipients: [], status: 'closed' })),
      ),
    ).toEqual([]);
  });

  it('when elements are out of the schema order, then the schema check catches it', async () => {
    const misordered = document(header()).replace(
      /(<activity-status [^>]*\/>)\n(<activity-date [^>]*\/>)/,
      '$2\n$1',
    );
    expect(await iatiSchemaErrors(misordered)).not.toEqual([]);
  });
});
