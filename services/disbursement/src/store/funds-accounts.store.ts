import type { ApplyOnce, ApplyOutcome } from '@aid/store';
import type { Connection } from 'mongoose';
import {
  canRefund,
  canReserve,
  emptyFunds,
  giftCredit,
  headroom,
  payout,
  refundDebit,
  release,
  reservation,
  reversalCredit,
  settle,
  type FundsBalances,
  type FundsDelta,
} from '../domain/funds.ts';
import { fundsAccountModel, type FundsAccountDocument } from './funds-account.model.ts';

export interface FundsAccount extends FundsBalances {
  campaignId: string;
  currency: string;
}

export type FundsAccountStore = ReturnType<typeof createFundsAccountStore>;

// Only a concurrent change of the same account (another instance outside the campaign lock) makes a guarded
// change read again; a few dozen rounds settle any realistic contention.
const settleAttempts = 20;

// The marks of finished approvals are dropped a batch at a time, so that finding which ones finished is one read
// every so many approvals rather than one each; until then they only take a few bytes on the account.
const marksBeforeCleanup = 16;

/** A gift's credit, applied once whether it came alone or in a group. */
const creditOperation = (gift: { donationId: string }) => `gift:${gift.donationId}`;

/** The stored balances that decide available and overAllocated (funds.ts, `headroom`). */
const decidingFields = ['net', 'refundShortfall', 'allocated'] as const;

/** Available and overAllocated as the other stored balances decide them (see `find`). */
function accountOf(doc: FundsAccountDocument): FundsAccount {
  const balances = Object.fromEntries(
    Object.keys(emptyFunds).map((key) => [key, doc[key as keyof FundsBalances] ?? 0]),
  ) as unknown as FundsBalances;
  return { campaignId: doc._id, currency: doc.currency, ...balances, ...headroom(balances) };
}

