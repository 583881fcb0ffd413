import { topics, type CampaignEvent, type DisbursementEvent } from '@aid/contracts';
import { createHttpApp } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import type { DonationConfig } from './config.ts';
import { smtpMailer } from './email/mailer.ts';
import { campaignEventsHandler } from './events/campaign-events.consumer.ts';
import { disbursementEventsHandler } from './events/disbursement-events.consumer.ts';
import { donationRoutes } from './http/donation.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { webhookRoutes } from './http/webhook.routes.ts';
import { createCampaignStore } from './store/campaign.store.ts';
import { createDonationStore } from './store/donation.store.ts';
import { createDonorCipher } from './store/donor-cipher.ts';
import { createIdempotencyKeyStore } from './store/idempotency-key.store.ts';
import { createMemberStore } from './store/member.store.ts';
import { stripeClient, stripeGateway } from './stripe/stripe-gateway.ts';
import type { DonationFlows } from './use-cases/dependencies.ts';
import { oneAtATime } from './use-cases/one-at-a-time.ts';

export const serviceName = 'donation';

export function buildApp(deps: ServiceDeps, config: DonationConfig): ServiceParts {
  const now = () => new Date();
  const cipher = createDonorCipher(config.DONOR_DATA_KEY);
  const donations = createDonationStore(deps.db, cipher);
  const campaigns = createCampaignStore(deps.db);
  const members = createMemberStore(deps.db);
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.RECEIPT_FROM) : null;
  const flows: DonationFlows = {
    donations,
    campaigns,
    members,
    idempotencyKeys: createIdempotencyKeyStore(deps.db, cipher),
    payments: stripeGateway(stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE), config.STRIPE_WEBHOOK_SECRET),
    mailer,
    logger: deps.logger,
    now,
    outboxQueued: () => deps.outboxQueued(),
    oneAtATime: oneAtATime(),
    maxDonationAmount: config.MAX_DONATION_AMOUNT,
  };
  const onCampaignEvent = campaignEventsHandler({ campaigns, members, logger: deps.logger, now });
  const onDisbursementEvent = disbursementEventsHandler({ donations, oneAtATime: flows.oneAtATime, logger: deps.logger });
  const app = createHttpApp({
    serviceName,
    description: 'Donations to crisis campaigns: card payments and monthly gifts through Stripe, signed webhooks, refunds within the refund policy, and receipts only the donor can open.',
    logger: deps.logger,
    tracer: deps.tracer,
    routes: [...donationRoutes(flows), ...webhookRoutes(flows)],
    statusByCode,
    readiness: () => deps.ready(),
  });
  return {
    app,
    outboxSources: [{ name: 'donations', model: donations.model }],
    consumers: [
      {
        groupId: 'donation',
        topics: [topics.campaign, topics.disbursement],
        // The bus validated each event against its topic's schema; allocations bound what may be refunded.
        handle: (event, message) =>
          message.topic === topics.disbursement ? onDisbursementEvent(event as DisbursementEvent) : onCampaignEvent(event as CampaignEvent),
      },
    ],
    stop: () => {
      mailer?.close();
      return Promise.resolve();
    },
  };
}
