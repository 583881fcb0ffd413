import { msgKey, type MessageKey } from '@aid/i18n';
import type { CampaignInfo, Summary } from '../ledger-client.ts';
import { html, layout, withMarkup, type SafeHtml } from './html.ts';
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

// Rules are codes on the ledger's report; each has a sentence in the reader's language, with its two amounts.
const breachKeys: Record<string, MessageKey> = {
  'campaign-allocated-not-negative': msgKey('web.checks.breach.allocatedNotNegative'),
  'campaign-allocated-within-net': msgKey('web.checks.breach.allocatedWithinNet'),
  'campaign-paid-out-within-allocated': msgKey('web.checks.breach.paidOutWithinAllocated'),
  'campaign-delivered-within-paid-out': msgKey('web.checks.breach.deliveredWithinPaidOut'),
  'gift-allocated-not-negative': msgKey('web.checks.breach.giftAllocatedNotNegative'),
  'gift-allocated-within-net': msgKey('web.checks.breach.giftAllocatedWithinNet'),
};

// The services whose own books the ledger compares with, and the figures compared, named as the campaign page names them.
const sourceKeys: Record<string, MessageKey> = {
  donation: msgKey('web.checks.source.donation'),
  disbursement: msgKey('web.checks.source.disbursement'),
};
const fieldKeys: Record<string, MessageKey> = {
  raised: msgKey('web.figures.raised'),
  fees: msgKey('web.figures.fees'),
  refunded: msgKey('web.figures.refunded'),
  net: msgKey('web.figures.net'),
  allocated: msgKey('web.figures.allocated'),
  paidOut: msgKey('web.figures.paidOut'),
  delivered: msgKey('web.figures.delivered'),
};

function sourceName(page: PageContext, source: string): string {
  const key = sourceKeys[source];
  return key ? page.t(key) : source;
}

/** One broken rule in plain words, money in the campaign's currency. */
function breachSentence(
  page: PageContext,
  breach: RecordChecks['breaches'][number],
  currency: string | null,
): string {
  const money = (amount: number) => (currency ? page.fmt.money(amount, currency) : page.fmt.number(amount));
  const key = breachKeys[breach.invariant];
  return key
    ? page.t(key, { value: money(breach.value), limit: money(breach.limit) })
    : page.t('web.checks.breach.other', { rule: breach.invariant });
}

function campaignLink(page: PageContext, campaignId: string, campaigns: Campaigns): SafeHtml {
  const title =
    campaigns.get(campaignId)?.campaign.title ?? page.t('web.checks.campaignFallback', { id: campaignId });
  return html`<a href="/campaigns/${campaignId}">${title}</a>`;
}

/** "Campaign: what is wrong there", with the punctuation of the reader's language. */
function aboutCampaign(
  page: PageContext,
  campaignId: string,
  campaigns: Campaigns,
  problem: SafeHtml | string,
): SafeHtml {
  const problemHtml = typeof problem === 'string' ? html`${problem}` : problem;
  return withMarkup((slots) => page.t('web.checks.inCampaign', slots), {
    campaign: campaignLink(page, campaignId, campaigns),
    problem: problemHtml,
  });
}

function verdict(
  page: PageContext,
  checks: RecordChecks | null,
): { tone: 'passed' | 'failed' | 'pending'; heading: string; text: string } {
  const { t } = page;
  if (!checks)
    return {
      tone: 'pending',
      heading: t('web.checks.unavailableHeading'),
      text: t('web.checks.unavailableText'),
    };
  switch (checks.status) {
    case 'clean':
      return { tone: 'passed', heading: t('web.checks.cleanHeading'), text: t('web.checks.cleanText') };
    case 'breaches':
      return {
        tone: 'failed',
        heading: t('web.checks.breachesHeading'),
        text: t('web.checks.breachesText', { count: checks.breaches.length }),
      };
    case 'differences':
      return {
        tone: 'failed',
        heading: t('web.checks.differencesHeading'),
        text: t('web.checks.differencesText'),
      };
    case 'incomplete':
      return {
        tone: 'pending',
        heading: t('web.checks.incompleteHeading'),
        text: t('web.checks.incompleteText'),
      };
    default:
      return { tone: 'pending', heading: t('web.checks.unknownHeading'), text: '' };
  }
}

