import { hostname } from 'node:os';
import { memberProjection } from '@aid/access';
import { topics, type CampaignEvent, type DisbursementEvent } from '@aid/contracts';
import { clientAddress, createHttpApp, rateLimit, sessionVerifyKey } from '@aid/http-kit';
import { smtpMailer, type ServiceDeps, type ServiceParts } from '@aid/runtime';
import type { DonationConfig } from './config.ts';
import { startReceiptSender } from './email/receipt-sender.ts';
import { campaignEventsHandler } from './events/campaign-events.consumer.ts';
import { disbursementEventsHandler } from './events/disbursement-events.consumer.ts';
import { publishLegacyOutbox } from './events/legacy-outbox.ts';
import { donorKeyer, donorKeySecret } from './domain/donor-geography.ts';
import { campaignTotalsRoutes } from './http/campaign-totals.routes.ts';
import { donationRoutes } from './http/donation.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { webhookRoutes } from './http/webhook.routes.ts';
import { createCampaignStore } from './store/campaign.store.ts';
import { createCampaignTotalsStore } from './store/campaign-totals.store.ts';
import { createDonationStore, type DonationStore } from './store/donation.store.ts';
import { createDonorCipher } from './store/donor-cipher.ts';
import { createDonorGeographyStore } from './store/donor-geography.store.ts';
import { createIdempotencyKeyStore } from './store/idempotency-key.store.ts';
import { createReceiptMailStore } from './store/receipt-mail.store.ts';
import { createRejectedWebhooks } from './store/rejected-webhooks.store.ts';
import { createLegacyJournal } from './store/legacy-journal.store.ts';
import { createStripeInbox } from './store/stripe-inbox.store.ts';
import { stripeClient, stripeGateway } from './stripe/stripe-gateway.ts';
import type { DonationFlows } from './use-cases/dependencies.ts';
import { migrateOnce, oneAtATime } from '@aid/store';
import { createGiftMetrics } from './webhooks/gift-metrics.ts';
import type { InboxProcessor } from './webhooks/inbox-processor.ts';
import { countDonorGeography, donorOfGift } from './use-cases/count-donor-geography.ts';
import { startWebhookPipeline } from './webhooks/webhook-pipeline.ts';

export const serviceName = 'donation';

/** Inbox backlog above which the instance reports itself not ready, so Stripe's retries wait instead of piling up. */
const maxReadyBacklog = 100_000;

export interface DonationParts extends ServiceParts {
  /** The webhook pipeline, for benchmarks and tests: inbox backlog, applied count, idleness. */
  inbox: InboxProcessor;
  /** The donation store of this instance, so a benchmark can seed pending donations without Stripe. */
  donations: DonationStore;
}

