import { memberOfCredential } from '@aid/access';
import { giftNotFoundForOrganization, notOrganizationAdmin, unknownApiKey } from '../domain/errors.ts';
import { decideRefundRequest } from '../domain/gift-money.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import { answerOnce } from './answer-once.ts';
import type { DonationFlows } from './dependencies.ts';

export interface RefundCommand {
  donationId: string;
  /** An API key or a person's session token, as sent in Authorization: Bearer. */
  credential: string;
  amount: number | undefined;
  /** The currency `amount` was typed in, when the caller says: it must be the gift's. */
  currency?: string | undefined;
  reason: string | undefined;
}

export interface RefundRequested {
  donationId: string;
  refundId: string;
  amount: number;
  currency: string;
  status: 'pending';
}

/**
 * An organization admin gives money back to a donor, within the refund policy (gift-money.ts). Stripe is asked
 * first, with an idempotency key derived from the gift's refund count and amount, so a retry after a failed save
 * finds the same Stripe refund instead of making a second one. The refund is kept as pending: money and public
 * totals change only when `charge.refunded` arrives.
 */
export async function requestRefund(
  flows: DonationFlows,
  command: RefundCommand,
  idempotencyKey?: string,
): Promise<RefundRequested> {
  if (idempotencyKey === undefined) return refund(flows, command);
  // A second press of the console's refund button, or a retry after a lost answer, must not refund twice: a
  // new refund would count as another and get its own Stripe idempotency key.
  return answerOnce(
    flows,
    {
      scope: `refund-idempotency:${command.donationId}`,
      key: idempotencyKey,
      request: {
        amount: command.amount ?? null,
        currency: command.currency ?? null,
        reason: command.reason ?? null,
      },
    },
    () => refund(flows, command),
  );
}

async function refund(flows: DonationFlows, command: RefundCommand): Promise<RefundRequested> {
  const member = await memberOfCredential(flows.members, command.credential, flows.sessionKey);
  if (!member) throw unknownApiKey();
  if (member.role !== 'admin') throw notOrganizationAdmin();
  return changeDonation(flows, command.donationId, async () => {
    const donation = await flows.donations.find(command.donationId);
    // Another organization's gift gets the same answer as an unknown id.
    if (!donation || donation.organizationId !== member.organizationId) throw giftNotFoundForOrganization();
    const amount = decideRefundRequest(donation, command.amount, command.currency);
    const paymentIntentId = donation.paymentIntentId ?? '';
    const { refundId } = await flows.payments.createRefund({
      donationId: donation.id,
      paymentIntentId,
      amount,
      idempotencyKey: `refund-${donation.id}-${donation.refunds.length}-${amount}`,
    });
    const written = await flows.donations.addPendingRefund(donation.id, donation.revision, {
      refundId,
      amount,
      status: 'pending',
      reason: command.reason ?? null,
      requestedBy: member.memberId,
      at: flows.now(),
    });
    if (!written) return lostRace;
    flows.logger.info(
      { donationId: donation.id, refundId, amount, memberId: member.memberId },
      'refund requested',
    );
    return {
      donationId: donation.id,
      refundId,
      amount,
      currency: donation.currency,
      status: 'pending' as const,
    };
  });
}
