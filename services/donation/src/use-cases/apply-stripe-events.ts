import { topics } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import type Stripe from 'stripe';
import { decidePaymentOutcome, newPublicRef, type Donation } from '../domain/donation.ts';
import { decideChargeRefunded, decideDispute, decideRefundFailed } from '../domain/gift-money.ts';
import {
  settledRefundLevel,
  settledShare,
  settlementOf,
  type ChargeRefundView,
  type SettlementTransaction,
} from '../domain/settlement.ts';
import {
  derivedEventId,
  donationDisputeClosedEvent,
  donationDisputedEvent,
  donationRefundedEvent,
  donationRefundReversedEvent,
  donationSucceededEvent,
} from '../events/donation-events.ts';
import type { JournalChange, TotalsDelta } from '../store/donation-journal.model.ts';
import type { DonationChange } from '../store/donation.store.ts';
import type { InboxEvent } from '../store/stripe-inbox.store.ts';
import { stripeNoticeOf, type StripeNotice } from '../stripe/payment-notice.ts';
import type { CountedDecision, FigureDelta } from '../webhooks/gift-metrics.ts';
import { inTraceOfWebhook } from '../webhooks/webhook-trace.ts';
import type { DonationFlows } from './dependencies.ts';

/**
 * What became of one inbox event: `done` leaves the inbox (applied, or nothing to change); `waiting` stays for
 * a later try (a refund or dispute before its payment succeeded, as Stripe does not order its events);
 * `retry` stays because Stripe could not be asked for a fee now.
 */
export type InboxOutcome =
  | { eventId: string; result: 'done' }
  | { eventId: string; result: 'waiting'; donationId: string }
  | { eventId: string; result: 'retry' };

interface Targeted {
  event: InboxEvent;
  notice: StripeNotice;
  donationId: string;
  /** Read from Stripe before deciding: the charge and balance transaction of a payment or a paid invoice. */
  charge?: { chargeId: string | null; transaction: SettlementTransaction | null };
  /** A refunded charge's refunds with their balance transactions, read for gifts settled in another currency. */
  refunds?: ChargeRefundView[];
  /** A failed refund's `refund_failure` balance transaction, read for gifts settled in another currency. */
  failure?: SettlementTransaction | null;
}

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

/** One batch's decisions, committed together in one journal document. */
class BatchWork {
  readonly states = new Map<string, Donation>();
  readonly changes: JournalChange[] = [];
  readonly messages: OutboxMessage[] = [];
  readonly totals = new Map<string, TotalsDelta>();
  readonly mails: string[] = [];
  readonly changed = new Set<string>();
  /** Each decision's own figures, for the gift metrics: the totals above net them out per campaign. */
  readonly counted: CountedDecision[] = [];

  readonly flows: DonationFlows;

  constructor(flows: DonationFlows) {
    this.flows = flows;
  }

  async donation(donationId: string): Promise<Donation | null> {
    return this.states.get(donationId) ?? (await this.flows.donations.current(donationId));
  }

  update(donation: Donation, stripeEventId: string, set: DonationChange, messages: OutboxMessage[]): void {
    this.changes.push({
      kind: 'update',
      donationId: donation.id,
      fromRevision: donation.revision,
      set,
      stripeEventId,
    });
    this.states.set(donation.id, {
      ...donation,
      ...(set as Partial<Donation>),
      revision: donation.revision + 1,
      stripeEventIds: [...donation.stripeEventIds, stripeEventId],
    });
    this.messages.push(...messages);
    this.changed.add(donation.id);
  }

  insert(installment: Donation, doc: Record<string, unknown>, messages: OutboxMessage[]): void {
    this.changes.push({ kind: 'insert', donationId: installment.id, doc });
    this.states.set(installment.id, installment);
    this.messages.push(...messages);
    this.changed.add(installment.id);
  }

