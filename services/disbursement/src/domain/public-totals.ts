import type { FundsBalances } from './funds.ts';

/**
 * A campaign's figures as the public ledger defines them, so its reconciliation can compare like with like.
 *
 * The account counts in `refunded` only the refunded money that came off what it holds; refunded money a
 * disbursement had already taken is kept apart as `refundShortfall` (gift-position.ts), because the aid it paid
 * for is not clawed back. The donor got all of it back all the same, and the ledger counts every refund in full
 * (refunds net of failed refunds), with net = raised - fees - refunded. So here refunded is the account's
 * refunded plus its shortfall, net is lower by the shortfall, and the shortfall is shown beside them. The
 * campaign's unallocated money pays a shortfall first, so allocated exceeds this net only by the account's
 * `overAllocated`, what nothing could cover.
 */
export type PublicTotals = Omit<FundsBalances, 'available' | 'overAllocated'>;

export function publicTotals(funds: FundsBalances): PublicTotals {
  const refunded = funds.refunded + funds.refundShortfall;
  return {
    raised: funds.raised,
    fees: funds.fees,
    refunded,
    net: funds.raised - funds.fees - refunded,
    allocated: funds.allocated,
    paidOut: funds.paidOut,
    refundShortfall: funds.refundShortfall,
  };
}
