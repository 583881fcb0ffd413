import type { Logger } from '@aid/telemetry';
import type { PaymentGateway } from '../stripe/stripe-gateway.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import type { DonationStore } from '../store/donation.store.ts';
import type { OneAtATime } from './one-at-a-time.ts';

/** What the donation flows use; built once in app.ts. */
export interface DonationFlows {
  donations: DonationStore;
  campaigns: CampaignStore;
  payments: PaymentGateway;
  logger: Logger;
  now(): Date;
  outboxQueued(): void;
  /** Serializes changes to one donation within this process (see one-at-a-time.ts). */
  oneAtATime: OneAtATime;
  maxDonationAmount: number;
}
