import type { KeyObject } from 'node:crypto';
import type { MemberProjection } from '@aid/access';
import type { Logger } from '@aid/telemetry';
import type { CampaignLocks } from '../store/campaign-locks.store.ts';
import type { CampaignStore } from '../store/campaigns.store.ts';
import type { ConnectPayouts } from '../payouts/stripe-connect.ts';
import type { DisbursementStore } from '../store/disbursements.store.ts';
import type { EvidenceStore } from '../store/evidence.store.ts';
import type { FundsAccountStore } from '../store/funds-accounts.store.ts';
import type { GiftStore } from '../store/gifts.store.ts';
import type { IdempotencyKeyStore } from '../store/idempotency-keys.store.ts';

/** What the use cases work with; the clock and id generator are passed in like everything else. */
export interface UseCaseContext {
  /** Checks people's session tokens; without it only API keys are taken. */
  sessionKey?: KeyObject | undefined;
  campaigns: CampaignStore;
  members: MemberProjection;
  funds: FundsAccountStore;
  gifts: GiftStore;
  disbursements: DisbursementStore;
  evidence: EvidenceStore;
  idempotencyKeys: IdempotencyKeyStore;
  evidenceLimitBytes: number;
  /** Null when Stripe is not configured: only manual payouts are offered then. */
  connectPayouts: ConnectPayouts | null;
  /** Every write that moves a campaign's money or a disbursement's status runs under its campaign's lock. */
  locks: CampaignLocks;
  logger: Logger;
  now(): Date;
  newId(): string;
  outboxQueued(): void;
}
