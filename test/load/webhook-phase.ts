import { paymentSucceededPayload, signStripeWebhook } from '@aid/test-kit';
import { giftAmount, giftFee } from './donations.ts';
import type { LedgerWatcher } from './ledger-watcher.ts';
import { perSecond, sleep } from './stats.ts';
import { sendOnSchedule, type SendPlan } from '@aid/test-kit/webhook-schedule';

/** How long after the last acknowledgment the last gift may appear in the entries for the stack to keep up. */
export const keepUpLagMs = 2_000;

export interface WebhookPhase {
  offered: number;
  offeredPerSecond: number;
  /** Donation ids whose webhook was answered 200. */
  acknowledged: string[];
  acknowledgedPerSecond: number;
  ackLatencies: number[];
  /** Acknowledgment → first seen in the ledger's public entries, per visible gift. */
  ackToVisible: number[];
  /** The same path split where the donation service hands over: acknowledgment → its donation.succeeded on Kafka. */
  ackToPublished: number[];
  /** … and that event on Kafka → first seen in the public entries (the ledger's share, polling included). */
  publishedToVisible: number[];
  visible: number;
  /** Acknowledged but not in the entries when the drain ended: late or lost. */
  notVisible: number;
  /** First webhook sent → last acknowledged gift visible. */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  /** The last gift's lag behind the last acknowledgment. */
  drainMs: number;
  behind: number;
  errors: Map<string, number>;
  keepsUp: boolean;
}

/**
 * Stripe's `payment_intent.succeeded` for each donation, with its charge's balance transaction, signed now:
 * signing is Stripe's work, so it is done before the clock starts (a signature stays valid for 300 s).
 */
export function signWebhooks(donationIds: string[], secret: string): SendPlan['signed'] {
  return donationIds.map((donationId) => {
    const body = paymentSucceededPayload({ donationId, amount: giftAmount, currency: 'USD', fee: giftFee });
    return { body, signature: signStripeWebhook(body, secret) };
  });
}

/**
 * Offers the signed webhooks at `rate` per second (open loop, from a worker thread), then waits up to
 * `drainSeconds` for every acknowledged gift to appear in the ledger's public entries.
 */
export async function runWebhookPhase(options: {
  webhookUrl: string;
  donationIds: string[];
  signed: SendPlan['signed'];
  rate: number;
  maxInFlight: number;
  drainSeconds: number;
  watcher: LedgerWatcher;
}): Promise<WebhookPhase> {
  const { donationIds, watcher } = options;
  const sent = await sendOnSchedule({
    url: options.webhookUrl,
    signed: options.signed,
    rate: options.rate,
    maxInFlight: options.maxInFlight,
  });
  // The worker's clock is epoch milliseconds; the watcher's is this thread's performance clock.
  const local = (epochMs: number) => epochMs - performance.timeOrigin;
  const errors = new Map<string, number>();
  const acked: { donationId: string; sentAt: number; ackedAt: number }[] = [];
  for (const { index, sentAt, answeredAt, status } of sent.answers) {
    const donationId = donationIds[index];
    if (status === 200 && donationId)
      acked.push({ donationId, sentAt: local(sentAt), ackedAt: local(answeredAt) });
    else errors.set(String(status), (errors.get(String(status)) ?? 0) + 1);
  }
  const firstSent = Math.min(...sent.answers.map(({ sentAt }) => local(sentAt)));
  const lastAnswered = Math.max(...sent.answers.map(({ answeredAt }) => local(answeredAt)));

  const drainUntil = performance.now() + options.drainSeconds * 1000;
  const missing = () => acked.filter(({ donationId }) => !watcher.arrivals.has(donationId)).length;
  while (missing() > 0 && performance.now() < drainUntil) await sleep(50);

  const visibleAt = acked.flatMap(({ donationId, ackedAt }) => {
    const at = watcher.arrivals.get(donationId);
    return at === undefined ? [] : [{ at, ackedAt }];
  });
  const split = acked.flatMap(({ donationId, ackedAt }) => {
    const at = watcher.arrivals.get(donationId);
    const published = watcher.published.get(donationId);
    return at === undefined || published === undefined ? [] : [{ at, published, ackedAt }];
  });
  const lastVisible = Math.max(...visibleAt.map(({ at }) => at));
  const lastAcked = Math.max(...acked.map(({ ackedAt }) => ackedAt));
  const endToEndSeconds = (lastVisible - firstSent) / 1000;
  const notVisible = acked.length - visibleAt.length;
  const drainMs = lastVisible - lastAcked;
  return {
    offered: options.signed.length,
    offeredPerSecond: options.rate,
    acknowledged: acked.map(({ donationId }) => donationId),
    acknowledgedPerSecond: perSecond(acked.length, (lastAnswered - firstSent) / 1000),
    ackLatencies: sent.answers.map(({ sentAt, answeredAt }) => answeredAt - sentAt),
    ackToVisible: visibleAt.map(({ at, ackedAt }) => at - ackedAt),
    ackToPublished: split.map(({ published, ackedAt }) => published - ackedAt),
    publishedToVisible: split.map(({ at, published }) => at - published),
    visible: visibleAt.length,
    notVisible,
    endToEndSeconds,
    endToEndPerSecond: perSecond(visibleAt.length, endToEndSeconds),
    drainMs,
    behind: sent.behind,
    errors,
    keepsUp:
      acked.length === options.signed.length &&
      sent.behind === 0 &&
      notVisible === 0 &&
      drainMs <= keepUpLagMs,
  };
}
