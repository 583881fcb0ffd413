import type { KeyObject } from 'node:crypto';
import type { MemberProjection } from '@aid/access';
import type { Mailer, ServiceDeps } from '@aid/runtime';
import type { Logger } from '@aid/telemetry';
import type { PaymentGateway } from '../stripe/stripe-gateway.ts';
import type { DonorKeyOf } from '../domain/donor-geography.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import type { CampaignTotalsStore } from '../store/campaign-totals.store.ts';
import type { DonationJournal } from '../store/donation-journal.store.ts';
import type { DonationStore } from '../store/donation.store.ts';
import type { IdempotencyKeyStore } from '../store/idempotency-key.store.ts';
import type { OneAtATime } from '@aid/store';

/** What the donation flows use; built once in app.ts. */
export interface DonationFlows {
  donations: DonationStore;
  campaigns: CampaignStore;
  members: MemberProjection;
  /** Checks people's session tokens; without it only API keys are taken. */
  sessionKey?: KeyObject | undefined;
  idempotencyKeys: IdempotencyKeyStore;
  /** Batches of webhook changes, the commit point of the inbox processor. */
  journal: DonationJournal;
  totals: CampaignTotalsStore;
  payments: PaymentGateway;
  /** Null when `SMTP_URL` is not set: no receipts are emailed. */
  mailer: Mailer | null;
  logger: Logger;
  tracer: ServiceDeps['tracer'];
  now(): Date;
  /**
   * Serializes changes to one donation within this process. A webhook batch decides each donation's change
   * against the state the batch and the unfolded journal hold in this process, then commits several documents
   * (links, the journal); a change of the same donation decided in between would not see it. Not for the
   * database: its single-document writes are atomic (MongoDB, and the project's patched FerretDB).
   */
  oneAtATime: OneAtATime;
  maxDonationAmount: number;
  /** The private per-campaign donor key (see donor-geography.ts). */
  donorKeyOf: DonorKeyOf;
  /** First wait before resending a refused receipt email; doubles with each attempt. */
  receiptRetryMs: number;
}
