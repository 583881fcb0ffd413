import { topics, type CampaignEvent } from '@aid/contracts';
import { createHttpApp } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import type { DonationConfig } from './config.ts';
import { campaignEventsHandler } from './events/campaign-events.consumer.ts';
import { donationRoutes } from './http/donation.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { webhookRoutes } from './http/webhook.routes.ts';
import { createCampaignStore } from './store/campaign.store.ts';
import { createDonationStore } from './store/donation.store.ts';
import { createDonorCipher } from './store/donor-cipher.ts';
import { createMemberStore } from './store/member.store.ts';
import { stripeClient, stripeGateway } from './stripe/stripe-gateway.ts';
import type { DonationFlows } from './use-cases/dependencies.ts';
import { oneAtATime } from './use-cases/one-at-a-time.ts';

export const serviceName = 'donation';

export function buildApp(deps: ServiceDeps, config: DonationConfig): ServiceParts {
  const now = () => new Date();
  const donations = createDonationStore(deps.db, createDonorCipher(config.DONOR_DATA_KEY));
  const campaigns = createCampaignStore(deps.db);
  const members = createMemberStore(deps.db);
  const flows: DonationFlows = {
    donations,
    campaigns,
    payments: stripeGateway(stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE), config.STRIPE_WEBHOOK_SECRET),
    logger: deps.logger,
    now,
    outboxQueued: () => deps.outboxQueued(),
    oneAtATime: oneAtATime(),
    maxDonationAmount: config.MAX_DONATION_AMOUNT,
  };
  const onCampaignEvent = campaignEventsHandler({ campaigns, members, logger: deps.logger, now });

  const app = createHttpApp({
    serviceName,
    description: 'Donations to crisis campaigns: card payments through Stripe, signed webhooks, and receipts only the donor can open.',
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
        topics: [topics.campaign],
        // Subscribed to the campaign topic only, and the bus validated the event against that topic's schema.
        handle: (event) => onCampaignEvent(event as CampaignEvent),
      },
    ],
  };
}
