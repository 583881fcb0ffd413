import { Counter, Gauge, type Registry } from '@aid/runtime';
import type { CountedDecision, FigureDelta } from '../domain/webhook-decisions.ts';

/** The `figure` label values: the campaign totals' own names, in the snake case of Prometheus labels. */
export const giftFigures = ['raised', 'fees', 'refunded', 'disputed', 'refunds_reversed'] as const;
export type GiftFigure = (typeof giftFigures)[number];

const totalsFieldOf: Record<GiftFigure, keyof FigureDelta> = {
  raised: 'raised',
  fees: 'fees',
  refunded: 'refunded',
  disputed: 'disputed',
  refunds_reversed: 'refundsReversed',
};

/**
 * What one decision adds to the counters: the positive part of each figure it moves. Counters only go up, and
 * every decrease in the totals is the other side of an increase the counters already see: a failed refund
 * lowers `refunded` and raises `refundsReversed`; a closed dispute lowers `disputed` and, when lost, raises
 * `refunded`. So `refunded − refunds_reversed` is the totals' `refunded`, while `disputed` counts money put in
 * dispute when opened (what is still held is on the totals endpoint).
 */
export function giftCounts(delta: FigureDelta): {
  gifts: number;
  amounts: { figure: GiftFigure; amount: number }[];
} {
  const amounts = giftFigures
    .map((figure) => ({ figure, amount: Math.max(0, delta[totalsFieldOf[figure]] ?? 0) }))
    .filter(({ amount }) => amount > 0);
  return { gifts: Math.max(0, delta.gifts ?? 0), amounts };
}

export interface GiftMetrics {
  /** Counts a batch's decisions; called once its journal document is written, never for an unchanged event. */
  counted(decisions: readonly CountedDecision[]): void;
  /** Adds the counters and the inbox gauge to the service's registry (the runtime calls it once built). */
  register(registry: Registry, inboxPending: () => number): void;
}

/**
 * Gift metrics of this process. The counters exist before the registry does (the runtime hands it over after
 * buildApp), so they are created unregistered and registered when it comes.
 */
export function createGiftMetrics(): GiftMetrics {
  const gifts = new Counter({
    name: 'aid_gifts_total',
    help: 'Gifts that succeeded (one-off gifts and each paid installment), by currency',
    labelNames: ['currency'],
    registers: [],
  });
  const amounts = new Counter({
    name: 'aid_gift_amount_minor_total',
    help: 'Money moved by gifts in minor units, by currency and figure (raised, fees, refunded incl. lost disputes, disputed when opened, refunds_reversed)',
    labelNames: ['currency', 'figure'],
    registers: [],
  });
  const held = new Counter({
    name: 'aid_gifts_held_total',
    help: 'Succeeded charges held for an operator because their balance transaction is not in the campaign currency, by presented currency',
    labelNames: ['currency'],
    registers: [],
  });
  return {
    counted(decisions) {
      for (const { currency, delta, held: isHeld } of decisions) {
        if (isHeld) held.inc({ currency });
        const counts = giftCounts(delta);
        if (counts.gifts > 0) gifts.inc({ currency }, counts.gifts);
        for (const { figure, amount } of counts.amounts) amounts.inc({ currency, figure }, amount);
      }
    },
    register(registry, inboxPending) {
      registry.registerMetric(gifts);
      registry.registerMetric(amounts);
      registry.registerMetric(held);
      new Gauge({
        name: 'aid_stripe_inbox_pending',
        help: 'Stripe events received and not yet applied (queued, in work, waiting for their payment, or to retry)',
        registers: [registry],
        // The processor's in-memory count, as readiness uses: a scrape reads no collection.
        collect() {
          this.set(inboxPending());
        },
      });
    },
  };
}
