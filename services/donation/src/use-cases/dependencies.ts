import type { KeyObject } from 'node:crypto';
import type { MemberProjection } from '@aid/access';
import type { Mailer, ServiceDeps } from '@aid/runtime';
import type { Logger } from '@aid/telemetry';
import type { PaymentGateway } from '../stripe/stripe-gateway.ts';
import type { DonorKeyOf } from '../domain/donor-geography.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import type { CampaignTotalsStore } from '../store/campaign-totals.store.ts';
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
  totals: CampaignTotalsStore;
  payments: PaymentGateway;
  /** Null when `SMTP_URL` is not set: no receipts are emailed. */
  mailer: Mailer | null;
  logger: Logger;
  tracer: ServiceDeps['tracer'];
  now(): Date;
  /**
   * Serializes changes to one donation within this process, so this instance's own writers (a webhook batch, a
   * refund request) do not make each other decide again. Correctness does not rest on it: every change is a
   * single-document write guarded by the revision it was decided from (atomic on MongoDB and the project's
   * patched FerretDB), which is what keeps several instances apart.
   */
  oneAtATime: OneAtATime;
  maxDonationAmount: number;
  /** The private per-campaign donor key (see donor-geography.ts). */
  donorKeyOf: DonorKeyOf;
  /** First wait before resending a refused receipt email; doubles with each attempt. */
  receiptRetryMs: number;
}
