import { describe, expect, it } from 'vitest';
import { emptyTotals } from '../domain/summary.ts';
import type { CampaignLogState, PublicLeaf } from '../store/ledger-store.ts';
import { createPublicRecordCheck } from './public-record-check.ts';

// One campaign's record: a gift of net 2,400, then an allocation of 3,000 to it (a breach of the gift rule).
const record = [
  { kind: 'gift', donationId: 'g1', net: 2_400 },
  { kind: 'gift', donationId: 'g2', net: 10_000 },
  { kind: 'allocation', donationId: 'g1', amount: 3_000 },
].map((entry, index): PublicLeaf => ({ index, leaf: Buffer.from(JSON.stringify(entry)) }));

const head = (size: number): CampaignLogState => ({
  campaignId: 'c1',
  size,
  currency: 'USD',
  totals: { ...emptyTotals, raised: 12_400, allocated: size === 3 ? 3_000 : 0, gifts: 2 },
  presented: {},
});

/** A store whose reads take a while, so checks overlap as the timer's and a fresh one do. */
function slowStore() {
  return {
    allLogStates: async () => [head(3)],
    logState: async () => head(3),
    entriesRange: async (_campaignId: string, from: number, limit: number, below: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return record.slice(from, Math.min(from + limit, below));
    },
  };
}

describe('the check of the public record', () => {
  it('when two checks read one campaign at the same time, then each gift is tallied once and its over-allocation is found', async () => {
    const check = createPublicRecordCheck(slowStore());
    // One check sees the head before the allocation, the other after it, at once.
    const [early, late] = await Promise.all([
      check.breaches(undefined, [head(2)]),
      check.breaches(undefined, [head(3)]),
    ]);
    expect(early).toEqual([]);
    expect(late).toEqual([
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: 'g1',
        value: 3_000,
        limit: 2_400,
      }),
    ]);
    // Later checks read nothing again and still find it.
    expect(await check.breaches()).toEqual([expect.objectContaining({ donationId: 'g1', value: 3_000 })]);
  });
});
