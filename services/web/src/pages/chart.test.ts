import { describe, expect, it } from 'vitest';
import type { Timeseries } from '../ledger-client.ts';
import { chartSummary as summaryIn, cumulativeChart as chartIn, cumulativeDays } from './chart.ts';
import { pageContext } from './page-context.ts';

const english = pageContext({ locale: 'en', url: '/', missing: 'mark' });
const cumulativeChart = (timeseries: Timeseries) => chartIn(english, timeseries).value;
const chartSummary = (days: Parameters<typeof summaryIn>[1], currency: string | null) =>
  summaryIn(english, days, currency);

function day(date: string, overrides: Partial<Timeseries['days'][number]> = {}): Timeseries['days'][number] {
  return {
    date,
    raised: 0,
    fees: 0,
    refunded: 0,
    allocated: 0,
    paidOut: 0,
    delivered: 0,
    beneficiaries: 0,
    ...overrides,
  };
}

const series = (days: Timeseries['days']): Timeseries => ({ campaignId: 'c1', currency: 'USD', days });

describe('cumulative chart', () => {
  it('when days arrive out of order, then running totals follow the dates and end at the sums', () => {
    const days = cumulativeDays(
      series([
        day('2026-01-05', { raised: 300, paidOut: 100 }),
        day('2026-01-01', { raised: 1000, allocated: 400 }),
      ]),
    );
    expect(days).toEqual([
      { date: '2026-01-01', totals: { raised: 1000, allocated: 400, paidOut: 0, delivered: 0 } },
      { date: '2026-01-05', totals: { raised: 1300, allocated: 400, paidOut: 100, delivered: 0 } },
    ]);
  });

  it('when no money has moved, then there is no chart and the text says so', () => {
    expect(cumulativeChart(series([]))).not.toContain('<svg');
    expect(chartSummary([], 'USD')).toBe('No money has moved yet.');
  });

  it('when there is a single day, then the chart still draws finite step lines for all four series', () => {
    const chart = cumulativeChart(
      series([day('2026-02-01', { raised: 500, allocated: 200, paidOut: 100, delivered: 50 })]),
    );
    expect(chart.match(/<path class="line line-\w+" d="M[^"]*"\/>/g)).toHaveLength(8);
    expect(chart).not.toMatch(/NaN|Infinity/);
    expect(chart).toContain(
      'Running totals from Feb 1, 2026 to Feb 1, 2026: raised $5.00, allocated $2.00, paid out $1.00, delivered $0.50.',
    );
  });

  it('when amounts grow, then the highest total reaches the top of the plot and axis labels are compact money', () => {
    const chart = cumulativeChart(
      series([
        day('2026-01-01', { raised: 250_000_00 }),
        day('2026-01-03', { raised: 250_000_00, allocated: 100_000_00 }),
      ]),
    );
    expect(chart).toContain('>$500K</text>');
    expect(chart).toMatch(/class="line line-raised" d="M8 180 H[\d.]+ V102.0 H[\d.]+ V24.0 H352"/);
  });

  it('when the page is in Urdu, then the summary, legend and axis are Urdu and the drawing keeps time running left to right', () => {
    const chart = chartIn(
      pageContext({ locale: 'ur', url: '/', missing: 'mark' }),
      series([day('2026-01-02', { raised: 250_000_00 })]),
    ).value;
    // The amount is isolated as a unit (U+2068 … U+2069), its dollar sign kept left to right (U+2066 … U+2069).
    expect(chart).toContain(
      '\u20682 جنوری، 2026\u2069 سے \u20682 جنوری، 2026\u2069 تک مجموعی میزان: جمع شدہ \u2068\u2066$\u2069250,000.00\u2069',
    );
    expect(chart).toContain('direction="ltr"');
    expect(chart).toContain('>\u2068\u2066$\u20692.5\u00a0لاکھ\u2069</text>');
  });
});
