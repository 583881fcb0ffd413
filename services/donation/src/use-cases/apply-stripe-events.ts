import { topics } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import type Stripe from 'stripe';
import type { Donation } from '../domain/donation.ts';
import type { ChargeRefundView, SettlementTransaction } from '../domain/settlement.ts';
import type { StripeNotice } from '../domain/stripe-notice.ts';
import {
  decideStripeNotice,
  installmentIdOf,
  type CountedDecision,
  type StripeFacts,
  type WebhookDecision,
} from '../domain/webhook-decisions.ts';
import { announcedEvent } from '../events/donation-events.ts';
import type { JournalEntry } from '../store/donation-journal.store.ts';
import type { JournalChange, TotalsDelta } from '../store/donation-journal.model.ts';
import type { InboxEvent } from '../store/stripe-inbox.store.ts';
import { stripeNoticeOf } from '../stripe/payment-notice.ts';
import type { DonationFlows } from './dependencies.ts';
import { inTraceOfWebhook } from './webhook-trace.ts';

/**
 * What became of one inbox event: `done` leaves the inbox (applied, or nothing to change); `waiting` stays for
 * a later try (a refund or dispute before its payment succeeded, as Stripe does not order its events);
 * `retry` stays because Stripe could not be asked for a fee now.
 */
export type InboxOutcome =
  | { eventId: string; result: 'done' }
  | { eventId: string; result: 'waiting'; donationId: string }
  | { eventId: string; result: 'retry' };

/** A batch applied: each event's outcome, the donations it changed, and the journal document that holds it. */
export interface AppliedBatch {
  outcomes: InboxOutcome[];
  changed: Set<string>;
  /** Null when nothing changed (no journal document was written). */
  committed: JournalEntry | null;
  /** The decisions that moved money, counted once the batch is written. */
  counted: CountedDecision[];
}

interface Targeted extends StripeFacts {
  event: InboxEvent;
  notice: StripeNotice;
  donationId: string;
}

/** One batch's decisions, written together in one journal document. */
class BatchWork {
  readonly states = new Map<string, Donation>();
  readonly changes: JournalChange[] = [];
  readonly messages: OutboxMessage[] = [];
  readonly totals = new Map<string, TotalsDelta>();
  readonly mails: string[] = [];
  readonly changed = new Set<string>();
  readonly counted: CountedDecision[] = [];
  readonly flows: DonationFlows;

  constructor(flows: DonationFlows) {
    this.flows = flows;
  }

  /** The state the batch has built so far, else the store's current state. */
  async donation(donationId: string): Promise<Donation | null> {
    return this.states.get(donationId) ?? (await this.flows.donations.current(donationId));
  }

  /** Adds one decision; its events are made here, in the trace of the webhook that delivered it. */
  record(donation: Donation, stripeEventId: string, decision: WebhookDecision & { result: 'done' }): void {
    for (const note of decision.notes) this.flows.logger[note.level](note.context, note.message);
    const { effect } = decision;
    if (!effect) return;
    const subject = effect.kind === 'insert' ? effect.donation : donation;
    if (effect.kind === 'update') {
      this.changes.push({
        kind: 'update',
        donationId: donation.id,
        fromRevision: donation.revision,
        set: effect.set,
        stripeEventId,
      });
      this.states.set(donation.id, {
        ...donation,
        ...effect.set,
        revision: donation.revision + 1,
        stripeEventIds: [...donation.stripeEventIds, stripeEventId],
      });
    } else {
      this.changes.push({
        kind: 'insert',
        donationId: effect.donation.id,
        doc: this.flows.donations.installmentDocument(effect.donation),
      });
      this.states.set(effect.donation.id, effect.donation);
    }
    this.messages.push(
      ...effect.announce.map((announcement) => outboxMessage(topics.donation, announcedEvent(announcement))),
    );
    for (const moved of decision.counted) this.count(subject.campaignId, moved);
    if (decision.receiptOwed) this.mails.push(subject.id);
    this.changed.add(subject.id);
  }

  private count(campaignId: string, moved: CountedDecision): void {
    this.counted.push(moved);
    // A held charge is never counted in the totals: only the metrics see it.
    if (moved.held) return;
    const { delta } = moved;
    const current = this.totals.get(campaignId) ?? {
      campaignId,
      currency: moved.currency,
      gifts: 0,
      raised: 0,
      fees: 0,
      refunded: 0,
      disputed: 0,
      refundsReversed: 0,
    };
    this.totals.set(campaignId, {
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

/** Decides one event against the state the batch has built so far, and adds what it changes to the batch. */
async function decide(flows: DonationFlows, work: BatchWork, item: Targeted): Promise<'done' | 'waiting'> {
  const donation = await work.donation(item.donationId);
  if (!donation) {
    flows.logger.warn(
      { donationId: item.donationId, stripeEventId: item.event.id },
      'Stripe event for an unknown donation ignored',
    );
    return 'done';
  }
  const facts: StripeFacts =
    item.notice.kind === 'invoice-paid'
      ? { ...item, installmentKnown: (await work.donation(installmentIdOf(item.notice.notice))) !== null }
      : item;
  const decision = decideStripeNotice(donation, item.notice, facts);
  if (decision.result === 'waiting') return 'waiting';
  work.record(donation, item.notice.notice.stripeEventId, decision);
  return 'done';
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
 * Applies a batch of inbox events in arrival order: Stripe is asked for what the events do not carry (fees,
 * refunds' balance transactions) before any donation is locked; then each event is decided by the pure rules of
 * webhook-decisions.ts against the state the batch has built so far (the state machine only moves forwards,
 * repeats change nothing); and all the batch's changes, totals, owed receipts and events are committed in ONE
 * journal document, which the caller hands to the publisher and the folder.
 */
export async function applyStripeEvents(flows: DonationFlows, events: InboxEvent[]): Promise<AppliedBatch> {
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
        const charge = await chargeOf(flows, notice);
        targeted.push({
          event,
          notice,
          donationId,
          ...(charge ? { charge } : {}),
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
  const committed = await withLocks(flows, ids, async (): Promise<JournalEntry | null> => {
    for (const item of targeted) {
      const result = await inTraceOfWebhook(flows.tracer, item.event, () => decide(flows, work, item));
      outcomes.set(
        item.event.id,
        result === 'waiting'
          ? { eventId: item.event.id, result, donationId: item.donationId }
          : { eventId: item.event.id, result },
      );
    }
    if (work.changes.length === 0) return null;
    const createdAt = flows.now();
    const entry: JournalEntry = {
      id: flows.journal.nextId(createdAt),
      changes: work.changes,
      totals: [...work.totals.values()],
      mails: flows.mailer ? work.mails : [],
      messages: work.messages,
      createdAt,
    };
    await flows.donations.linkChanges(entry.changes);
    await flows.journal.commit(entry);
    // Until folded, this process answers for the batch's changes from memory.
    flows.donations.stage(entry.changes, [...work.states.values()]);
    flows.totals.stage(entry.id, entry.totals);
    return entry;
  });
  return {
    outcomes: events.map((event) => outcomes.get(event.id) ?? { eventId: event.id, result: 'done' as const }),
    changed: work.changed,
    committed,
    // Only a written batch counts: a batch that failed is decided again and counted then, once.
    counted: committed ? work.counted : [],
  };
}