function differenceLine(
  page: PageContext,
  difference: RecordChecks['differences'][number],
  campaigns: Campaigns,
): SafeHtml {
  const { t, fmt } = page;
  const fieldKey = fieldKeys[difference.field];
  const sentence = withMarkup(
    (slots) =>
      t('web.checks.difference', {
        ...slots,
        ledger: fmt.number(difference.ledger),
        service: fmt.number(difference.service),
        source: sourceName(page, difference.source),
      }),
    { field: fieldKey ? html`${t(fieldKey)}` : html`<code>${difference.field}</code>` },
  );
  return html`<li>${aboutCampaign(page, difference.campaignId, campaigns, sentence)}</li>`;
}

/**
 * The public record's health, for anyone: first whether the money adds up, in plain words, then what is wrong
 * and where, and the figures behind a toggle. Every check runs on the public record itself (the ledger), every
 * minute; the comparison with the services' own books shows only where the ledger is told where they are.
 */
export function recordChecksPage(
  page: PageContext,
  checks: RecordChecks | null,
  campaigns: Campaigns,
): string {
  const { t, fmt } = page;
  const { tone, heading, text } = verdict(page, checks);
  const when = checks
    ? html`<p class="meta">${withMarkup(
        (slots) => t('web.checks.lastChecked', { ...slots, count: checks.campaigns }),
        {
          when: html`<time datetime="${checks.checkedAt}">${fmt.dateTime(checks.checkedAt)}</time>`,
        },
      )}</p>`
    : '';
  const problems = checks?.breaches.length
    ? html`<h2>${t('web.checks.wrongHeading')}</h2><ul class="record-breaches">${checks.breaches.map(
        (breach) =>
          html`<li>${aboutCampaign(page, breach.campaignId, campaigns, breachSentence(page, breach, campaigns.get(breach.campaignId)?.summary.currency ?? null))}</li>`,
      )}</ul>`
    : '';
  const differences = checks?.differences.length
    ? html`<h2>${t('web.checks.disagreeHeading')}</h2><ul>${checks.differences.map((difference) => differenceLine(page, difference, campaigns))}</ul>`
    : '';
  const detail = checks
    ? html`<details class="chart-data"><summary>${t('web.checks.figuresSummary')}</summary>
<div class="table-wrap"><table><caption>${t('web.checks.tableCaption')}</caption><thead><tr><th scope="col">${t('web.checks.columnCampaign')}</th><th scope="col">${t('web.checks.columnRule')}</th><th scope="col">${t('web.checks.columnGift')}</th><th scope="col" class="num">${t('web.checks.columnValue')}</th><th scope="col" class="num">${t('web.checks.columnLimit')}</th></tr></thead><tbody>${
        checks.breaches.length === 0
          ? html`<tr><td colspan="5">${t('web.checks.noneBroken')}</td></tr>`
          : checks.breaches.map(
              (breach) =>
                html`<tr><td><code class="hash">${breach.campaignId}</code></td><td><code>${breach.invariant}</code></td><td>${breach.donationId ? html`<code class="hash">${breach.donationId}</code>` : '–'}</td><td class="num">${fmt.number(breach.value)}</td><td class="num">${fmt.number(breach.limit)}</td></tr>`,
            )
      }</tbody></table></div>
<p>${
        checks.sources.length > 0
          ? t('web.checks.comparedWith', {
              sources: fmt.list(checks.sources.map((source) => sourceName(page, source))),
            })
          : t('web.checks.comparedWithNone')
      } ${t('web.checks.machineReadable')} <a href="/api/ledger/v1/reconciliation">${t('web.checks.jsonLink')}</a></p>
</details>`
    : '';
  return layout(
    page,
    t('web.checks.title'),
    html`<h1>${t('web.checks.title')}</h1>
<div role="status" class="verification ${tone}"><p><strong>${heading}</strong></p>${text ? html`<p>${text}</p>` : ''}</div>
${when}
${problems}
${differences}
<h2>${t('web.checks.rulesHeading')}</h2>
<p>${t('web.checks.rulesIntro')}</p>
<ul><li>${t('web.checks.rule.allocated')}</li><li>${t('web.checks.rule.paidOut')}</li><li>${t('web.checks.rule.gift')}</li></ul>
<p>${t('web.checks.chargebackNote')}</p>
${detail}`,
  );
}
