import { newId, receiptCodeHash } from '@aid/contracts';
import { checkDonationAllowed, newPublicRef, type DonationInterval, type DonorContact } from '../domain/donation.ts';
import { newReceiptCode } from '../domain/receipt-code.ts';
import type { DonationFlows } from './dependencies.ts';

export interface DonationCommand {
  campaignId: string;
  amount: number;
  currency: string;
  donor: DonorContact;
  showName: boolean;
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  /** Monthly gifts are recorded as such, but for now each creates a one-off PaymentIntent; subscriptions come later. */
  interval: DonationInterval;
}

export interface RecordedDonation {
  donationId: string;
  clientSecret: string;
  receiptCode: string;
  status: 'pending';
}

/**
 * The donation is saved before Stripe is asked for a PaymentIntent, so a webhook always finds it. If Stripe
 * cannot be reached the donor gets a 503 and the donation stays pending without an intent: no money moved,
 * and the donor's retry makes a new donation.
 */
export async function recordDonation(flows: DonationFlows, command: DonationCommand): Promise<RecordedDonation> {
  const campaign = checkDonationAllowed(command, await flows.campaigns.find(command.campaignId), { maxAmount: flows.maxDonationAmount });
  const donationId = newId();
  const receiptCode = newReceiptCode();
  await flows.donations.insert({
    ...command,
    id: donationId,
    organizationId: campaign.organizationId,
    publicRef: newPublicRef(),
    receiptHash: receiptCodeHash(receiptCode),
    createdAt: flows.now(),
  });
  const intent = await flows.payments.createPaymentIntent({ donationId, amount: command.amount, currency: command.currency });
  await flows.oneAtATime(donationId, () => flows.donations.attachPaymentIntent(donationId, intent.paymentIntentId));
  return { donationId, clientSecret: intent.clientSecret, receiptCode, status: 'pending' };
}
