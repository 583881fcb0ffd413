/** A gift as the allocation sees it: what is still unallocated, and its place in the queue. */
export interface AllocatableGift {
  donationId: string;
  succeededAt: Date;
  remaining: number;
}

export interface AllocationSlice {
  donationId: string;
  amount: number;
}

/** First in, first out: the gift that arrived first is spent first; ids break ties so the order is total. */
export function fifoOrder(
  left: Pick<AllocatableGift, 'donationId' | 'succeededAt'>,
  right: Pick<AllocatableGift, 'donationId' | 'succeededAt'>,
): number {
  const byTime = left.succeededAt.getTime() - right.succeededAt.getTime();
  if (byTime !== 0) return byTime;
  return left.donationId < right.donationId ? -1 : left.donationId > right.donationId ? 1 : 0;
}

/**
 * Which gifts pay for `amount`, oldest first, splitting the last one where needed. `unallocated` is what the
 * gifts could not cover (zero whenever the funds account reserved the amount, since gifts hold at least what
 * the account calls available).
 */
export function planAllocation(
  gifts: readonly AllocatableGift[],
  amount: number,
): { slices: AllocationSlice[]; unallocated: number } {
  const slices: AllocationSlice[] = [];
  let need = amount;
  for (const gift of [...gifts].sort(fifoOrder)) {
    if (need === 0) break;
    if (gift.remaining <= 0) continue;
    const slice = Math.min(gift.remaining, need);
    slices.push({ donationId: gift.donationId, amount: slice });
    need -= slice;
  }
  return { slices, unallocated: need };
}
