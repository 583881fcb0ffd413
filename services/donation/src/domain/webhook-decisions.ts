import { derivedEventId } from './derived-id.ts';
import {
  decidePaymentOutcome,
  newPublicRef,
  type DisputeRecord,
  type Donation,
  type SettledChange,
} from './donation.ts';
import { decideChargeRefunded, decideDispute, decideRefundFailed } from './gift-money.ts';
import {
  settledRefundLevel,
  settledShare,
  settlementOf,
  type ChargeRefundView,
  type SettlementTransaction,
} from './settlement.ts';
import type {
  DisputeNoticeOf,
  InvoicePaidNotice,
  PaymentNotice,
  RefundFailedNoticeOf,
  RefundNotice,
  StripeNotice,
} from './stripe-notice.ts';

/*
 * One Stripe event decided against one donation's current state: pure functions that say what changes, what is
 * announced publicly, what moves in the campaign totals and whether a receipt is owed. The batch applier
 * (use-cases/apply-stripe-events.ts) reads Stripe and the store, calls these, and writes what they return.
 */

/** What one decision moves in its campaign's totals (signed, as the totals count it). */
export interface FigureDelta {
  gifts?: number;
  raised?: number;
  fees?: number;
  refunded?: number;
  disputed?: number;
  refundsReversed?: number;
}

/** One decision that moved money, in its gift's currency. */
export interface CountedDecision {
  currency: string;
  delta: FigureDelta;
  /** A succeeded charge held for an operator (its settlement cannot be counted); `currency` is then the presented one. */
  held?: boolean;
}

/** The fields a guarded change may set on a donation; the store adds the revision and the Stripe event id. */
export type DonationFields = Partial<
  Pick<
    Donation,
    | 'status'
    | 'fee'
    | 'net'
    | 'succeededAt'
    | 'chargeId'
    | 'refunded'
    | 'settledAmount'
    | 'exchangeRate'
    | 'settlementHold'
    | 'settledRefunded'
    | 'refunds'
    | 'refundFailures'
    | 'disputes'
    | 'subscriptionStatus'
  >
> & { statusChangedAt?: Date };

/** A public event a decision owes, with the donation state it is told from. */
export type Announcement =
  | { kind: 'succeeded'; about: Donation; change: SettledChange }
  | {
      kind: 'refunded';
      about: Donation;
      refund: { refundId: string; amount: number; presented: number; at: Date };
    }
  | { kind: 'refund-reversed'; about: Donation; reversal: { refundId: string; amount: number; at: Date } }
  | { kind: 'disputed'; about: Donation; dispute: DisputeRecord }
  | {
      kind: 'dispute-closed';
      about: Donation;
      dispute: DisputeRecord & { status: 'won' | 'lost'; closedAt: Date };
    };

/** Something an operator should read in the logs, decided with the change. */
export interface Note {
  level: 'warn' | 'error';
  message: string;
  context: Record<string, unknown>;
}

export type DonationEffect =
  | { kind: 'update'; set: DonationFields; announce: Announcement[] }
  /** A monthly installment, born with its first (and only) Stripe event. */
  | { kind: 'insert'; donation: Donation; announce: Announcement[] };

/**
 * `waiting`: not decidable yet (a refund or dispute before its payment succeeded, as Stripe does not order its
 * events); the event is kept and tried again. `done`: decided, with or without an effect.
 */
export type WebhookDecision =
  | { result: 'waiting' }
  | {
      result: 'done';
      effect: DonationEffect | null;
      counted: CountedDecision[];
      /** A receipt email is owed to the donor of the changed or inserted donation. */
      receiptOwed: boolean;
      notes: Note[];
    };

/** What was read from Stripe (or the store) before deciding, as the event itself may not carry it. */
export interface StripeFacts {
  /** The charge and balance transaction of a payment or a paid invoice. */
  charge?: { chargeId: string | null; transaction: SettlementTransaction | null };
  /** A refunded charge's refunds with their balance transactions, for gifts settled in another currency. */
  refunds?: ChargeRefundView[];
  /** A failed refund's `refund_failure` balance transaction, for gifts settled in another currency. */
  failure?: SettlementTransaction | null;
  /** For a paid invoice: whether its installment (`installmentIdOf`) is already recorded. */
  installmentKnown?: boolean;
}

const unchanged = {
  result: 'done',
  effect: null,
  counted: [],
  receiptOwed: false,
  notes: [],
} as const satisfies WebhookDecision;

