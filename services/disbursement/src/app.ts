import { memberProjection } from '@aid/access';
import { newId, topics, type CampaignEvent, type DonationEvent } from '@aid/contracts';
import { createHttpApp, sessionVerifyKey, withRawUploads } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import { withTraceContext } from '@aid/telemetry';
import type { DisbursementConfig } from './config.ts';
import { onCampaignEvent } from './events/campaign-events.consumer.ts';
import { onDonationEvents } from './events/donation-events.consumer.ts';
import { evidencePath } from './http/evidence-body.ts';
import { disbursementRoutes } from './http/routes.ts';
import { stripeConnectPayouts } from './payouts/stripe-connect.ts';
import { statusByCode } from './http/status-by-code.ts';
import { createCampaignLocks } from './store/campaign-locks.store.ts';
import { createCampaignStore } from './store/campaigns.store.ts';
import { createDisbursementStore } from './store/disbursements.store.ts';
import { createEvidenceStore } from './store/evidence.store.ts';
import { createFundsAccountStore } from './store/funds-accounts.store.ts';
import { createGiftStore } from './store/gifts.store.ts';
import { createIdempotencyKeyStore } from './store/idempotency-keys.store.ts';
import type { UseCaseContext } from './use-cases/context.ts';

export const serviceName = 'disbursement';
export const consumerGroup = 'disbursement';

export type AppConfig = Pick<
  DisbursementConfig,
  'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE' | 'EVIDENCE_MAX_BYTES'
> & { SESSION_VERIFY_KEY?: string | undefined };

/** The stores and clocks the use cases work with; the benchmark drives the use cases through the same context. */
export function createContext(deps: ServiceDeps, config: AppConfig): UseCaseContext {
  return {
    campaigns: createCampaignStore(deps.db),
    members: memberProjection(deps.db),
    funds: createFundsAccountStore(deps.db, deps.applyOnce),
    gifts: createGiftStore(deps.db, deps.applyOnce),
    disbursements: createDisbursementStore(deps.db),
    evidence: createEvidenceStore(deps.db),
    idempotencyKeys: createIdempotencyKeyStore(deps.db, deps.logger),
    evidenceLimitBytes: config.EVIDENCE_MAX_BYTES,
    sessionKey: config.SESSION_VERIFY_KEY
      ? sessionVerifyKey(Buffer.from(config.SESSION_VERIFY_KEY, 'base64'))
      : undefined,
    connectPayouts: config.STRIPE_SECRET_KEY
      ? stripeConnectPayouts(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE)
      : null,
    locks: createCampaignLocks(deps.db),
    logger: deps.logger,
    now: () => new Date(),
    newId,
    outboxQueued: () => deps.outboxQueued(),
  };
}

export async function buildApp(deps: ServiceDeps, config: AppConfig): Promise<ServiceParts> {
  const context = createContext(deps, config);
  const { disbursements } = context;
  // Keys projected before the key links existed get theirs before the first request is authenticated.
  await context.members.backfillKeyLinks();

  const app = createHttpApp({
    serviceName,
    description:
      'Funds accounts per campaign, disbursement requests under maker-checker approval, first-in-first-out allocation to gifts, payouts and delivery reports.',
    logger: deps.logger,
    routes: disbursementRoutes(context),
    statusByCode,
    readiness: () => deps.ready(),
    trustProxy: deps.rateLimits.trustProxy,
    authenticationFailureLimits: deps.rateLimits.authenticationFailures,
  });

  return {
    app: withRawUploads(app, [evidencePath]),
    outboxSources: [
      { name: 'disbursements', model: disbursements.model },
      { name: 'allocation_batches', model: disbursements.batchModel },
    ],
    consumers: [
      {
        groupId: consumerGroup,
        topics: [topics.campaign, topics.donation],
        // Both topics are keyed by campaign id, so each campaign's events reach one instance in order per topic.
        // A batch holds one partition's events: gifts are credited a group at a time (see onDonationEvents).
        maxBatchSize: 1_000,
        handleBatch: async (items) => {
          if (items[0]?.context.topic !== topics.campaign)
            return onDonationEvents(
              context,
              items.map(({ event, trace }) => ({ event: event as DonationEvent, trace })),
            );
          for (const { event, trace } of items)
            await withTraceContext(trace, () => onCampaignEvent(context, event as CampaignEvent));
        },
      },
    ],
  };
}