  count(donation: Donation, delta: FigureDelta): void {
    this.counted.push({ currency: donation.settlementCurrency, delta });
    const current = this.totals.get(donation.campaignId) ?? {
      campaignId: donation.campaignId,
      currency: donation.settlementCurrency,
      gifts: 0,
      raised: 0,
      fees: 0,
      refunded: 0,
      disputed: 0,
      refundsReversed: 0,
    };
    this.totals.set(donation.campaignId, {
      ...current,
      gifts: current.gifts + (delta.gifts ?? 0),
      raised: current.raised + (delta.raised ?? 0),
      fees: current.fees + (delta.fees ?? 0),
      refunded: current.refunded + (delta.refunded ?? 0),
      disputed: current.disputed + (delta.disputed ?? 0),
      refundsReversed: current.refundsReversed + (delta.refundsReversed ?? 0),
    });
  }
}

type Decided = 'done' | 'waiting';

/** Stripe does not order its events: a refund or dispute may come before the payment's success. */
const settled = (donation: Donation) => donation.status !== 'pending' && donation.status !== 'failed';

function decidePayment(
  work: BatchWork,
  donation: Donation,
  item: Targeted & { notice: { kind: 'payment' } },
): Decided {
  const { notice } = item.notice;
  const settlement = item.charge ? settlementOf(donation, item.charge.transaction) : undefined;
  const decision = decidePaymentOutcome(donation, {
    ...notice,
    ...(settlement ? { settlement } : {}),
    chargeId: notice.latestCharge?.id ?? null,
  });
  if (decision.kind === 'unchanged') return 'done';
  const { change } = decision;
  if (change.to === 'held') {
    // Never counted in a wrong currency, never lost: kept with its charge and the reason until an operator acts.
    work.flows.logger.error(
      {
        donationId: donation.id,
        chargeId: change.chargeId,
        presented: `${donation.amount} ${donation.currency}`,
        settlementCurrency: donation.settlementCurrency,
        reason: change.reason,
      },
      'succeeded charge held: its settlement cannot be counted in the campaign currency',
    );
    work.update(
      donation,
      notice.stripeEventId,
      {
        status: 'held',
        statusChangedAt: change.at,
        chargeId: change.chargeId,
        settlementHold: change.reason,
      },
      [],
    );
    work.counted.push({ currency: donation.currency, delta: {}, held: true });
    return 'done';
  }
  if (change.to !== 'succeeded') {
    work.update(donation, notice.stripeEventId, { status: change.to, statusChangedAt: change.at }, []);
    return 'done';
  }
  work.update(
    donation,
    notice.stripeEventId,
    {
      status: 'succeeded',
      statusChangedAt: change.at,
      settledAmount: change.settledAmount,
      exchangeRate: change.exchangeRate,
      fee: change.fee,
      net: change.net,
      succeededAt: change.at,
      chargeId: change.chargeId,
    },
    [outboxMessage(topics.donation, donationSucceededEvent(donation, change))],
  );
  work.count(donation, { gifts: 1, raised: change.settledAmount, fees: change.fee });
  work.mails.push(donation.id);
  return 'done';
}

function decideRefund(
  work: BatchWork,
  donation: Donation,
  item: Targeted & { notice: { kind: 'charge-refunded' } },
): Decided {
  const { notice } = item.notice;
  if (!settled(donation)) return 'waiting';
  const decision = decideChargeRefunded(donation, notice);
  if (decision.kind === 'unchanged') return 'done';
  // A converted gift's refund is what its own balance transactions took off the balance, at the refund day's
  // rate, never the gift's old rate; until Stripe shows them the event waits.
  let settledRefunded = donation.settledRefunded + decision.amount;
  if (donation.currency !== donation.settlementCurrency) {
    const level = settledRefundLevel(item.refunds ?? [], donation.settlementCurrency, decision.refunded);
    if (!level) return 'waiting';
    settledRefunded = Math.max(donation.settledRefunded, level.level);
  }
  const settledAmount = settledRefunded - donation.settledRefunded;
  const event = donationRefundedEvent(donation, {
    refundId: decision.refundId,
    amount: settledAmount,
    presented: decision.amount,
    at: notice.occurredAt,
  });
  work.update(
    donation,
    notice.stripeEventId,
    {
      refunded: decision.refunded,
      settledRefunded,
      refunds: decision.refunds,
      status: decision.status,
      statusChangedAt: notice.occurredAt,
    },
    [outboxMessage(topics.donation, event)],
  );
  work.count(donation, { refunded: settledAmount });
  return 'done';
}

