import type { Express } from 'express';
import { pageOf } from '../locale.ts';
import { auditPage, type AuditEntry } from './audit-pages.ts';
import { organizationCampaigns, registerCampaignConsoleRoutes } from './campaign-console-routes.ts';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import { sendPage } from './console-kit.ts';
import { sessionOf } from './console-session.ts';
import { dashboardPage } from './dashboard-pages.ts';
import { organizationOf, registerMembersRoutes } from './members-routes.ts';

const auditPageSize = 50;

/** The organization's side of the console: its home page, campaigns, members and audit log. */
export function registerOrganizationConsole(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;
  const signedIn = sessions.required();

  app.get('/console', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const [organization, campaigns] = await Promise.all([organizationOf(apis, session), organizationCampaigns(apis, session)]);
    sendPage(response, 200, dashboardPage(pageOf(response), session, forms.token(request, response), { organization, campaigns }));
  });

  registerCampaignConsoleRoutes(app, deps);
  registerMembersRoutes(app, deps);

  app.get('/console/audit', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const after = typeof request.query.after === 'string' && request.query.after.length <= 300 ? request.query.after : undefined;
    const query = new URLSearchParams({ limit: String(auditPageSize), ...(after ? { after } : {}) });
    // Admins only: the service refuses anyone else, and its refusal is the page.
    const [audit, organization] = await Promise.all([
      apis.campaign<{ entries: AuditEntry[]; next: string | null }>(session, `/v1/organizations/${session.organizationId}/audit?${query.toString()}`),
      organizationOf(apis, session),
    ]);
    const names = new Map(organization.members.map((member) => [member.id, member.name]));
    sendPage(response, 200, auditPage(pageOf(response), session, forms.token(request, response), { entries: audit.entries, names, next: audit.next, first: !after }));
  });
}
