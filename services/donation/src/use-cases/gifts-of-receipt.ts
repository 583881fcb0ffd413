import { receiptCodeHash } from '@aid/contracts';
import type { Donation } from '../domain/donation.ts';
import { donationNotFound } from '../domain/errors.ts';
import { canonicalReceiptCode } from '../domain/receipt-code.ts';
import type { DonationFlows } from './dependencies.ts';

/**
 * Every gift given under one receipt code, the plan first and then its months, oldest first: a one-off gift alone, or a monthly plan and its
 * installments. What a donor holding only their code (not the gift's id) needs to see and stop a monthly gift.
 * Any other caller learns nothing, not even whether such gifts exist.
 */
export async function giftsOfReceipt(
  flows: DonationFlows,
  presentedCode: string | undefined,
): Promise<Donation[]> {
  const receiptCode = canonicalReceiptCode(presentedCode ?? '');
  if (!receiptCode) throw donationNotFound();
  const gifts = await flows.donations.findByReceiptHash(receiptCodeHash(receiptCode));
  if (gifts.length === 0) throw donationNotFound();
  // The plan (or the one-off gift) first, then its months, oldest first.
  return [...gifts].sort(
    (a, b) =>
      Number(a.parentId !== null) - Number(b.parentId !== null) ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  );
}
