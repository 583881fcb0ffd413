import { newId } from '@aid/contracts';
import { createHttpApp } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import type { CampaignConfig } from './config.ts';
import { newApiKey } from './domain/api-key.ts';
import { memberAuthenticator, optionalMember, platformAdminAuthenticator } from './http/auth.ts';
import { campaignRoutes } from './http/campaigns.routes.ts';
import { organizationRoutes } from './http/organizations.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { campaignStore } from './store/campaigns.store.ts';
import { organizationStore } from './store/organizations.store.ts';
import { updateStore } from './store/updates.store.ts';
import type { CampaignContext } from './use-cases/context.ts';

export async function buildApp(deps: ServiceDeps, config: Pick<CampaignConfig, 'PLATFORM_ADMIN_KEY'>): Promise<ServiceParts> {
  const context: CampaignContext = {
    organizations: organizationStore(deps.db),
    campaigns: campaignStore(deps.db),
    updates: updateStore(deps.db),
    now: () => new Date(),
    newId,
    newApiKey,
    outboxQueued: () => deps.outboxQueued(),
  };
  // Keys stored before the key links existed get theirs before the first request is authenticated.
  await context.organizations.backfillKeyLinks();
  await context.campaigns.backfillLinks();
  await context.updates.backfillLinks();
  const member = memberAuthenticator(context.organizations);
  const app = createHttpApp({
    serviceName: 'campaign',
    description: 'Organizations, their members and API keys, crisis campaigns and their public updates.',
    logger: deps.logger,
    tracer: deps.tracer,
    routes: [
      ...organizationRoutes(context, { platformAdmin: platformAdminAuthenticator(config.PLATFORM_ADMIN_KEY, context.organizations), member }),
      ...campaignRoutes(context, { member, optionalMember: optionalMember(member) }),
    ],
    statusByCode,
    readiness: () => deps.ready(),
    trustProxy: deps.rateLimits.trustProxy,
    authenticationFailureLimits: deps.rateLimits.authenticationFailures,
  });
  return {
    app,
    outboxSources: [context.organizations.outboxSource, context.campaigns.outboxSource, context.updates.outboxSource],
  };
}