const decided = (
  effect: DonationEffect,
  extra: { counted?: CountedDecision[]; receiptOwed?: boolean; notes?: Note[] } = {},
): WebhookDecision => ({
  result: 'done',
  effect,
  counted: extra.counted ?? [],
  receiptOwed: extra.receiptOwed ?? false,
  notes: extra.notes ?? [],
});

/** Money counted in the gift's settlement currency. */
const counted = (donation: Donation, delta: FigureDelta): CountedDecision => ({
  currency: donation.settlementCurrency,
  delta,
});

/** Stripe does not order its events: a refund or dispute may come before the payment's success. */
const settled = (donation: Donation) => donation.status !== 'pending' && donation.status !== 'failed';

/**
 * A presented amount (a dispute, a failed refund) in the settlement currency. Same-currency gifts: itself. A
 * converted gift: its share of what the gift settled, from Stripe's own figures for this gift, since the dispute
 * and failure events name no balance transaction of their own.
 */
function inSettlement(donation: Donation, presented: number): number {
  if (donation.currency === donation.settlementCurrency) return presented;
  return Math.min(
    settledShare({ amount: donation.amount, settledAmount: donation.settledAmount ?? 0 }, presented),
    donation.settledAmount ?? 0,
  );
}

export function decidePayment(
  donation: Donation,
  notice: PaymentNotice,
  facts: StripeFacts,
): WebhookDecision {
  const settlement = facts.charge ? settlementOf(donation, facts.charge.transaction) : undefined;
  const decision = decidePaymentOutcome(donation, {
    ...notice,
    ...(settlement ? { settlement } : {}),
    chargeId: notice.latestCharge?.id ?? null,
  });
  if (decision.kind === 'unchanged') return unchanged;
  const { change } = decision;
  if (change.to === 'held')
    // Never counted in a wrong currency, never lost: kept with its charge and the reason until an operator acts.
    return decided(
      {
        kind: 'update',
        set: {
          status: 'held',
          statusChangedAt: change.at,
          chargeId: change.chargeId,
          settlementHold: change.reason,
        },
        announce: [],
      },
      {
        counted: [{ currency: donation.currency, delta: {}, held: true }],
        notes: [
          {
            level: 'error',
            message: 'succeeded charge held: its settlement cannot be counted in the campaign currency',
            context: {
              donationId: donation.id,
              chargeId: change.chargeId,
              presented: `${donation.amount} ${donation.currency}`,
              settlementCurrency: donation.settlementCurrency,
              reason: change.reason,
            },
          },
        ],
      },
    );
  if (change.to !== 'succeeded')
    return decided({ kind: 'update', set: { status: change.to, statusChangedAt: change.at }, announce: [] });
  return decided(
    {
      kind: 'update',
      set: {
        status: 'succeeded',
        statusChangedAt: change.at,
        settledAmount: change.settledAmount,
        exchangeRate: change.exchangeRate,
        fee: change.fee,
        net: change.net,
        succeededAt: change.at,
        chargeId: change.chargeId,
      },
      announce: [{ kind: 'succeeded', about: donation, change }],
    },
    {
      counted: [counted(donation, { gifts: 1, raised: change.settledAmount, fees: change.fee })],
      receiptOwed: true,
    },
  );
}

export function decideRefund(donation: Donation, notice: RefundNotice, facts: StripeFacts): WebhookDecision {
  if (!settled(donation)) return { result: 'waiting' };
  const decision = decideChargeRefunded(donation, notice);
  if (decision.kind === 'unchanged') return unchanged;
  // A converted gift's refund is what its own balance transactions took off the balance, at the refund day's
  // rate, never the gift's old rate; until Stripe shows them the event waits.
  let settledRefunded = donation.settledRefunded + decision.amount;
  if (donation.currency !== donation.settlementCurrency) {
    const level = settledRefundLevel(facts.refunds ?? [], donation.settlementCurrency, decision.refunded);
    if (!level) return { result: 'waiting' };
    settledRefunded = Math.max(donation.settledRefunded, level.level);
  }
  const amount = settledRefunded - donation.settledRefunded;
  return decided(
    {
      kind: 'update',
      set: {
        refunded: decision.refunded,
        settledRefunded,
        refunds: decision.refunds,
        status: decision.status,
        statusChangedAt: notice.occurredAt,
      },
      announce: [
        {
          kind: 'refunded',
          about: donation,
          refund: { refundId: decision.refundId, amount, presented: decision.amount, at: notice.occurredAt },
        },
      ],
    },
    { counted: [counted(donation, { refunded: amount })] },
  );
}

