import type { CampaignInfo, Summary } from '../ledger-client.ts';
import { esc, layout, SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

/** The parts of the ledger's `GET /v1/reconciliation` this page shows. */
export interface RecordChecks {
  checkedAt: string;
  status: 'clean' | 'differences' | 'incomplete' | 'breaches';
  campaigns: number;
  sources: string[];
  breaches: { campaignId: string; invariant: string; donationId?: string; value: number; limit: number }[];
  differences: { campaignId: string; source: string; field: string; ledger: number; service: number }[];
  unreachable: { source: string; campaignId: string }[];
}

/** The ledger's latest checks, or null when it does not answer them (an older ledger, or none reachable). */
export async function readRecordChecks(ledgerUrl: string): Promise<RecordChecks | null> {
  try {
    const response = await fetch(`${ledgerUrl}/v1/reconciliation`, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? ((await response.json()) as RecordChecks) : null;
  } catch {
    return null;
  }
}

type Campaigns = ReadonlyMap<string, { campaign: CampaignInfo; summary: Summary }>;

/** One broken rule in plain words, money in the campaign's currency. */
function breachSentence(page: PageContext, breach: RecordChecks['breaches'][number], currency: string | null): string {
  const money = (amount: number) => (currency ? page.fmt.money(amount, currency) : page.fmt.number(amount));
  switch (breach.invariant) {
    case 'campaign-allocated-not-negative':
      return `The money allocated to aid is below zero (${money(breach.value)}).`;
    case 'campaign-allocated-within-net':
      return `More money is allocated to aid (${money(breach.value)}) than the campaign holds after fees and refunds (${money(breach.limit)}).`;
    case 'campaign-paid-out-within-allocated':
      return `More was paid out to partners (${money(breach.value)}) than was allocated (${money(breach.limit)}).`;
    case 'campaign-delivered-within-paid-out':
      return `More aid is reported delivered (${money(breach.value)}) than was paid out (${money(breach.limit)}).`;
    case 'gift-allocated-not-negative':
      return `A gift has more given back by cancelled disbursements than was ever allocated from it (${money(breach.value)}).`;
    case 'gift-allocated-within-net':
      return `A gift is allocated to aid (${money(breach.value)}) beyond what it brought after fees and refunds (${money(breach.limit)}).`;
    default:
      return `A rule of the public record is broken (${breach.invariant}).`;
  }
}

function campaignLink(campaignId: string, campaigns: Campaigns): string {
  const found = campaigns.get(campaignId);
  return `<a href="/campaigns/${esc(campaignId)}">${esc(found?.campaign.title ?? `Campaign ${campaignId}`)}</a>`;
}

function verdict(checks: RecordChecks | null): { tone: 'passed' | 'failed' | 'pending'; heading: string; text: string } {
  if (!checks) return { tone: 'pending', heading: 'The checks are not available right now', text: 'The public ledger did not answer. Please try again in a moment.' };
  switch (checks.status) {
    case 'clean':
      return { tone: 'passed', heading: 'The money adds up', text: 'Every campaign keeps the rules below on its public record.' };
    case 'breaches':
      return { tone: 'failed', heading: 'The money does not add up', text: `The public record breaks ${checks.breaches.length === 1 ? 'a rule' : `${checks.breaches.length} rules`} below. The platform's operators are alerted.` };
    case 'differences':
      return { tone: 'failed', heading: 'The books disagree', text: "The public record keeps the rules, but differs from the payment or disbursement service's own books." };
    case 'incomplete':
      return { tone: 'pending', heading: 'Not every check could run', text: 'The public record keeps the rules, but a service could not be asked for its own books.' };
    default:
      return { tone: 'pending', heading: 'Unknown result', text: '' };
  }
}

const rules = [
  'No campaign allocates more money to aid than it holds after processing fees, refunds and lost card disputes.',
  'No campaign pays out more than it allocated, and none reports more aid delivered than it paid out.',
  'No gift is allocated to aid beyond what it brought after fees and refunds.',
];

/**
 * The public record's health, for anyone: first whether the money adds up, in plain words, then what is wrong
 * and where, and the figures behind a toggle. Every check runs on the public record itself (the ledger), every
 * minute; the comparison with the services' own books shows only where the ledger is told where they are.
 */
export function recordChecksPage(page: PageContext, checks: RecordChecks | null, campaigns: Campaigns): string {
  const { tone, heading, text } = verdict(checks);
  const when = checks ? `<p class="meta">Last checked <time datetime="${esc(checks.checkedAt)}">${esc(new Date(checks.checkedAt).toUTCString())}</time>, over ${esc(checks.campaigns)} campaign${checks.campaigns === 1 ? '' : 's'}.</p>` : '';
  const problems = checks?.breaches.length
    ? `<h2>What is wrong</h2><ul class="record-breaches">${checks.breaches
        .map((breach) => `<li>${campaignLink(breach.campaignId, campaigns)}: ${esc(breachSentence(page, breach, campaigns.get(breach.campaignId)?.summary.currency ?? null))}</li>`)
        .join('')}</ul>`
    : '';
  const differences = checks?.differences.length
    ? `<h2>Where the books disagree</h2><ul>${checks.differences
        .map((difference) => `<li>${campaignLink(difference.campaignId, campaigns)}: “${esc(difference.field)}” is ${esc(difference.ledger)} on the public record and ${esc(difference.service)} in the ${esc(difference.source)} service’s books (minor units).</li>`)
        .join('')}</ul>`
    : '';
  const detail = checks
    ? `<details class="chart-data"><summary>The check's figures</summary>
<div class="table-wrap"><table><caption>Broken rules, in minor units of each campaign's currency</caption><thead><tr><th scope="col">Campaign</th><th scope="col">Rule</th><th scope="col">Gift</th><th scope="col" class="num">Value</th><th scope="col" class="num">Limit</th></tr></thead><tbody>${
        checks.breaches.length === 0
          ? '<tr><td colspan="5">None</td></tr>'
          : checks.breaches
              .map((breach) => `<tr><td><code class="hash">${esc(breach.campaignId)}</code></td><td><code>${esc(breach.invariant)}</code></td><td>${breach.donationId ? `<code class="hash">${esc(breach.donationId)}</code>` : '–'}</td><td class="num">${esc(breach.value)}</td><td class="num">${esc(breach.limit)}</td></tr>`)
              .join('')
      }</tbody></table></div>
<p>Compared with the services' own books: ${checks.sources.length > 0 ? esc(checks.sources.join(', ')) : 'none configured on this ledger'}. Machine-readable: <a href="/api/ledger/v1/reconciliation">the latest check as JSON</a>.</p>
</details>`
    : '';
  return layout(
    page,
    'Does the money add up?',
    new SafeHtml(`<h1>Does the money add up?</h1>
<div role="status" class="verification ${tone}"><p><strong>${esc(heading)}</strong></p>${text ? `<p>${esc(text)}</p>` : ''}</div>
${when}
${problems}
${differences}
<h2>The rules checked</h2>
<p>Every minute, the public record of every campaign is checked against these rules:</p>
<ul>${rules.map((rule) => `<li>${esc(rule)}</li>`).join('')}</ul>
<p>A rule can break when a bank takes back money that had already been given to a partner: the record then shows it, and the organization owes it back.</p>
${detail}`),
  );
}
