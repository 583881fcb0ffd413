import { receiptMail } from '../email/receipt-mail.ts';
import type { Mailer } from '@aid/runtime';
import type { OwedReceipt, ReceiptMailStore } from '../store/receipt-mail.store.ts';
import type { DonationFlows } from './dependencies.ts';

/** Attempts before a receipt is given up; with the backoff below that spans about a day and a half. */
export const maxReceiptAttempts = 12;

/** With the default 30 s: 30 s, 1 min, 2 min, ... capped at 6 h; a mail server outage of hours still gets every receipt out. */
export const receiptBackoffMs = (attempts: number, firstMs: number) =>
  Math.min(firstMs * 2 ** (attempts - 1), 6 * 3_600_000);

const messageIdHeader = (messageId: string) => `<${messageId.replace(':', '.')}@receipts.diaspora-aid.org>`;

/**
 * Sends one owed receipt: the address is read from the gift (an installment's from its plan) at sending time,
 * so erased personal data is never used. It is taken first, so one sender sends it; every attempt carries the
 * same Message-ID. A failure is recorded
 * with the next attempt's time; after `maxReceiptAttempts` the receipt is dropped and logged, without the address.
 */
export async function sendOwedReceipt(
  flows: DonationFlows,
  deps: { mailer: Mailer; receipts: ReceiptMailStore; traceUrl?: string },
  owed: OwedReceipt,
): Promise<'sent' | 'failed' | 'dropped' | 'taken'> {
  // Another instance's sender may have found it due too: only the one that takes it sends.
  if (!(await deps.receipts.claim(owed.messageId, flows.now()))) return 'taken';
  const gift = await flows.donations.find(owed.donationId);
  const plan = gift?.parentId ? await flows.donations.find(gift.parentId) : null;
  const donor = gift?.donor ?? plan?.donor ?? null;
  if (!gift || !donor || gift.erasedAt || plan?.erasedAt) {
    await deps.receipts.dropped(
      owed.messageId,
      'no address: the gift is unknown or its personal data was erased',
    );
    return 'dropped';
  }
  const mail = receiptMail({
    to: donor.email,
    name: donor.name,
    donationId: gift.id,
    publicRef: gift.publicRef,
    amount: gift.amount,
    currency: gift.currency,
    interval: gift.interval,
    paidAt: gift.succeededAt ?? gift.createdAt,
    // An installment's contact, language included, is its plan's.
    locale: plan?.locale ?? gift.locale,
    ...(deps.traceUrl ? { traceUrl: deps.traceUrl } : {}),
    // Gifts made before codes were sealed with the contact have none to send.
    ...(donor.receiptCode ? { receiptCode: donor.receiptCode } : {}),
  });
  try {
    await deps.mailer.send({ ...mail, messageId: messageIdHeader(owed.messageId) });
  } catch (error) {
    const attempts = owed.attempts + 1;
    const reason = error instanceof Error ? error.message : String(error);
    if (attempts >= maxReceiptAttempts) {
      flows.logger.error({ donationId: gift.id, attempts, error: reason }, 'receipt email given up');
      await deps.receipts.dropped(owed.messageId, `failed ${attempts} times: ${reason}`);
      return 'dropped';
    }
    flows.logger.warn(
      { donationId: gift.id, attempts, error: reason },
      'receipt email not sent; it will be tried again',
    );
    await deps.receipts.failed(
      owed.messageId,
      attempts,
      new Date(flows.now().getTime() + receiptBackoffMs(attempts, flows.receiptRetryMs)),
      reason,
    );
    return 'failed';
  }
  await deps.receipts.sent(owed.messageId, flows.now());
  return 'sent';
}
