import { timingSafeEqual } from 'node:crypto';
import { receiptCodeHash } from '@aid/contracts';
import type { Donation } from '../domain/donation.ts';
import { donationNotFound } from '../domain/errors.ts';
import { canonicalReceiptCode } from '../domain/receipt-code.ts';
import type { DonationFlows } from './dependencies.ts';

function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A donation for the holder of its receipt code; any other caller learns nothing, not even that it exists. */
export async function donationForReceipt(
  flows: DonationFlows,
  donationId: string,
  presentedCode: string | undefined,
): Promise<Donation & { receiptCode: string }> {
  const receiptCode = canonicalReceiptCode(presentedCode ?? '');
  if (!receiptCode) throw donationNotFound();
  const donation = await flows.donations.find(donationId);
  if (!donation || !sameHash(donation.receiptHash, receiptCodeHash(receiptCode))) throw donationNotFound();
  return { ...donation, receiptCode };
}

export interface DonationView {
  donation: Donation & { receiptCode: string };
  /** Everything given under the same receipt code: a monthly plan's installments (or the plan and its other months). */
  related: Donation[];
}

/** The donation and its siblings under one receipt code; installments show their plan's contact details. */
export async function viewDonation(
  flows: DonationFlows,
  donationId: string,
  presentedCode: string | undefined,
): Promise<DonationView> {
  const donation = await donationForReceipt(flows, donationId, presentedCode);
  const related =
    donation.interval === 'month'
      ? (await flows.donations.findByReceiptHash(donation.receiptHash)).filter(
          (other) => other.id !== donation.id,
        )
      : [];
  const plan = donation.parentId ? related.find((other) => other.id === donation.parentId) : undefined;
  return { donation: plan && !donation.donor ? { ...donation, donor: plan.donor } : donation, related };
}
