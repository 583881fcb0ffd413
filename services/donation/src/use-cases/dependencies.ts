import type { Logger } from '@aid/telemetry';
import type { PaymentGateway } from '../stripe/stripe-gateway.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import type { DonationStore } from '../store/donation.store.ts';

/** What the donation flows use; built once in app.ts. */
export interface DonationFlows {
  donations: DonationStore;
  campaigns: CampaignStore;
  payments: PaymentGateway;
  logger: Logger;
  now(): Date;
  outboxQueued(): void;
  maxDonationAmount: number;
}
