import { describe, expect, it } from 'vitest';
import type { FigureDelta } from '../domain/webhook-decisions.ts';
import { giftCounts } from './gift-metrics.ts';

describe('giftCounts', () => {
  it.each<[string, FigureDelta, ReturnType<typeof giftCounts>]>([
    [
      'a gift succeeds',
      { gifts: 1, raised: 2500, fees: 103 },
      {
        gifts: 1,
        amounts: [
          { figure: 'raised', amount: 2500 },
          { figure: 'fees', amount: 103 },
        ],
      },
    ],
    [
      'a gift succeeds without a fee',
      { gifts: 1, raised: 2500, fees: 0 },
      { gifts: 1, amounts: [{ figure: 'raised', amount: 2500 }] },
    ],
    ['a refund is counted', { refunded: 700 }, { gifts: 0, amounts: [{ figure: 'refunded', amount: 700 }] }],
    [
      'a counted refund fails',
      { refunded: -700, refundsReversed: 700 },
      { gifts: 0, amounts: [{ figure: 'refunds_reversed', amount: 700 }] },
    ],
    ['a refund fails before it was counted', { refunded: -0, refundsReversed: 0 }, { gifts: 0, amounts: [] }],
    ['a dispute opens', { disputed: 1500 }, { gifts: 0, amounts: [{ figure: 'disputed', amount: 1500 }] }],
    [
      'a dispute is lost',
      { disputed: -1500, refunded: 1500 },
      { gifts: 0, amounts: [{ figure: 'refunded', amount: 1500 }] },
    ],
    ['a dispute is won', { disputed: -1500, refunded: 0 }, { gifts: 0, amounts: [] }],
  ])('when %s, then the counters grow by the positive parts only', (_, delta, expected) => {
    expect(giftCounts(delta)).toEqual(expected);
  });
});