function decideRefundFailure(
  work: BatchWork,
  donation: Donation,
  item: Targeted & { notice: { kind: 'refund-failed' } },
): Decided {
  const { notice } = item.notice;
  if (!settled(donation)) return 'waiting';
  const decision = decideRefundFailed(donation, notice);
  if (decision.kind === 'unchanged') return 'done';
  // Only a refund that had been counted (and announced) is given back publicly; one that failed before it was
  // counted never moved a public figure.
  // What came back to the balance is the failure's own balance transaction; without one, the refund's share of the gift.
  const failure = item.failure;
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
  const messages =
    decision.restored > 0
      ? [
          outboxMessage(
            topics.donation,
            donationRefundReversedEvent(donation, {
              refundId: notice.refundId,
              amount: restored,
              at: notice.occurredAt,
            }),
          ),
        ]
      : [];
  work.update(
    donation,
    notice.stripeEventId,
    {
      refunded: decision.refunded,
      settledRefunded: donation.settledRefunded - restored,
      refunds: decision.refunds,
      refundFailures: decision.refundFailures,
      status: decision.status,
      statusChangedAt: notice.occurredAt,
    },
    messages,
  );
  work.count(donation, { refunded: -restored, refundsReversed: restored });
  return 'done';
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

function decideDisputeNotice(
  work: BatchWork,
  donation: Donation,
  item: Targeted & { notice: { kind: 'dispute' } },
): Decided {
  const { notice } = item.notice;
  if (!settled(donation)) return 'waiting';
  const decision = decideDispute(donation, notice);
  if (decision.kind === 'unchanged') return 'done';
  const messages: OutboxMessage[] = [];
  if (decision.opened) {
    const amount = disputeInSettlement(donation, decision.opened.amount, notice.withdrawn);
    messages.push(
      outboxMessage(topics.donation, donationDisputedEvent(donation, { ...decision.opened, amount })),
    );
    work.count(donation, { disputed: amount });
  }
  const { closed } = decision;
  if (closed && closed.status !== 'open' && closed.closedAt) {
    const amount = disputeInSettlement(donation, closed.amount, notice.withdrawn);
    messages.push(
      outboxMessage(
        topics.donation,
        donationDisputeClosedEvent(donation, {
          ...closed,
          amount,
          status: closed.status,
          closedAt: closed.closedAt,
        }),
      ),
    );
    work.count(donation, { disputed: -amount, refunded: closed.status === 'lost' ? amount : 0 });
  }
  work.update(donation, notice.stripeEventId, { disputes: decision.disputes }, messages);
  return 'done';
}

/**
 * Each paid invoice of a monthly plan becomes its own gift: a child donation whose id is derived from the invoice
 * id, so a redelivered or late `invoice.paid` finds the installment already there and announces nothing twice.
 * It shares the plan's receipt code and campaign; its public reference is its own, so the public ledger does not
 * link one donor's months together. Its fee comes from the charge that paid the invoice, as for one-off gifts.
 */
async function decideInstallment(
  work: BatchWork,
  plan: Donation,
  item: Targeted & { notice: { kind: 'invoice-paid' } },
  flows: DonationFlows,
): Promise<Decided> {
  const { notice } = item.notice;
  if (plan.interval !== 'month' || plan.parentId) return 'done';
  if (notice.amountPaid <= 0 || notice.currency !== plan.currency) {
    flows.logger.warn(
      {
        invoiceId: notice.invoiceId,
        donationId: plan.id,
        amountPaid: notice.amountPaid,
        currency: notice.currency,
      },
      'paid invoice without a gift in the plan currency; ignored',
    );
    return 'done';
  }
  const id = derivedEventId(`donation.installment:${notice.invoiceId}`, notice.paidAt);
  if (await work.donation(id)) return 'done';
  const settlement = settlementOf(
    { amount: notice.amountPaid, currency: plan.currency, settlementCurrency: plan.settlementCurrency },
    item.charge?.transaction ?? null,
  );
  if (settlement.kind === 'settled' && !settlement.trusted)
    flows.logger.warn(
      { invoiceId: notice.invoiceId, donationId: plan.id },
      'no balance transaction describes this installment (stripe-mock answers fixtures); the fee is recorded as 0',
    );
  const held = settlement.kind === 'held' ? settlement.reason : null;
  if (held)
    flows.logger.error(
      { invoiceId: notice.invoiceId, donationId: plan.id, reason: held },
      'paid installment held: its settlement cannot be counted in the campaign currency',
    );
  const settledAmount = settlement.kind === 'settled' ? settlement.amount : null;
  const fee = settlement.kind === 'settled' ? settlement.fee : null;
  const chargeId = item.charge?.chargeId ?? null;
  const installment: Donation = {
    ...plan,
    id,
    donor: null,
    amount: notice.amountPaid,
    settledAmount,
    exchangeRate: settlement.kind === 'settled' ? settlement.exchangeRate : null,
    settlementHold: held,
    publicRef: newPublicRef(),
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
  const doc = flows.donations.installmentDocument({
    id,
    campaignId: installment.campaignId,
    organizationId: installment.organizationId,
    amount: installment.amount,
    currency: installment.currency,
    settlementCurrency: installment.settlementCurrency,
    settledAmount,
    exchangeRate: installment.exchangeRate,
    interval: 'month',
    showName: installment.showName,
    countryOfResidence: installment.countryOfResidence,
    countryOfHeritage: installment.countryOfHeritage,
    locale: installment.locale,
    geographyConsent: installment.geographyConsent,
    donorKey: installment.donorKey,
    publicRef: installment.publicRef,
    receiptHash: installment.receiptHash,
    status: installment.status,
    fee,
    net: installment.net,
    createdAt: notice.paidAt,
    succeededAt: notice.paidAt,
    chargeId,
    parentId: plan.id,
    invoiceId: notice.invoiceId,
    subscriptionId: null,
    stripeEventId: notice.stripeEventId,
  });
  if (settlement.kind === 'held') {
    work.insert(installment, doc, []);
    work.counted.push({ currency: installment.currency, delta: {}, held: true });
    return 'done';
  }
  const change = {
    from: 'pending',
    to: 'succeeded',
    at: notice.paidAt,
    settledAmount: settlement.amount,
    fee: settlement.fee,
    net: settlement.amount - settlement.fee,
    exchangeRate: settlement.exchangeRate,
    chargeId,
  } as const;
  work.insert(installment, doc, [
    outboxMessage(topics.donation, donationSucceededEvent({ ...installment, donor: plan.donor }, change)),
  ]);
  work.count(installment, { gifts: 1, raised: settlement.amount, fees: settlement.fee });
  work.mails.push(installment.id);
  return 'done';
}

function decideSubscriptionEnded(
  work: BatchWork,
  plan: Donation,
  item: Targeted & { notice: { kind: 'subscription-ended' } },
): Decided {
  if (!plan.subscriptionId || plan.subscriptionStatus === 'canceled') return 'done';
  work.update(plan, item.notice.notice.stripeEventId, { subscriptionStatus: 'canceled' }, []);
  return 'done';
}

async function decide(flows: DonationFlows, work: BatchWork, item: Targeted): Promise<Decided> {
  const donation = await work.donation(item.donationId);
  if (!donation) {
    flows.logger.warn(
      { donationId: item.donationId, stripeEventId: item.event.id },
      'Stripe event for an unknown donation ignored',
    );
    return 'done';
  }
  switch (item.notice.kind) {
    case 'payment':
      return decidePayment(work, donation, item as Targeted & { notice: { kind: 'payment' } });
    case 'charge-refunded':
      return decideRefund(work, donation, item as Targeted & { notice: { kind: 'charge-refunded' } });
    case 'refund-failed':
      return decideRefundFailure(work, donation, item as Targeted & { notice: { kind: 'refund-failed' } });
    case 'dispute':
      return decideDisputeNotice(work, donation, item as Targeted & { notice: { kind: 'dispute' } });
    case 'invoice-paid':
      return decideInstallment(
        work,
        donation,
        item as Targeted & { notice: { kind: 'invoice-paid' } },
        flows,
      );
    case 'subscription-ended':
      return decideSubscriptionEnded(
        work,
        donation,
        item as Targeted & { notice: { kind: 'subscription-ended' } },
      );
    default: {
      const unhandled: never = item.notice;
      throw new Error(`unhandled Stripe notice ${(unhandled as { kind: string }).kind}`);
    }
  }
}

/** The gift a charge paid for: known in memory after its success, else by the charge id, metadata or PaymentIntent. */
async function giftOfCharge(
  flows: DonationFlows,
  charge: {
    chargeId: string | undefined;
    donationId: string | undefined;
    paymentIntentId: string | undefined;
  },
): Promise<string | undefined> {
  const { donations } = flows;
  if (charge.chargeId) {
    const known =
      donations.cachedIdOfCharge(charge.chargeId) ?? (await donations.findByChargeId(charge.chargeId))?.id;
    if (known) return known;
  }
  if (charge.donationId) return charge.donationId;
  return charge.paymentIntentId
    ? (await donations.findByPaymentIntentId(charge.paymentIntentId))?.id
    : undefined;
}

async function planOf(
  flows: DonationFlows,
  subscriptionId: string | undefined,
  donationId: string | undefined,
): Promise<string | undefined> {
  const bySubscription = subscriptionId ? await flows.donations.findBySubscriptionId(subscriptionId) : null;
  return bySubscription?.id ?? donationId;
}

/** The donation an event is about, before anything is locked. */
async function targetOf(flows: DonationFlows, notice: StripeNotice): Promise<string | undefined> {
  switch (notice.kind) {
    case 'payment':
      return notice.notice.donationId;
    case 'charge-refunded':
      return giftOfCharge(flows, notice.notice);
    case 'refund-failed':
      return giftOfCharge(flows, notice.notice);
    case 'dispute':
      return giftOfCharge(flows, {
        chargeId: notice.notice.chargeId,
        donationId: undefined,
        paymentIntentId: notice.notice.paymentIntentId,
      });
    case 'invoice-paid':
      return planOf(flows, notice.notice.subscriptionId, notice.notice.donationId);
    case 'subscription-ended':
      return planOf(flows, notice.notice.subscriptionId, notice.notice.donationId);
    default: {
      const unhandled: never = notice;
      throw new Error(`unhandled Stripe notice ${(unhandled as { kind: string }).kind}`);
    }
  }
}

/**
 * The fee of a success comes from its charge's balance transaction: carried expanded by the event, else asked
 * of Stripe before deciding (outside any lock). Stripe failing leaves the event in the inbox for a later try:
 * recording a gift with an invented fee would be worse than recording it a little later.
 */
async function chargeOf(flows: DonationFlows, notice: StripeNotice): Promise<Targeted['charge']> {
  if (notice.kind === 'invoice-paid') {
    const found = await flows.payments.invoiceCharge(notice.notice.invoiceId);
    return found
      ? { chargeId: found.chargeId, transaction: found.balanceTransaction }
      : { chargeId: null, transaction: null };
  }
  if (notice.kind !== 'payment' || notice.notice.outcome !== 'succeeded') return undefined;
  const charge = notice.notice.latestCharge;
  if (!charge) return { chargeId: null, transaction: null };
  if (charge.expanded) return { chargeId: charge.id, transaction: charge.balanceTransaction };
  return { chargeId: charge.id, transaction: await flows.payments.balanceTransactionOf(charge.id) };
}

/**
 * A refunded charge's refunds with their balance transactions, needed only for a gift settled in another
 * currency: carried expanded by the event, else asked of Stripe before deciding, like a payment's fee.
 */
async function refundsOf(
  flows: DonationFlows,
  notice: StripeNotice,
  donationId: string,
): Promise<ChargeRefundView[] | undefined> {
  if (notice.kind !== 'charge-refunded') return undefined;
  const donation = await flows.donations.current(donationId);
  if (!donation || donation.currency === donation.settlementCurrency) return undefined;
  const carried = notice.notice.refunds;
  if (carried && carried.every((refund) => refund.balanceTransaction !== null)) return carried;
  return flows.payments.refundsOfCharge(notice.notice.chargeId);
}

/** A failed refund's `refund_failure` balance transaction, for a converted gift only: carried, else asked of Stripe. */
async function failureOf(
  flows: DonationFlows,
  notice: StripeNotice,
  donationId: string,
): Promise<SettlementTransaction | null | undefined> {
  if (notice.kind !== 'refund-failed') return undefined;
  const donation = await flows.donations.current(donationId);
  if (!donation || donation.currency === donation.settlementCurrency) return undefined;
  if (notice.notice.failureTransaction) return notice.notice.failureTransaction;
  return notice.notice.failureTransactionId
    ? flows.payments.balanceTransaction(notice.notice.failureTransactionId)
    : null;
}

/**
 * The notice in a stored event; an unreadable one (stored before the edge checked events) is logged and settled,
 * since trying it again can only fail again, and would hold back the rest of its batch.
 */
function readNotice(flows: DonationFlows, event: InboxEvent): StripeNotice | null {
  try {
    return stripeNoticeOf(JSON.parse(event.body) as Stripe.Event);
  } catch (error) {
    flows.logger.error(
      { stripeEventId: event.id, type: event.type, err: error },
      'stored Stripe event cannot be read; dropped from the inbox',
    );
    return null;
  }
}

/** Runs `task` holding every donation's in-process lock (see dependencies.ts): no other change of them interleaves. */
function withLocks<T>(flows: DonationFlows, ids: string[], task: () => Promise<T>): Promise<T> {
  return ids.reduceRight<() => Promise<T>>((inner, id) => () => flows.oneAtATime(id, inner), task)();
}

/**
 * Applies a batch of inbox events in arrival order: each is decided by the same rules as ever (the state
 * machine only moves forwards, repeats change nothing), against the state the batch has built so far, and all
 * the batch's changes, totals, owed receipts and events are committed in ONE journal document. Stripe is asked
 * for fees before the donations are locked.
 */
export async function applyStripeEvents(
  flows: DonationFlows,
  events: InboxEvent[],
): Promise<{ outcomes: InboxOutcome[]; changed: Set<string> }> {
  const outcomes = new Map<string, InboxOutcome>();
  const targeted: Targeted[] = [];
  await Promise.all(
    events.map(async (event) => {
      const notice = readNotice(flows, event);
      const donationId = notice ? await targetOf(flows, notice) : undefined;
      if (!notice || !donationId) {
        if (notice)
          flows.logger.warn(
            { stripeEventId: event.id, type: event.type },
            'Stripe event names no donation known here; ignored',
          );
        outcomes.set(event.id, { eventId: event.id, result: 'done' });
        return;
      }
      try {
        const refunds = await refundsOf(flows, notice, donationId);
        const failure = await failureOf(flows, notice, donationId);
        targeted.push({
          event,
          notice,
          donationId,
          charge: await chargeOf(flows, notice),
          ...(refunds ? { refunds } : {}),
          ...(failure !== undefined ? { failure } : {}),
        });
      } catch (error) {
        flows.logger.warn(
          { stripeEventId: event.id, err: error },
          'Stripe could not be asked for the charge; the event waits for another try',
        );
        outcomes.set(event.id, { eventId: event.id, result: 'retry' });
      }
    }),
  );
  targeted.sort((a, b) => a.event.seq - b.event.seq);
  const work = new BatchWork(flows);
  const ids = [...new Set(targeted.map((item) => item.donationId))];
  await withLocks(flows, ids, async () => {
    for (const item of targeted) {
      const result = await inTraceOfWebhook(flows.tracer, item.event, () => decide(flows, work, item));
      outcomes.set(
        item.event.id,
        result === 'waiting'
          ? { eventId: item.event.id, result, donationId: item.donationId }
          : { eventId: item.event.id, result },
      );
    }
    if (work.changes.length === 0) return;
    const createdAt = flows.now();
    const id = flows.journal.nextId(createdAt);
    const totals = [...work.totals.values()];
    const mails = flows.mailer ? work.mails : [];
    await flows.donations.linkChanges(work.changes);
    await flows.journal.commit({
      id,
      changes: work.changes,
      totals,
      mails,
      messages: work.messages,
      createdAt,
    });
    flows.donations.stage(work.changes, [...work.states.values()]);
    flows.totals.stage(id, totals);
    flows.journalCommitted({ id, changes: work.changes, totals, mails, messages: work.messages, createdAt });
    // Counted only now that the batch is written: a batch that failed is decided again and counted then, once.
    flows.giftsCounted(work.counted);
  });
  if (work.messages.length > 0) flows.outboxQueued();
  return {
    outcomes: events.map((event) => outcomes.get(event.id) ?? { eventId: event.id, result: 'done' as const }),
    changed: work.changed,
  };
}
