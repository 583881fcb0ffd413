import { newId, receiptCodeHash } from '@aid/contracts';
import type { Locale } from '@aid/i18n';
import {
  checkDonationAllowed,
  newPublicRef,
  type CampaignView,
  type DonationInterval,
  type DonorContact,
} from '../domain/donation.ts';
import { newReceiptCode } from '../domain/receipt-code.ts';
import type { NewDonationPayment } from '../store/donation.store.ts';
import { answerOnce } from './answer-once.ts';
import type { DonationFlows } from './dependencies.ts';

export interface DonationCommand {
  campaignId: string;
  amount: number;
  currency: string;
  donor: DonorContact;
  showName: boolean;
  /** Countries are given only with `geographyConsent` (the request schema sees to it). */
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  /** The language of the donor's receipts. */
  locale: Locale;
  geographyConsent: boolean;
  /** `month` makes a Stripe subscription; each paid invoice then becomes its own gift. */
  interval: DonationInterval;
}

export interface RecordedDonation {
  donationId: string;
  clientSecret: string;
  receiptCode: string;
  status: 'pending';
}

/**
 * Stripe is asked for a PaymentIntent (or a subscription) first, and the donation is saved with it in one write:
 * the donor pays with the client secret of this answer, which comes only after the write, so a webhook always
 * finds the donation. If Stripe cannot be reached the donor gets a 503 and nothing is recorded; an intent whose
 * donation failed to save is never paid, as no donor has its secret.
 */
async function createDonation(
  flows: DonationFlows,
  command: DonationCommand,
  { organizationId, currency: settlementCurrency }: CampaignView,
): Promise<RecordedDonation> {
  const donationId = newId();
  const receiptCode = newReceiptCode();
  const record = (payment: NewDonationPayment) =>
    flows.donations.insert(
      {
        ...command,
        donor: { ...command.donor, receiptCode },
        // Only a consenting donor is given a key: no one else is ever counted or recognisable across gifts.
        donorKey: command.geographyConsent ? flows.donorKeyOf(command.campaignId, command.donor.email) : null,
        settlementCurrency,
        id: donationId,
        organizationId,
        publicRef: newPublicRef(),
        receiptHash: receiptCodeHash(receiptCode),
        createdAt: flows.now(),
      },
      payment,
    );
  if (command.interval === 'month') {
    const plan = await flows.payments.createMonthlyPlan({
      donationId,
      amount: command.amount,
      currency: command.currency,
      settlementCurrency,
      email: command.donor.email,
    });
    await record({ customerId: plan.customerId, subscriptionId: plan.subscriptionId });
    return { donationId, clientSecret: plan.clientSecret, receiptCode, status: 'pending' };
  }
  const intent = await flows.payments.createPaymentIntent({
    donationId,
    amount: command.amount,
    currency: command.currency,
    settlementCurrency,
  });
  await record({ paymentIntentId: intent.paymentIntentId });
  return { donationId, clientSecret: intent.clientSecret, receiptCode, status: 'pending' };
}

/**
 * With an `Idempotency-Key`, the same key and body answer the first response again (same donation, secret and
 * receipt code), and the same key with another body is refused: a donor's double click or a retried request
 * after a lost answer never makes two donations. A request that fails gives its key back to its own retry.
 */
export async function recordDonation(
  flows: DonationFlows,
  command: DonationCommand,
  idempotencyKey?: string,
): Promise<RecordedDonation> {
  const campaign = checkDonationAllowed(command, await flows.campaigns.find(command.campaignId), {
    maxAmount: flows.maxDonationAmount,
  });
  if (idempotencyKey === undefined) return createDonation(flows, command, campaign);
  return answerOnce(flows, { scope: 'donation-idempotency', key: idempotencyKey, request: command }, () =>
    createDonation(flows, command, campaign),
  );
}
