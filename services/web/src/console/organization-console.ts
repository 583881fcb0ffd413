import type { AuditRecord } from '@aid/contracts';
import type { Express, NextFunction, Request, Response } from 'express';
import { pageOf } from '../locale.ts';
import { auditPage } from './audit-pages.ts';
import type { CampaignFunds } from './campaign-console-pages.ts';
import { organizationCampaigns, registerCampaignConsoleRoutes } from './campaign-console-routes.ts';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import { refusalPage, sendPage, type ConsoleCampaign } from './console-kit.ts';
import type { ConsoleSection } from './console-layout.ts';
import { sessionOf, type ConsoleSession } from './console-session.ts';
import { dashboardPage } from './dashboard-pages.ts';
import { allPages, auditCsv, sendCsv } from './exports.ts';
import { organizationOf, registerMembersRoutes } from './members-routes.ts';
import { ConsoleServiceProblem } from './service-api.ts';

const auditPageSize = 50;

/**
 * Raised and available money of each public campaign, from the disbursement service's funds accounts. A figure
 * it cannot give now (not answering, or the campaign not reached it yet) is left out: the home page still works.
 */
async function fundsOf(
  apis: ConsoleApis,
  session: ConsoleSession,
  campaigns: readonly ConsoleCampaign[],
): Promise<Map<string, CampaignFunds | null>> {
  const entries = await Promise.all(
    campaigns
      .filter((campaign) => campaign.status !== 'draft')
      .map(async (campaign): Promise<[string, CampaignFunds | null]> => {
        try {
          const funds = await apis.disbursement<CampaignFunds>(
            session,
            `/v1/campaigns/${encodeURIComponent(campaign.id)}/funds`,
          );
          return [
            campaign.id,
            { currency: funds.currency, raised: funds.raised, available: funds.available },
          ];
        } catch (error) {
          if (error instanceof ConsoleServiceProblem && error.status === 401) throw error;
          return [campaign.id, null];
        }
      }),
  );
  return new Map(entries);
}

/** The organization's side of the console: its home page, campaigns, members and audit log. */
export function registerOrganizationConsole(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;
  const signedIn = sessions.required();

  app.get('/console', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const [organization, campaigns] = await Promise.all([
      organizationOf(apis, session),
      organizationCampaigns(apis, session),
    ]);
    const funds = await fundsOf(apis, session, campaigns);
    sendPage(
      response,
      200,
      dashboardPage(pageOf(response), session, forms.token(request, response), {
        organization,
        campaigns,
        funds,
      }),
    );
  });

  registerCampaignConsoleRoutes(app, deps);
  registerMembersRoutes(app, deps);

  app.get('/console/audit', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const after =
      typeof request.query.after === 'string' && request.query.after.length <= 300
        ? request.query.after
        : undefined;
    const query = new URLSearchParams({ limit: String(auditPageSize), ...(after ? { after } : {}) });
    // Admins only: the service refuses anyone else, and its refusal is the page.
    const [audit, organization] = await Promise.all([
      apis.campaign<{ entries: AuditRecord[]; next: string | null }>(
        session,
        `/v1/organizations/${session.organizationId}/audit?${query.toString()}`,
      ),
      organizationOf(apis, session),
    ]);
    const names = new Map(organization.members.map((member) => [member.id, member.name]));
    sendPage(
      response,
      200,
      auditPage(pageOf(response), session, forms.token(request, response), {
        entries: audit.entries,
        names,
        next: audit.next,
        first: !after,
      }),
    );
  });

  // The whole audit log as a spreadsheet (admins: the service refuses anyone else).
  app.get('/console/audit.csv', signedIn, async (_request, response) => {
    const session = sessionOf(response);
    const [entries, organization] = await Promise.all([
      allPages(async (after) => {
        const query = new URLSearchParams({ limit: '200', ...(after ? { after } : {}) });
        const page = await apis.campaign<{ entries: AuditRecord[]; next: string | null }>(
          session,
          `/v1/organizations/${session.organizationId}/audit?${query.toString()}`,
        );
        return { items: page.entries, next: page.next };
      }),
      organizationOf(apis, session),
    ]);
    const { filename, csv } = auditCsv(
      entries,
      new Map(organization.members.map((member) => [member.id, member.name])),
    );
    sendCsv(response, filename, csv);
  });

  // A service's refusal of a page of these parts (another organization's campaign, the audit log without the
  // admin role) is shown inside the console, with its own words; 401 and outages go on to the site's handler.
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    const session = response.locals['session'] as ConsoleSession | undefined;
    const section = sectionOf(request.path);
    if (!(error instanceof ConsoleServiceProblem) || error.status === 401 || !session || !section)
      return next(error);
    const back = section === 'home' ? '/console' : `/console/${section}`;
    sendPage(
      response,
      error.status,
      refusalPage(pageOf(response), session, forms.token(request, response), error.detail, back, section),
    );
  });
}

/** The part of the console a path of these parts belongs to; null for any other page. */
function sectionOf(path: string): ConsoleSection | null {
  if (path === '/console' || path === '/console/') return 'home';
  if (path.startsWith('/console/campaigns')) return 'campaigns';
  if (path.startsWith('/console/members')) return 'members';
  if (path.startsWith('/console/audit')) return 'audit';
  return null;
}
