import { notAMonthlyGift } from '../domain/errors.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import type { DonationFlows } from './dependencies.ts';
import { donationForReceipt } from './view-donation.ts';

/**
 * The donor stops a monthly gift with its receipt code (on the plan or any of its installments). Gifts already
 * paid stay; canceling twice answers the same.
 */
export async function cancelMonthlyGift(
  flows: DonationFlows,
  donationId: string,
  presentedCode: string | undefined,
): Promise<{ donationId: string; subscriptionStatus: 'canceled' }> {
  const presented = await donationForReceipt(flows, donationId, presentedCode);
  const planId = presented.parentId ?? presented.id;
  return changeDonation(flows, planId, async () => {
    const plan = await flows.donations.find(planId);
    if (!plan?.subscriptionId) throw notAMonthlyGift();
    if (plan.subscriptionStatus === 'canceled')
      return { donationId: plan.id, subscriptionStatus: 'canceled' as const };
    await flows.payments.cancelSubscription(plan.subscriptionId, plan.id);
    const written = await flows.donations.applyChange({
      donationId: plan.id,
      revision: plan.revision,
      set: { subscriptionStatus: 'canceled' },
    });
    if (!written) return lostRace;
    return { donationId: plan.id, subscriptionStatus: 'canceled' as const };
  });
}
