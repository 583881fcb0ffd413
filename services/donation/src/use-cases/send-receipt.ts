import type { Donation, DonorContact } from '../domain/donation.ts';
import { receiptMail } from '../email/receipt-mail.ts';
import type { DonationFlows } from './dependencies.ts';

/**
 * Emails the receipt of a gift that just succeeded, when SMTP is configured and the donor's address is still
 * held. Best effort after the gift is safely recorded: a mail server outage must not fail the webhook (Stripe
 * would redeliver an event that no longer changes anything), so a failure is logged, without the address.
 */
export function sendReceipt(flows: DonationFlows, gift: Donation, donor: DonorContact | null, paidAt: Date): void {
  const { mailer } = flows;
  if (!mailer || !donor) return;
  const mail = receiptMail({
    to: donor.email,
    name: donor.name,
    donationId: gift.id,
    publicRef: gift.publicRef,
    amount: gift.amount,
    currency: gift.currency,
    interval: gift.interval,
    paidAt,
  });
  mailer.send(mail).catch((error: unknown) => {
    flows.logger.warn({ donationId: gift.id, error: error instanceof Error ? error.message : String(error) }, 'receipt email not sent');
  });
}
