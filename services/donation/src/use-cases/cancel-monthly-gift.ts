import { notAMonthlyGift } from '../domain/errors.ts';
import type { SubscriptionEndedNotice } from '../stripe/payment-notice.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import type { DonationFlows } from './dependencies.ts';
import type { OutcomeResult } from './record-payment-outcome.ts';
import { donationForReceipt } from './view-donation.ts';

/**
 * The donor stops a monthly gift with its receipt code (on the plan or any of its installments). Gifts already
 * paid stay; canceling twice answers the same.
 */
export async function cancelMonthlyGift(flows: DonationFlows, donationId: string, presentedCode: string | undefined): Promise<{ donationId: string; subscriptionStatus: 'canceled' }> {
  const presented = await donationForReceipt(flows, donationId, presentedCode);
  const planId = presented.parentId ?? presented.id;
  return changeDonation(flows, planId, async () => {
    const plan = await flows.donations.find(planId);
    if (!plan?.subscriptionId) throw notAMonthlyGift();
    if (plan.subscriptionStatus === 'canceled') return { donationId: plan.id, subscriptionStatus: 'canceled' as const };
    await flows.payments.cancelSubscription(plan.subscriptionId, plan.id);
    const written = await flows.donations.applyChange({ donationId: plan.id, revision: plan.revision, set: { subscriptionStatus: 'canceled' }, messages: [] });
    if (!written) return lostRace;
    return { donationId: plan.id, subscriptionStatus: 'canceled' as const };
  });
}

/** A plan Stripe ended on its own (payments kept failing, or canceled in the dashboard) stops here too. */
export async function recordSubscriptionEnded(flows: DonationFlows, notice: SubscriptionEndedNotice): Promise<OutcomeResult> {
  const found = (await flows.donations.findBySubscriptionId(notice.subscriptionId)) ?? (notice.donationId ? await flows.donations.find(notice.donationId) : null);
  if (!found?.subscriptionId) {
    flows.logger.warn({ subscriptionId: notice.subscriptionId }, 'ended subscription of no known monthly gift; ignored');
    return 'unknown-donation';
  }
  return changeDonation(flows, found.id, async () => {
    const plan = await flows.donations.find(found.id);
    if (!plan || plan.subscriptionStatus === 'canceled') return 'unchanged' as const;
    const written = await flows.donations.applyChange({ donationId: plan.id, revision: plan.revision, stripeEventId: notice.stripeEventId, set: { subscriptionStatus: 'canceled' }, messages: [] });
    return written ? ('applied' as const) : lostRace;
  });
}
