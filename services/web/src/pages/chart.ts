import { minorUnitExponent } from '@aid/money';
import type { Timeseries } from '../ledger-client.ts';
import { esc, moneyText } from './html.ts';

const series = [
  { key: 'raised', label: 'Raised' },
  { key: 'allocated', label: 'Allocated' },
  { key: 'paidOut', label: 'Paid out' },
  { key: 'delivered', label: 'Delivered' },
] as const;

type SeriesKey = (typeof series)[number]['key'];

export interface CumulativeDay {
  date: string;
  totals: Record<SeriesKey, number>;
}

/** Running totals per day, from the ledger's per-day movements; they end at the summary's figures. */
export function cumulativeDays(timeseries: Timeseries): CumulativeDay[] {
  const running: Record<SeriesKey, number> = { raised: 0, allocated: 0, paidOut: 0, delivered: 0 };
  return [...timeseries.days]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((day) => {
      running.raised += day.raised;
      running.allocated += day.allocated;
      running.paidOut += day.paidOut;
      running.delivered += day.delivered;
      return { date: day.date, totals: { ...running } };
    });
}

// The drawing is sized for a phone (about 1:1 at 360 px wide) and scales up, so its text stays legible there.
const width = 360;
const height = 210;
const plot = { left: 8, right: 352, top: 24, bottom: 180 };
const dayMs = 86_400_000;

function compactMoney(amount: number, currency: string | null): string {
  if (!currency) return String(amount);
  const value = amount / 10 ** minorUnitExponent(currency);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

function shortDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** A step line: totals change at a day's start and hold until the next movement, then run to the right edge. */
function stepPath(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let path = `M${plot.left} ${plot.bottom} H${first.x.toFixed(1)} V${first.y.toFixed(1)}`;
  for (const point of rest) path += ` H${point.x.toFixed(1)} V${point.y.toFixed(1)}`;
  return `${path} H${plot.right}`;
}

/** The chart's one-sentence summary: what a screen reader announces, and the figure's caption. */
export function chartSummary(days: CumulativeDay[], currency: string | null): string {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return 'No money has moved yet.';
  const totals = series.map(({ key, label }) => `${label.toLowerCase()} ${moneyText(last.totals[key], currency)}`).join(', ');
  return `Running totals from ${shortDate(first.date)} to ${shortDate(last.date)}: ${totals}.`;
}

/**
 * The cumulative chart as inline SVG, rendered on the server so it costs no script and no request. Lines differ
 * by dash pattern as well as colour, and the same numbers are in a table for anyone who cannot see the lines.
 */
export function cumulativeChart(timeseries: Timeseries): string {
  const { currency } = timeseries;
  const days = cumulativeDays(timeseries);
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return '<p>No money has moved yet, so there is nothing to chart.</p>';
  const summary = chartSummary(days, currency);
  const start = Date.parse(`${first.date}T00:00:00Z`);
  // One extra day on the left, so the first day's movement shows as a step rather than a line on the axis.
  const from = start - dayMs;
  const to = Math.max(Date.parse(`${last.date}T00:00:00Z`), start);
  const top = Math.max(1, ...days.flatMap((day) => series.map(({ key }) => day.totals[key])));
  const x = (date: string) => plot.left + ((Date.parse(`${date}T00:00:00Z`) - from) / (to - from)) * (plot.right - 40 - plot.left);
  const y = (amount: number) => plot.bottom - (Math.max(0, amount) / top) * (plot.bottom - plot.top);
  const levels = [0, 0.5, 1].map((fraction) => ({ y: y(top * fraction).toFixed(1), label: compactMoney(Math.round(top * fraction), currency) }));
  const grid = levels.map((level) => `<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${level.y}" y2="${level.y}"/>`).join('');
  // Labels are drawn after the lines, with a halo (CSS paint-order), so a line crossing them cannot hide them.
  const labels = levels.map((level) => `<text x="${plot.left}" y="${(Number(level.y) - 4).toFixed(1)}">${esc(level.label)}</text>`).join('');
  const lines = series
    .map(({ key }) => `<path class="line line-${key}" d="${stepPath(days.map((day) => ({ x: x(day.date), y: y(day.totals[key]) })))}"/>`)
    .join('');
  const axis = `<text x="${plot.left}" y="${height - 6}">${esc(shortDate(first.date))}</text><text x="${plot.right}" y="${height - 6}" text-anchor="end">${esc(shortDate(last.date))}</text>`;
  const legend = series
    .map(({ key, label }) => `<li><svg class="swatch" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true" focusable="false"><path class="line line-${key}" d="M0 5 H28"/></svg>${esc(label)} <strong>${esc(moneyText(last.totals[key], currency))}</strong></li>`)
    .join('');
  const rows = days
    .map((day) => `<tr><th scope="row"><time datetime="${esc(day.date)}">${esc(shortDate(day.date))}</time></th>${series.map(({ key }) => `<td>${esc(moneyText(day.totals[key], currency))}</td>`).join('')}</tr>`)
    .join('');
  return `<figure class="chart">
<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMidYMid meet"><title id="chart-title">${esc(summary)}</title>${grid}${lines}${labels}${axis}</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>
<details class="chart-data"><summary>The chart's numbers as a table</summary>
<div class="table-wrap"><table><caption>Running totals by day</caption><thead><tr><th scope="col">Date</th>${series.map(({ label }) => `<th scope="col">${esc(label)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>
</details>`;
}