export async function buildApp(deps: ServiceDeps, config: DonationConfig): Promise<DonationParts> {
  const now = () => new Date();
  const cipher = createDonorCipher(config.DONOR_DATA_KEY);
  const donations = createDonationStore(deps.db, cipher);
  const campaigns = createCampaignStore(deps.db);
  const members = memberProjection(deps.db, now);
  const totals = createCampaignTotalsStore(deps.db, deps.applyOnce);
  const inbox = createStripeInbox(deps.db, {
    instanceId: config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`,
    orphanAfterMs: config.INBOX_ORPHAN_AFTER_MS,
  });
  const receipts = createReceiptMailStore(deps.db);
  const geography = createDonorGeographyStore(deps.db, deps.applyOnce);
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.RECEIPT_FROM) : null;
  const giftMetrics = createGiftMetrics();
  const flows: DonationFlows = {
    donations,
    campaigns,
    members,
    sessionKey: config.SESSION_VERIFY_KEY
      ? sessionVerifyKey(Buffer.from(config.SESSION_VERIFY_KEY, 'base64'))
      : undefined,
    idempotencyKeys: createIdempotencyKeyStore(deps.db, cipher, deps.logger),
    totals,
    payments: stripeGateway(
      stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE),
      config.STRIPE_WEBHOOK_SECRET,
    ),
    mailer,
    logger: deps.logger,
    tracer: deps.tracer,
    now,
    oneAtATime: oneAtATime(),
    maxDonationAmount: config.MAX_DONATION_AMOUNT,
    receiptRetryMs: config.RECEIPT_RETRY_MS,
    donorKeyOf: donorKeyer(donorKeySecret(config.DONOR_DATA_KEY)),
  };

  // Data from earlier versions is brought up to date before any webhook is decided again.
  await migrateOnce(deps.db, 'donation-outbox-published', () =>
    publishLegacyOutbox(donations, deps.publisher),
  );
  await donations.backfillLinks();
  await members.backfillKeyLinks();
  await receipts.backfillPending();

  const sender = mailer
    ? startReceiptSender(flows, {
        mailer,
        receipts,
        logger: deps.logger,
        ...(config.PUBLIC_WEB_URL ? { traceUrl: new URL('/trace', config.PUBLIC_WEB_URL).href } : {}),
      })
    : null;
  const geographyDeps = { geography, now, outboxQueued: () => deps.outboxQueued(), logger: deps.logger };
  const webhooks = await startWebhookPipeline({
    flows,
    inbox,
    legacyJournal: createLegacyJournal(deps.db),
    orphanSweepMs: Math.min(60_000, config.INBOX_ORPHAN_AFTER_MS),
    giftMetrics,
    oweReceipts: async (donationIds) => {
      await receipts.owe(donationIds, now());
      sender?.kick();
    },
    countDonors: (donors) => countDonorGeography(geographyDeps, donors),
    publisher: deps.publisher,
  });
  const processor = webhooks.processor;
  // Consenting donors are counted with their gift's webhook batch. Until this version a consumer of the
  // service's own events counted them; whatever it had not reached is counted once here, after the journal an
  // older version left was drained (counting again is harmless).
  await migrateOnce(deps.db, 'donor-geography-counted-by-webhook-batches', async () => {
    for await (const gifts of donations.consentingGifts())
      await countDonorGeography(
        geographyDeps,
        gifts.flatMap((gift) => donorOfGift(gift) ?? []),
      );
  });

  const onCampaignEvent = campaignEventsHandler({ campaigns, members, logger: deps.logger, now });
  const onDisbursementEvent = disbursementEventsHandler({
    donations,
    oneAtATime: flows.oneAtATime,
    logger: deps.logger,
  });
  const limit = (
    name: string,
    spec: DonationConfig['RATE_LIMIT_DONATIONS_PER_ADDRESS'],
    description: string,
    key: Parameters<typeof rateLimit>[0]['key'],
  ) => rateLimit({ name, spec, description, key, counters: deps.rateLimits.counters, logger: deps.logger });
  const perAddress = limit(
    'donations-per-address',
    config.RATE_LIMIT_DONATIONS_PER_ADDRESS,
    'donations started from this address',
    clientAddress,
  );
  // Counted after the address limit, so an address already refused cannot use up a campaign's budget.
  const perCampaign = limit(
    'donations-per-campaign',
    config.RATE_LIMIT_DONATIONS_PER_CAMPAIGN,
    'donations started for this campaign',
    (request) => {
      const campaignId = (request.body as { campaignId?: unknown } | undefined)?.campaignId;
      return typeof campaignId === 'string' && campaignId.length <= 64 ? campaignId : undefined;
    },
  );
  const receiptLookups = limit(
    'receipt-lookups-per-address',
    config.RATE_LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS,
    'receipt code lookups from this address',
    clientAddress,
  );
  const app = createHttpApp({
    serviceName,
    description:
      'Donations to crisis campaigns: card payments and monthly gifts through Stripe, signed webhooks, refunds within the refund policy, and receipts only the donor can open.',
    logger: deps.logger,
    routes: [
      ...donationRoutes(flows, { create: [perAddress, perCampaign], receipt: [receiptLookups] }),
      ...webhookRoutes({
        payments: flows.payments,
        inbox,
        received: (event) => processor.received(event),
        logger: deps.logger,
        bodyLimit: config.WEBHOOK_BODY_LIMIT,
        rejected: createRejectedWebhooks(deps.db),
        now,
      }),
      ...campaignTotalsRoutes(flows),
    ],
    statusByCode,
    readiness: async () => ({ ...(await deps.ready()), stripeInbox: processor.backlog() < maxReadyBacklog }),
    trustProxy: deps.rateLimits.trustProxy,
    authenticationFailureLimits: deps.rateLimits.authenticationFailures,
  });
  return {
    app,
    inbox: processor,
    donations,
    // Gift events leave with their webhook batch (see batch-publisher.ts); only geography releases use the relay.
    outboxSources: [{ name: 'donor-geography', model: geography.model }],
    metrics: (registry) => giftMetrics.register(registry, () => processor.backlog()),
    consumers: [
      {
        groupId: 'donation',
        topics: [topics.campaign, topics.disbursement],
        // The bus validated each event against its topic's schema; allocations bound what may be refunded.
        handle: (event, message) =>
          message.topic === topics.disbursement
            ? onDisbursementEvent(event as DisbursementEvent)
            : onCampaignEvent(event as CampaignEvent),
      },
    ],
    stop: async () => {
      await webhooks.stop();
      await sender?.stop();
      mailer?.close();
    },
  };
}