export function createFundsAccountStore(connection: Connection, applyOnce: ApplyOnce) {
  const model = fundsAccountModel(connection);

  /**
   * Balances not moved by the creating change start at zero in the same write: guards such as `paidOut <= x`
   * never match a missing field.
   */
  const balancesUpdate = (inc: FundsDelta, set: FundsDelta) => {
    const zeros = Object.fromEntries(
      Object.keys(emptyFunds)
        .filter((key) => !(key in inc) && !(key in set))
        .map((key) => [key, 0]),
    );
    return { $inc: inc, ...(Object.keys(set).length > 0 ? { $set: set } : {}), $setOnInsert: zeros };
  };
  const apply = (
    campaignId: string,
    operationId: string,
    inc: FundsDelta,
    set: FundsDelta,
    guard: Record<string, unknown>,
    upsert = false,
  ): Promise<ApplyOutcome> =>
    applyOnce.apply({
      model,
      documentId: campaignId,
      operationId,
      update: balancesUpdate(inc, set),
      guard,
      upsert,
    });

  /**
   * Available and overAllocated are read as the other balances decide them, never as stored: an account written
   * before they were derived this way is then still decided right, and its next change stores them right.
   */
  async function find(campaignId: string): Promise<FundsAccount | null> {
    const doc = await model.findById(campaignId).lean();
    return doc ? accountOf(doc) : null;
  }

  /** True when an earlier attempt of this operation already changed the account. */
  async function alreadyTaken(campaignId: string, operationId: string): Promise<boolean> {
    return (
      (await applyOnce.wasApplied(operationId)) ||
      (await model.exists({ _id: campaignId, pendingOps: operationId })) !== null
    );
  }

  /**
   * The balances as read guard a write that moves them, so a concurrent change makes it read and decide again. A
   * missing account is created by the write (and one created meanwhile makes it decide again); the currency
   * guard refuses a gift in another currency.
   */
  function readGuard(account: FundsAccount | null, create?: { currency: string }): Record<string, unknown> {
    return {
      ...(create ? { currency: create.currency } : {}),
      ...(account
        ? Object.fromEntries(decidingFields.map((key) => [key, account[key]]))
        : { net: { $exists: false } }),
    };
  }

  /**
   * One change of the balances, exactly once: the stored ones move by `delta`, and available and overAllocated
   * are set to what the result decides. The write is guarded by the deciding balances as read, so a concurrent
   * change makes it read and decide again; `allowed` is the business rule checked on what was read (a refused
   * change answers `refused`, unless an earlier attempt already made it).
   */
  async function change(
    campaignId: string,
    operationId: string,
    delta: FundsDelta,
    options: {
      allowed?: (funds: FundsBalances) => boolean;
      guard?: (funds: FundsBalances) => Record<string, unknown>;
      create?: { currency: string };
    } = {},
  ): Promise<ApplyOutcome> {
    for (let attempt = 0; attempt < settleAttempts; attempt += 1) {
      const account = await find(campaignId);
      if (!account && !options.create) throw new Error(`campaign ${campaignId} has no funds account`);
      const seen = account ?? { ...emptyFunds };
      if (options.allowed && !options.allowed(seen)) {
        if (!(await alreadyTaken(campaignId, operationId))) return 'refused';
      }
      const next = settle(seen, delta);
      const set = { available: next.available, overAllocated: next.overAllocated };
      const guard = { ...readGuard(account, options.create), ...options.guard?.(seen) };
      const outcome = await apply(campaignId, operationId, delta, set, guard, options.create !== undefined);
      if (outcome !== 'refused') return outcome;
      if (options.create && account && account.currency !== options.create.currency) return 'refused';
    }
    throw new Error(`funds account ${campaignId} kept changing under ${operationId}; it will be retried`);
  }

  return {
    model,
    find,

    /**
     * Creates the account on the first gift (gifts may arrive before the campaign's events). The currency is an
     * equality guard, so the upsert writes it on creation and a gift in another currency is refused, never summed.
     */
    credit(gift: {
      campaignId: string;
      donationId: string;
      currency: string;
      amount: number;
      fee: number;
      net: number;
    }): Promise<ApplyOutcome> {
      return change(gift.campaignId, creditOperation(gift), giftCredit(gift), {
        create: { currency: gift.currency },
      });
    },

    /**
     * Credits a group of gifts of one campaign in one write, each exactly once (its operation is `gift:<id>`, as
     * with `credit`, so a gift credited either way is never credited again): gifts already recorded are skipped,
     * gifts left pending by a crash are finished one by one by `credit`, and the rest move the balances by their
     * sum under the same guards. Answers each gift's outcome by donation id.
     */
    async creditMany(
      currency: string,
      gifts: readonly { campaignId: string; donationId: string; amount: number; fee: number; net: number }[],
    ): Promise<Map<string, ApplyOutcome>> {
      const campaignId = gifts[0]?.campaignId;
      if (campaignId === undefined) return new Map();
      if (gifts.some((gift) => gift.campaignId !== campaignId))
        throw new Error('gifts credited together must belong to one campaign');
      const byOperation = await applyOnce.applyEach({
        model,
        documentId: campaignId,
        items: gifts,
        operationOf: creditOperation,
        decide: (doc, fresh) => {
          const account = doc ? accountOf(doc) : null;
          if (account && account.currency !== currency) return null;
          const total = (field: 'amount' | 'fee' | 'net') =>
            fresh.reduce((sum, gift) => sum + gift[field], 0);
          // The group moves the balances as one gift of its sums would.
          const delta = giftCredit({ amount: total('amount'), fee: total('fee'), net: total('net') });
          const next = settle(account ?? { ...emptyFunds }, delta);
          return {
            update: balancesUpdate(delta, { available: next.available, overAllocated: next.overAllocated }),
            guard: readGuard(account, { currency }),
            upsert: true,
          };
        },
        alone: (gift) => this.credit({ ...gift, currency }),
      });
      return new Map(
        gifts.map((gift) => [gift.donationId, byOperation.get(creditOperation(gift)) ?? 'refused']),
      );
    },

    debitRefund(
      campaignId: string,
      refundId: string,
      split: { applied: number; shortfall: number },
    ): Promise<ApplyOutcome> {
      return change(campaignId, `refund:${refundId}`, refundDebit(split), {
        allowed: (funds) => canRefund(funds, split.applied),
      });
    },

    creditReversal(
      campaignId: string,
      refundId: string,
      split: { restored: number; cleared: number },
    ): Promise<ApplyOutcome> {
      return change(campaignId, `refund-reversal:${refundId}`, reversalCredit(split));
    },

    /**
     * The one guard that keeps concurrent approvals from spending the same money, in one write: guarded by the
     * deciding balances as read, it moves them and names the disbursement in `reservations`, its exactly-once mark
     * (an approval resumed after a crash finds it and does not reserve again). Once the account names
     * `marksBeforeCleanup` approvals, the same write drops the marks of those that have finished, which `finished`
     * picks out of the ids it is given: a finished approval never reserves again. A `resuming` approval also looks for a reservation made through the
     * operation log, as this store did before.
     */
    async reserve(
      campaignId: string,
      disbursementId: string,
      amount: number,
      options: { resuming?: boolean; finished?: (ids: string[]) => Promise<string[]> } = {},
    ): Promise<ApplyOutcome> {
      const mark = `reservations.${disbursementId}`;
      if (options.resuming && (await alreadyTaken(campaignId, `reserve:${disbursementId}`)))
        return 'duplicate';
      for (let attempt = 0; attempt < settleAttempts; attempt += 1) {
        const doc = await model.findById(campaignId).lean();
        if (!doc) throw new Error(`campaign ${campaignId} has no funds account`);
        const marked = Object.keys(doc.reservations ?? {});
        if (marked.includes(disbursementId)) return 'duplicate';
        const account = accountOf(doc);
        if (!canReserve(account, amount)) return 'refused';
        const done =
          marked.length >= marksBeforeCleanup && options.finished ? await options.finished(marked) : [];
        const next = settle(account, reservation(amount));
        const result = await model.updateOne(
          {
            _id: campaignId,
            [mark]: { $exists: false },
            ...Object.fromEntries(decidingFields.map((key) => [key, account[key]])),
          },
          {
            $inc: reservation(amount),
            $set: { available: next.available, overAllocated: next.overAllocated, [mark]: amount },
            ...(done.length > 0
              ? { $unset: Object.fromEntries(done.map((id) => [`reservations.${id}`, ''])) }
              : {}),
          },
        );
        if (result.modifiedCount === 1) return 'applied';
      }
      throw new Error(
        `funds account ${campaignId} kept changing under reserve:${disbursementId}; it will be retried`,
      );
    },

    /**
     * Undoes `reserve` for a cancelled approval, exactly once, less what its slices `covered` of refund shortfalls
     * (see `release`). The guard on allocated as read makes `allocated - amount >= paidOut` a guard on paidOut.
     */
    release(campaignId: string, disbursementId: string, amount: number, covered = 0): Promise<ApplyOutcome> {
      return change(campaignId, `release:${disbursementId}`, release(amount, covered), {
        allowed: (funds) => funds.allocated - amount >= funds.paidOut,
        guard: (funds) => ({ paidOut: { $lte: funds.allocated - amount } }),
      });
    },

    /**
     * `paidOut + amount <= allocated` without `$expr`: allocated only ever grows, so a guard on the value read
     * (allocated >= seen, paidOut <= seen - amount) implies the invariant for whatever allocated is at write time.
     * A payout moves neither available nor overAllocated.
     */
    async payOut(campaignId: string, disbursementId: string, amount: number): Promise<ApplyOutcome> {
      const seen = (await find(campaignId))?.allocated ?? 0;
      return apply(
        campaignId,
        `payout:${disbursementId}`,
        payout(amount),
        {},
        { allocated: { $gte: seen }, paidOut: { $lte: seen - amount } },
      );
    },
  };
}