export function decideRefundFailure(
  donation: Donation,
  notice: RefundFailedNoticeOf,
  facts: StripeFacts,
): WebhookDecision {
  if (!settled(donation)) return { result: 'waiting' };
  const decision = decideRefundFailed(donation, notice);
  if (decision.kind === 'unchanged') return unchanged;
  // Only a refund that had been counted (and announced) is given back publicly; one that failed before it was
  // counted never moved a public figure. What came back to the balance is the failure's own balance
  // transaction; without one, the refund's share of the gift.
  const failure = facts.failure;
  const fromStripe =
    failure &&
    failure.currency.toUpperCase() === donation.settlementCurrency.toUpperCase() &&
    failure.amount > 0
      ? failure.amount
      : null;
  const restored =
    decision.restored > 0
      ? Math.min(fromStripe ?? inSettlement(donation, decision.restored), donation.settledRefunded)
      : 0;
  return decided(
    {
      kind: 'update',
      set: {
        refunded: decision.refunded,
        settledRefunded: donation.settledRefunded - restored,
        refunds: decision.refunds,
        refundFailures: decision.refundFailures,
        status: decision.status,
        statusChangedAt: notice.occurredAt,
      },
      announce:
        decision.restored > 0
          ? [
              {
                kind: 'refund-reversed',
                about: donation,
                reversal: { refundId: notice.refundId, amount: restored, at: notice.occurredAt },
              },
            ]
          : [],
    },
    { counted: [counted(donation, { refunded: -restored, refundsReversed: restored })] },
  );
}

/**
 * A converted gift's dispute in the settlement currency: what the dispute's own balance transaction withdrew
 * when Stripe includes it in that currency (never more than the gift settled), else its share of the gift.
 */
function disputeInSettlement(
  donation: Donation,
  presented: number,
  withdrawn: { amount: number; currency: string } | null,
): number {
  if (donation.currency === donation.settlementCurrency) return presented;
  if (withdrawn && withdrawn.currency === donation.settlementCurrency.toUpperCase())
    return Math.min(withdrawn.amount, donation.settledAmount ?? 0);
  return inSettlement(donation, presented);
}

export function decideDisputeNotice(donation: Donation, notice: DisputeNoticeOf): WebhookDecision {
  if (!settled(donation)) return { result: 'waiting' };
  const decision = decideDispute(donation, notice);
  if (decision.kind === 'unchanged') return unchanged;
  const announce: Announcement[] = [];
  const moved: CountedDecision[] = [];
  if (decision.opened) {
    const amount = disputeInSettlement(donation, decision.opened.amount, notice.withdrawn);
    announce.push({ kind: 'disputed', about: donation, dispute: { ...decision.opened, amount } });
    moved.push(counted(donation, { disputed: amount }));
  }
  const { closed } = decision;
  if (closed && closed.status !== 'open' && closed.closedAt) {
    const amount = disputeInSettlement(donation, closed.amount, notice.withdrawn);
    announce.push({
      kind: 'dispute-closed',
      about: donation,
      dispute: { ...closed, amount, status: closed.status, closedAt: closed.closedAt },
    });
    moved.push(counted(donation, { disputed: -amount, refunded: closed.status === 'lost' ? amount : 0 }));
  }
  return decided({ kind: 'update', set: { disputes: decision.disputes }, announce }, { counted: moved });
}

/** The id of the installment a paid invoice creates: derived from the invoice, so a redelivery finds it. */
export function installmentIdOf(notice: InvoicePaidNotice): string {
  return derivedEventId(`donation.installment:${notice.invoiceId}`, notice.paidAt);
}

/**
 * Each paid invoice of a monthly plan becomes its own gift: a child donation whose id is derived from the invoice
 * id, so a redelivered or late `invoice.paid` finds the installment already there and announces nothing twice.
 * It shares the plan's receipt code and campaign; its public reference is its own, so the public ledger does not
 * link one donor's months together. Its fee comes from the charge that paid the invoice, as for one-off gifts.
 */
