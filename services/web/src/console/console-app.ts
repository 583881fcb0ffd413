import type { Logger } from '@aid/telemetry';
import type { Express } from 'express';
import type { FormGuard } from '../http/form-guard.ts';
import type { ConsoleSessions } from './console-session.ts';
import { registerJoiningAndVetting } from './admin/admin-routes.ts';
import { registerMoneyConsole } from './money/money-routes.ts';
import { registerOrganizationConsole } from './organization-console.ts';
import { registerPasskeyRoutes } from './passkey-routes.ts';
import { serviceApi, type ServiceApi } from './service-api.ts';
import { registerSignInRoutes } from './sign-in-routes.ts';

/** What the console needs: where the services are, its sessions, and the site's anti-forgery tokens. */
export interface ConsoleDeps {
  sessions: ConsoleSessions;
  forms: FormGuard;
  services: { campaign: string; donation: string; disbursement: string };
  logger: Logger;
  /** The address people reach this site at, for links in emails; else the request's own. */
  publicUrl?: string | undefined;
}

/** The services, each called as the signed-in person. */
export interface ConsoleApis {
  campaign: ServiceApi;
  donation: ServiceApi;
  disbursement: ServiceApi;
}

export type ConsoleRoutes = (app: Express, deps: ConsoleDeps & { apis: ConsoleApis }) => void;

/** The console's parts, in the order their routes are tried. */
const parts: readonly ConsoleRoutes[] = [
  registerSignInRoutes,
  registerPasskeyRoutes,
  registerOrganizationConsole,
  registerMoneyConsole,
  registerJoiningAndVetting,
];

/**
 * The organizations' console under /console: sign-in first, then each part of the console registers its own
 * pages. Every page behind sign-in uses `deps.sessions.required()`; every form post checks `deps.forms`.
 */
export function registerConsole(app: Express, deps: ConsoleDeps): void {
  const apis: ConsoleApis = {
    campaign: serviceApi(deps.services.campaign),
    donation: serviceApi(deps.services.donation),
    disbursement: serviceApi(deps.services.disbursement),
  };
  for (const part of parts) part(app, { ...deps, apis });
}
