import type { Timeseries } from '../ledger-client.ts';
import { html, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

const series = ['raised', 'allocated', 'paidOut', 'delivered'] as const;

type SeriesKey = (typeof series)[number];

function seriesLabel(page: PageContext, key: SeriesKey): string {
  switch (key) {
    case 'raised':
      return page.t('web.chart.raised');
    case 'allocated':
      return page.t('web.chart.allocated');
    case 'paidOut':
      return page.t('web.chart.paidOut');
    case 'delivered':
      return page.t('web.chart.delivered');
  }
}

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

const money = (page: PageContext, amount: number, currency: string | null) =>
  currency ? page.fmt.money(amount, currency) : page.fmt.number(amount);
const compactMoney = (page: PageContext, amount: number, currency: string | null) =>
  currency ? page.fmt.compactMoney(amount, currency) : page.fmt.number(amount);

/** A step line: totals change at a day's start and hold until the next movement, then run to the right edge. */
function stepPath(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let path = `M${plot.left} ${plot.bottom} H${first.x.toFixed(1)} V${first.y.toFixed(1)}`;
  for (const point of rest) path += ` H${point.x.toFixed(1)} V${point.y.toFixed(1)}`;
  return `${path} H${plot.right}`;
}

/** The chart's one-sentence summary: what a screen reader announces, and the figure's caption. */
export function chartSummary(page: PageContext, days: CumulativeDay[], currency: string | null): string {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return page.t('web.chart.nothingMoved');
  return page.t('web.chart.summary', {
    from: page.fmt.date(first.date),
    to: page.fmt.date(last.date),
    raised: money(page, last.totals.raised, currency),
    allocated: money(page, last.totals.allocated, currency),
    paidOut: money(page, last.totals.paidOut, currency),
    delivered: money(page, last.totals.delivered, currency),
  });
}

/**
 * The cumulative chart as inline SVG, rendered on the server so it costs no script and no request. Lines differ
 * by dash pattern as well as colour, and the same numbers are in a table for anyone who cannot see the lines.
 * Time runs left to right in every language (the SVG is `dir="ltr"`), as charts do in Arabic and Urdu print too.
 */
export function cumulativeChart(page: PageContext, timeseries: Timeseries): SafeHtml {
  const { currency } = timeseries;
  const { t, fmt } = page;
  const days = cumulativeDays(timeseries);
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return html`<p>${t('web.chart.empty')}</p>`;
  const summary = chartSummary(page, days, currency);
  const start = Date.parse(`${first.date}T00:00:00Z`);
  // One extra day on the left, so the first day's movement shows as a step rather than a line on the axis.
  const from = start - dayMs;
  const to = Math.max(Date.parse(`${last.date}T00:00:00Z`), start);
  const top = Math.max(1, ...days.flatMap((day) => series.map((key) => day.totals[key])));
  const x = (date: string) =>
    plot.left + ((Date.parse(`${date}T00:00:00Z`) - from) / (to - from)) * (plot.right - 40 - plot.left);
  const y = (amount: number) => plot.bottom - (Math.max(0, amount) / top) * (plot.bottom - plot.top);
  const levels = [0, 0.5, 1].map((fraction) => ({
    y: y(top * fraction).toFixed(1),
    label: compactMoney(page, Math.round(top * fraction), currency),
  }));
  const grid = levels.map(
    (level) =>
      html`<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${level.y}" y2="${level.y}"/>`,
  );
  // Labels are drawn after the lines, with a halo (CSS paint-order), so a line crossing them cannot hide them.
  const labels = levels.map(
    (level) => html`<text x="${plot.left}" y="${(Number(level.y) - 4).toFixed(1)}">${level.label}</text>`,
  );
  const lines = series.map(
    (key) =>
      html`<path class="line line-${key}" d="${stepPath(days.map((day) => ({ x: x(day.date), y: y(day.totals[key]) })))}"/>`,
  );
  const axis = html`<text x="${plot.left}" y="${height - 6}">${fmt.date(first.date)}</text><text x="${plot.right}" y="${height - 6}" text-anchor="end">${fmt.date(last.date)}</text>`;
  const legend = series.map(
    (key) =>
      html`<li><svg class="swatch" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true" focusable="false"><path class="line line-${key}" d="M0 5 H28"/></svg>${seriesLabel(page, key)} <strong>${money(page, last.totals[key], currency)}</strong></li>`,
  );
  const rows = days.map(
    (day) =>
      html`<tr><th scope="row"><time datetime="${day.date}">${fmt.date(day.date)}</time></th>${series.map((key) => html`<td>${money(page, day.totals[key], currency)}</td>`)}</tr>`,
  );
  return html`<figure class="chart">
<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMidYMid meet" direction="ltr"><title id="chart-title">${summary}</title>${grid}${lines}${labels}${axis}</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>
<details class="chart-data"><summary>${t('web.chart.tableToggle')}</summary>
<div class="table-wrap"><table><caption>${t('web.chart.tableCaption')}</caption><thead><tr><th scope="col">${t('web.chart.date')}</th>${series.map((key) => html`<th scope="col">${seriesLabel(page, key)}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>
</details>`;
}