export function decideInstallment(
  plan: Donation,
  notice: InvoicePaidNotice,
  facts: StripeFacts,
  publicRef: () => string = newPublicRef,
): WebhookDecision {
  if (plan.interval !== 'month' || plan.parentId) return unchanged;
  if (notice.amountPaid <= 0 || notice.currency !== plan.currency)
    return {
      ...unchanged,
      notes: [
        {
          level: 'warn',
          message: 'paid invoice without a gift in the plan currency; ignored',
          context: {
            invoiceId: notice.invoiceId,
            donationId: plan.id,
            amountPaid: notice.amountPaid,
            currency: notice.currency,
          },
        },
      ],
    };
  if (facts.installmentKnown) return unchanged;
  const settlement = settlementOf(
    { amount: notice.amountPaid, currency: plan.currency, settlementCurrency: plan.settlementCurrency },
    facts.charge?.transaction ?? null,
  );
  const notes: Note[] = [];
  if (settlement.kind === 'settled' && !settlement.trusted)
    notes.push({
      level: 'warn',
      message:
        'no balance transaction describes this installment (stripe-mock answers fixtures); the fee is recorded as 0',
      context: { invoiceId: notice.invoiceId, donationId: plan.id },
    });
  const held = settlement.kind === 'held' ? settlement.reason : null;
  if (held)
    notes.push({
      level: 'error',
      message: 'paid installment held: its settlement cannot be counted in the campaign currency',
      context: { invoiceId: notice.invoiceId, donationId: plan.id, reason: held },
    });
  const settledAmount = settlement.kind === 'settled' ? settlement.amount : null;
  const fee = settlement.kind === 'settled' ? settlement.fee : null;
  const chargeId = facts.charge?.chargeId ?? null;
  const installment: Donation = {
    ...plan,
    id: installmentIdOf(notice),
    donor: null,
    amount: notice.amountPaid,
    settledAmount,
    exchangeRate: settlement.kind === 'settled' ? settlement.exchangeRate : null,
    settlementHold: held,
    publicRef: publicRef(),
    status: held ? 'held' : 'succeeded',
    paymentIntentId: null,
    fee,
    net: settledAmount === null || fee === null ? null : settledAmount - fee,
    createdAt: notice.paidAt,
    succeededAt: notice.paidAt,
    stripeEventIds: [notice.stripeEventId],
    revision: 0,
    chargeId,
    refunded: 0,
    settledRefunded: 0,
    refunds: [],
    refundFailures: [],
    disputes: [],
    allocated: 0,
    allocationIds: [],
    customerId: null,
    subscriptionId: null,
    subscriptionStatus: null,
    parentId: plan.id,
    invoiceId: notice.invoiceId,
    erasedAt: null,
  };
  if (settlement.kind === 'held')
    return decided(
      { kind: 'insert', donation: installment, announce: [] },
      { counted: [{ currency: installment.currency, delta: {}, held: true }], notes },
    );
  const change: SettledChange = {
    from: 'pending',
    to: 'succeeded',
    at: notice.paidAt,
    settledAmount: settlement.amount,
    fee: settlement.fee,
    net: settlement.amount - settlement.fee,
    exchangeRate: settlement.exchangeRate,
    chargeId,
  };
  return decided(
    {
      kind: 'insert',
      donation: installment,
      // The announcement names the donor as the plan does (shown only if they chose to be).
      announce: [{ kind: 'succeeded', about: { ...installment, donor: plan.donor }, change }],
    },
    {
      counted: [counted(installment, { gifts: 1, raised: settlement.amount, fees: settlement.fee })],
      receiptOwed: true,
      notes,
    },
  );
}

export function decideSubscriptionEnded(plan: Donation): WebhookDecision {
  if (!plan.subscriptionId || plan.subscriptionStatus === 'canceled') return unchanged;
  return decided({ kind: 'update', set: { subscriptionStatus: 'canceled' }, announce: [] });
}

/** Decides one Stripe notice against the donation it is about. */
export function decideStripeNotice(
  donation: Donation,
  notice: StripeNotice,
  facts: StripeFacts,
): WebhookDecision {
  switch (notice.kind) {
    case 'payment':
      return decidePayment(donation, notice.notice, facts);
    case 'charge-refunded':
      return decideRefund(donation, notice.notice, facts);
    case 'refund-failed':
      return decideRefundFailure(donation, notice.notice, facts);
    case 'dispute':
      return decideDisputeNotice(donation, notice.notice);
    case 'invoice-paid':
      return decideInstallment(donation, notice.notice, facts);
    case 'subscription-ended':
      return decideSubscriptionEnded(donation);
    default: {
      const unhandled: never = notice;
      throw new Error(`unhandled Stripe notice ${(unhandled as { kind: string }).kind}`);
    }
  }
}
