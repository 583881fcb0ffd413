import { topics } from '@aid/contracts';
import { outboxMessage } from '@aid/store';
import { newPublicRef, type Donation } from '../domain/donation.ts';
import { derivedEventId, donationSucceededEvent } from '../events/donation-events.ts';
import type { InvoicePaidNotice } from '../stripe/payment-notice.ts';
import type { DonationFlows } from './dependencies.ts';
import type { OutcomeResult } from './record-payment-outcome.ts';
import { sendReceipt } from './send-receipt.ts';

/**
 * Each paid invoice of a monthly plan becomes its own gift: a child donation whose id is derived from the invoice
 * id, so a redelivered or late `invoice.paid` finds the installment already there and announces nothing twice.
 * It shares the plan's receipt code (the donor sees every month with one code) and campaign; its public
 * reference is its own, so the public ledger does not link one donor's months together.
 *
 * The fee of an installment is recorded as 0: the invoice does not carry its charge's balance transaction, and
 * reading it takes a chain of lookups (invoice payments, PaymentIntent, charge) left for later.
 */
export async function recordInstallment(flows: DonationFlows, notice: InvoicePaidNotice): Promise<OutcomeResult> {
  const plan = (notice.subscriptionId ? await flows.donations.findBySubscriptionId(notice.subscriptionId) : null) ?? (notice.donationId ? await flows.donations.find(notice.donationId) : null);
  if (!plan || plan.interval !== 'month' || plan.parentId) {
    flows.logger.warn({ invoiceId: notice.invoiceId, subscriptionId: notice.subscriptionId }, 'paid invoice of no known monthly gift; ignored');
    return 'unknown-donation';
  }
  if (notice.amountPaid <= 0 || notice.currency !== plan.currency) {
    flows.logger.warn({ invoiceId: notice.invoiceId, donationId: plan.id, amountPaid: notice.amountPaid, currency: notice.currency }, 'paid invoice without a gift in the plan currency; ignored');
    return 'unchanged';
  }
  const installment: Donation = {
    ...plan,
    id: derivedEventId(`donation.installment:${notice.invoiceId}`, notice.paidAt),
    amount: notice.amountPaid,
    publicRef: newPublicRef(),
    status: 'succeeded',
    fee: 0,
    net: notice.amountPaid,
    createdAt: notice.paidAt,
    succeededAt: notice.paidAt,
    chargeId: null,
    parentId: plan.id,
    invoiceId: notice.invoiceId,
    subscriptionId: null,
  };
  const event = donationSucceededEvent(installment, { from: 'pending', to: 'succeeded', at: notice.paidAt, fee: 0, net: notice.amountPaid, chargeId: null });
  const inserted = await flows.donations.insertInstallment(
    {
      id: installment.id,
      campaignId: installment.campaignId,
      organizationId: installment.organizationId,
      amount: installment.amount,
      currency: installment.currency,
      interval: 'month',
      showName: installment.showName,
      countryOfResidence: installment.countryOfResidence,
      countryOfHeritage: installment.countryOfHeritage,
      publicRef: installment.publicRef,
      receiptHash: installment.receiptHash,
      status: 'succeeded',
      fee: 0,
      net: installment.amount,
      createdAt: notice.paidAt,
      succeededAt: notice.paidAt,
      chargeId: null,
      parentId: plan.id,
      invoiceId: notice.invoiceId,
      subscriptionId: null,
      stripeEventId: notice.stripeEventId,
    },
    [outboxMessage(topics.donation, event)],
  );
  if (!inserted) return 'unchanged';
  flows.outboxQueued();
  sendReceipt(flows, installment, plan.donor, notice.paidAt);
  return 'applied';
}
