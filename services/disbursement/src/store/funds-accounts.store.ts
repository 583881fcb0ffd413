import type { ApplyOnce, ApplyOutcome } from '@aid/store';
import type { Connection } from 'mongoose';
import { emptyFunds, giftCredit, payout, refundDebit, release, reservation, reversalCredit, type FundsBalances, type FundsDelta } from '../domain/funds.ts';
import { fundsAccountModel } from './funds-account.model.ts';

export interface FundsAccount extends FundsBalances {
  campaignId: string;
  currency: string;
}

export type FundsAccountStore = ReturnType<typeof createFundsAccountStore>;

export function createFundsAccountStore(connection: Connection, applyOnce: ApplyOnce) {
  const model = fundsAccountModel(connection);

  /**
   * Balances not moved by the creating delta start at zero in the same write: guards such as `paidOut <= x`
   * never match a missing field.
   */
  const apply = (campaignId: string, operationId: string, delta: FundsDelta, guard: Record<string, unknown>, upsert = false): Promise<ApplyOutcome> => {
    const zeros = Object.fromEntries(Object.keys(emptyFunds).filter((key) => !(key in delta)).map((key) => [key, 0]));
    return applyOnce.apply({ model, documentId: campaignId, operationId, update: { $inc: delta, $setOnInsert: zeros }, guard, upsert });
  };

  async function find(campaignId: string): Promise<FundsAccount | null> {
    const doc = await model.findById(campaignId).lean();
    if (!doc) return null;
    const balances = Object.fromEntries(Object.keys(emptyFunds).map((key) => [key, doc[key as keyof FundsBalances] ?? 0])) as unknown as FundsBalances;
    return { campaignId: doc._id, currency: doc.currency, ...balances };
  }

  return {
    model,
    find,

    /**
     * Creates the account on the first gift (gifts may arrive before the campaign's events). The currency is an
     * equality guard, so the upsert writes it on creation and a gift in another currency is refused, never summed.
     */
    credit(gift: { campaignId: string; donationId: string; currency: string; amount: number; fee: number; net: number }): Promise<ApplyOutcome> {
      return apply(gift.campaignId, `gift:${gift.donationId}`, giftCredit(gift), { currency: gift.currency }, true);
    },

    debitRefund(campaignId: string, refundId: string, split: { applied: number; shortfall: number }): Promise<ApplyOutcome> {
      return apply(campaignId, `refund:${refundId}`, refundDebit(split), { available: { $gte: split.applied } });
    },

    /** Adds only to available, so nothing can refuse it. */
    creditReversal(campaignId: string, refundId: string, split: { restored: number; cleared: number }): Promise<ApplyOutcome> {
      return apply(campaignId, `refund-reversal:${refundId}`, reversalCredit(split), {});
    },

    /** The one guard that keeps concurrent approvals from spending the same money. */
    reserve(campaignId: string, disbursementId: string, amount: number): Promise<ApplyOutcome> {
      return apply(campaignId, `reserve:${disbursementId}`, reservation(amount), { available: { $gte: amount } });
    },

    /**
     * Undoes `reserve` for a cancelled approval, exactly once, less what its slices `covered` of refund shortfalls
     * (see `release`). `allocated - amount >= paidOut` without `$expr`: paidOut only grows, so guarding on the
     * value read (paidOut <= seen, allocated >= seen + amount) implies it.
     */
    async release(campaignId: string, disbursementId: string, amount: number, covered = 0): Promise<ApplyOutcome> {
      const seen = (await find(campaignId))?.paidOut ?? 0;
      return apply(campaignId, `release:${disbursementId}`, release(amount, covered), { paidOut: { $lte: seen }, allocated: { $gte: seen + amount } });
    },

    /**
     * `paidOut + amount <= allocated` without `$expr`: allocated only ever grows, so a guard on the value read
     * (allocated >= seen, paidOut <= seen - amount) implies the invariant for whatever allocated is at write time.
     */
    async payOut(campaignId: string, disbursementId: string, amount: number): Promise<ApplyOutcome> {
      const seen = (await find(campaignId))?.allocated ?? 0;
      return apply(campaignId, `payout:${disbursementId}`, payout(amount), { allocated: { $gte: seen }, paidOut: { $lte: seen - amount } });
    },
  };
}
