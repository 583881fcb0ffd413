import type { DonationFlows } from './dependencies.ts';
import { donationForReceipt } from './view-donation.ts';

/**
 * Forgets the donor's name, email and countries on every gift of this receipt code (a monthly plan and its installments).
 * Amounts, the public reference and the receipt hash stay, so the public ledger and its proofs are untouched and
 * the donor can still trace the gift with their code. Repeating it changes nothing. Stripe keeps the email it
 * was given for a monthly plan's customer until the plan is canceled and the customer deleted there.
 */
export async function erasePersonalData(
  flows: DonationFlows,
  donationId: string,
  presentedCode: string | undefined,
): Promise<void> {
  const donation = await donationForReceipt(flows, donationId, presentedCode);
  await flows.donations.erasePersonalData(donation.receiptHash, flows.now());
}
