import { html, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import { campaignTable, type CampaignFunds } from './campaign-console-pages.ts';
import { roleName, type ConsoleCampaign, type ConsoleOrganization } from './console-kit.ts';
import { consoleLayout } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

/** What waits for this person, from what the services already say: drafts to publish, members who cannot sign in. */
function attention(
  page: PageContext,
  session: ConsoleSession,
  organization: ConsoleOrganization,
  campaigns: readonly ConsoleCampaign[],
): SafeHtml {
  const { t } = page;
  const items: SafeHtml[] = [];
  const drafts = campaigns.filter((campaign) => campaign.status === 'draft');
  if (session.role === 'admin') {
    for (const draft of drafts)
      items.push(
        html`<li>${t('console.dashboard.draftWaiting')} <a href="/console/campaigns/${draft.id}">${draft.title}</a></li>`,
      );
    const withoutEmail = organization.members.filter(
      (member) => member.revokedAt === null && member.email === null,
    ).length;
    if (withoutEmail > 0)
      items.push(
        html`<li><a href="/console/members">${t('console.dashboard.membersWithoutEmail', { count: withoutEmail })}</a></li>`,
      );
    if (campaigns.length === 0)
      items.push(html`<li><a href="/console/campaigns/new">${t('console.dashboard.firstCampaign')}</a></li>`);
  }
  if (session.role !== 'approver') {
    const active = campaigns.filter((campaign) => campaign.status === 'active');
    for (const campaign of active)
      items.push(
        html`<li>${t('console.dashboard.postUpdate')} <a href="/console/campaigns/${campaign.id}#post-update">${campaign.title}</a></li>`,
      );
  }
  if (session.role === 'approver' || session.role === 'admin')
    items.push(html`<li><a href="/console/money">${t('console.dashboard.moneyWaiting')}</a></li>`);
  return html`<section aria-labelledby="attention"><h2 id="attention">${t('console.dashboard.attention')}</h2>
${items.length > 0 ? html`<ul class="attention">${items}</ul>` : html`<p>${t('console.dashboard.nothing')}</p>`}</section>`;
}

export function dashboardPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  data: {
    organization: ConsoleOrganization;
    campaigns: readonly ConsoleCampaign[];
    funds: ReadonlyMap<string, CampaignFunds | null>;
  },
): string {
  const { t, fmt } = page;
  const { organization, campaigns } = data;
  const members = organization.members.filter((member) => member.revokedAt === null).length;
  return consoleLayout(page, session, {
    title: t('console.dashboard.title'),
    section: 'home',
    csrfToken,
    body: html`<h1>${organization.name}</h1>
<p class="lead">${t('console.dashboard.youAre', { name: session.name, role: roleName(page, session.role) })}</p>
<dl class="figures">
<div><dt>${t('console.dashboard.country')}</dt><dd>${fmt.country(organization.country)}</dd></div>
<div><dt>${t('console.dashboard.campaignCount')}</dt><dd>${fmt.number(campaigns.length)}</dd></div>
<div><dt>${t('console.dashboard.memberCount')}</dt><dd>${fmt.number(members)}</dd></div>
</dl>
${attention(page, session, organization, campaigns)}
<section aria-labelledby="campaigns"><h2 id="campaigns">${t('console.campaigns.heading')}</h2>
${campaignTable(page, campaigns, data.funds)}
<p><a href="/console/campaigns">${t('console.dashboard.allCampaigns')}</a></p></section>`,
  });
}
