import { topics, type DonationEvent } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import type Stripe from 'stripe';
import type { Donation } from '../domain/donation.ts';
import type { ChargeRefundView, SettlementTransaction } from '../domain/settlement.ts';
import type { StripeNotice } from '../domain/stripe-notice.ts';
import {
  decideStripeNotice,
  installmentIdOf,
  type CountedDecision,
  type FigureDelta,
  type StripeFacts,
  type WebhookDecision,
} from '../domain/webhook-decisions.ts';
import { announcedEvent } from '../events/donation-events.ts';
import type { EventMove } from '../store/campaign-totals.store.ts';
import { effectKey } from '../store/donation-effects.store.ts';
import type { TotalsMove, WebhookEffect } from '../store/donation.model.ts';
import type { RecentMap } from '../store/recent-map.ts';
import type { WebhookView, WebhookWrite } from '../store/donation.store.ts';
import type { InboxEvent } from '../store/stripe-inbox.store.ts';
import { stripeNoticeOf } from '../stripe/payment-notice.ts';
import { donorOfGift, type GiftDonor } from './count-donor-geography.ts';
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

/**
 * Where a written batch's owed work goes: its events to Kafka, its receipts to the mail outbox, its consenting
 * donors to the donor geography.
 */
export interface WebhookOutlets {
  publish(messages: OutboxMessage[]): Promise<void>;
  oweReceipts(donationIds: string[]): Promise<void>;
  countDonors(donors: GiftDonor[]): Promise<void>;
  /**
   * Stripe events whose effects this process has already counted, owed and published: a copy delivered again
   * (Stripe retries) owes nothing then. Only a saving; without it (a restart, another instance) they are owed
   * again, which the totals, the mail outbox and every consumer take once.
   */
  owedHere: RecentMap<true>;
}

/** A batch applied: each event's outcome, the donations it changed, and what it publishes. */
export interface AppliedBatch {
  outcomes: InboxOutcome[];
  changed: Set<string>;
  /** The decisions that moved money, counted once the batch is written. */
  counted: CountedDecision[];
}

interface Targeted extends StripeFacts {
  event: InboxEvent;
  notice: StripeNotice;
  donationId: string;
}

/** How many times a batch reads and decides again the donations another writer moved under it. */
const decideAttempts = 5;

/** An event applied before: its effect, carried by its installment or recorded under a key. */
type Recorded = { subjectId: string; effect: WebhookEffect } | { subjectId: string; key: string };

/** One round of deciding: the states read and built so far, and what they write. */
class BatchWork {
  private readonly read: Map<string, WebhookView>;
  readonly states = new Map<string, Donation>();
  private readonly pending = new Map<string, PendingWrite>();
  /** Effects this round decided, by the donation (or installment) that records them. */
  readonly effects: { subjectId: string; effect: WebhookEffect; counted: CountedDecision[] }[] = [];
  /** Events applied before, whose effects are owed again: publishing, counting, receipt. */
  readonly repeated: Recorded[] = [];
  readonly flows: DonationFlows;

  constructor(flows: DonationFlows, read: Map<string, WebhookView>) {
    this.flows = flows;
    this.read = read;
    for (const [id, view] of read) this.states.set(id, view.donation);
  }

  donation(donationId: string): Donation | null {
    return this.states.get(donationId) ?? null;
  }

  /** Where the effect of a Stripe event already applied to this donation is, if it is. */
  appliedBefore(donationId: string, stripeEventId: string): Recorded | 'unrecorded' | null {
    const donation = this.states.get(donationId);
    if (!donation?.stripeEventIds.includes(stripeEventId)) return null;
    const decidedNow = this.effects.find(
      (entry) => entry.subjectId === donationId && entry.effect.stripeEventId === stripeEventId,
    );
    if (decidedNow) return { subjectId: donationId, effect: decidedNow.effect };
    const view = this.read.get(donationId);
    const embedded = view?.embedded.find((effect) => effect.stripeEventId === stripeEventId);
    if (embedded) return { subjectId: donationId, effect: embedded };
    const key = view?.effectKeys.find((candidate) => candidate.startsWith(`${stripeEventId}@`));
    // Applied by a version that did not record effects: its events went out with its journal.
    return key ? { subjectId: donationId, key } : 'unrecorded';
  }

  /** The effects a donation recorded before this round: published again ahead of its new events. */
  earlier(donationId: string): Recorded[] {
    const view = this.read.get(donationId);
    if (!view) return [];
    return [
      ...view.embedded.map((effect) => ({ subjectId: donationId, effect })),
      ...view.effectKeys.map((key) => ({ subjectId: donationId, key })),
    ];
  }

  /** What the round writes, each with the state it leads to. */
  writes(): WebhookWrite[] {
    return [...this.pending.values()].map((write) => ({
      ...write,
      after: this.states.get(write.donationId) as Donation,
    }));
  }

  /** Adds one decision; its events are made here, in the trace of the webhook that delivered it. */
  record(donation: Donation, stripeEventId: string, decision: WebhookDecision & { result: 'done' }): void {
    for (const note of decision.notes) this.flows.logger[note.level](note.context, note.message);
    const { effect: change } = decision;
    if (!change) return;
    const subject = change.kind === 'insert' ? change.donation : donation;
    const effect: WebhookEffect = {
      stripeEventId,
      messages: change.announce.map((announcement) =>
        JSON.stringify(outboxMessage(topics.donation, announcedEvent(announcement))),
      ),
      totals: totalsMoveOf(subject.campaignId, decision.counted),
      receiptOwed: decision.receiptOwed && this.flows.mailer !== null,
    };
    this.effects.push({ subjectId: subject.id, effect, counted: decision.counted });
    if (change.kind === 'insert') {
      this.states.set(subject.id, subject);
      this.pending.set(subject.id, {
        kind: 'insert',
        donationId: subject.id,
        doc: this.flows.donations.installmentDocument(subject, [effect]),
      });
      return;
    }
    this.states.set(donation.id, {
      ...donation,
      ...change.set,
      revision: donation.revision + 1,
      stripeEventIds: [...donation.stripeEventIds, stripeEventId],
    });
    const keyed = { key: effectKey(stripeEventId, donation.revision), effect };
    const before = this.pending.get(donation.id);
    this.pending.set(
      donation.id,
      before?.kind === 'update'
        ? {
            ...before,
            set: { ...before.set, ...change.set },
            stripeEventIds: [...before.stripeEventIds, stripeEventId],
            effects: [...before.effects, keyed],
          }
        : {
            kind: 'update',
            donationId: donation.id,
            fromRevision: donation.revision,
            set: change.set,
            stripeEventIds: [stripeEventId],
            effects: [keyed],
          },
    );
  }
}

/** A write being gathered; the state it leads to is added when the round writes. */
type PendingWrite = DistributiveOmit<WebhookWrite, 'after'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What one decision moves in its campaign's totals, as ONE move (a dispute closed before it was seen opens and
 * closes it in one decision: both parts count under the event's one operation). A held charge is never counted
 * in the totals: only the metrics see it.
 */
function totalsMoveOf(campaignId: string, moves: CountedDecision[]): TotalsMove[] {
  const counted = moves.filter((moved) => !moved.held);
  const first = counted[0];
  if (!first) return [];
  const delta: FigureDelta = {};
  for (const { delta: part } of counted)
    for (const [figure, value] of Object.entries(part) as [keyof FigureDelta, number][])
      delta[figure] = (delta[figure] ?? 0) + value;
  return [{ campaignId, currency: first.currency, delta }];
}

/** Decides one event against the state the round has built so far, and adds what it changes to the round. */
async function decide(flows: DonationFlows, work: BatchWork, item: Targeted): Promise<'done' | 'waiting'> {
  const donation = work.donation(item.donationId);
  if (!donation) {
    flows.logger.warn(
      { donationId: item.donationId, stripeEventId: item.event.id },
      'Stripe event for an unknown donation ignored',
    );
    return 'done';
  }
  // Applied before (a copy, or a crash before its events went out): owed again, never decided again.
  const appliedTo = item.notice.kind === 'invoice-paid' ? installmentIdOf(item.notice.notice) : donation.id;
  const before = work.appliedBefore(appliedTo, item.event.id);
  if (before) {
    if (before !== 'unrecorded') work.repeated.push(before);
    return 'done';
  }
  const facts: StripeFacts =
    item.notice.kind === 'invoice-paid'
      ? { ...item, installmentKnown: work.donation(installmentIdOf(item.notice.notice)) !== null }
      : item;
  const decision = decideStripeNotice(donation, item.notice, facts);
  if (decision.result === 'waiting') return 'waiting';
  work.record(donation, item.notice.notice.stripeEventId, decision);
  return 'done';
}

/** The gift a charge paid for: by the charge id, else the metadata or the PaymentIntent. */
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
    const known = (await donations.findByChargeId(charge.chargeId))?.id;
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
  const donation = await flows.donations.find(donationId);
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
  const donation = await flows.donations.find(donationId);
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

type Resolved = { subjectId: string; effect: WebhookEffect };

const succeededType: DonationEvent['type'] = 'org.diaspora-aid.donation.succeeded';

/** Whether an owed message announces a gift that succeeded (a one-off gift or a paid installment). */
const announcesSuccess = (message: OutboxMessage) => message.headers.ce_type === succeededType;

/**
 * The recorded effects themselves, of a round's earlier events and of its repeats: those carried as they are, the
 * keyed ones found in one read by `_id` for both.
 */
async function resolve(
  flows: DonationFlows,
  earlier: Recorded[],
  repeated: Recorded[],
): Promise<[Resolved[], Resolved[]]> {
  const keys = [...earlier, ...repeated].flatMap((entry) => ('key' in entry ? [entry.key] : []));
  const found = await flows.donations.effects.read(keys);
  const effectsOf = (recorded: Recorded[]) =>
    recorded.flatMap((entry): Resolved[] => {
      if ('effect' in entry) return [entry];
      const effect = found.get(entry.key);
      return effect ? [{ subjectId: entry.subjectId, effect }] : [];
    });
  return [effectsOf(earlier), effectsOf(repeated)];
}

/** The donations a round reads: each event's, and the installment a paid invoice would create. */
function readIdsOf(items: Targeted[]): string[] {
  const ids = new Set<string>();
  for (const item of items) {
    ids.add(item.donationId);
    if (item.notice.kind === 'invoice-paid') ids.add(installmentIdOf(item.notice.notice));
  }
  return [...ids];
}

/**
 * Applies a batch of inbox events in arrival order: Stripe is asked for what the events do not carry (fees,
 * refunds' balance transactions) before any donation is locked; then each event is decided by the pure rules of
 * webhook-decisions.ts against the state the batch has built so far (the state machine only moves forwards,
 * repeats change nothing), and each changed donation is written ONCE, guarded by the revision it was read at, with
 * the events it announces, the totals it moves and the receipt it owes (the outbox rule: state and events in one
 * write). A donation another writer moved meanwhile (this instance's HTTP requests are held off by the
 * in-process lock; another instance's are not) is read and decided again. Then, side by side, the totals are
 * counted once per event, the receipts owed, and the events published: a crash before all three are done leaves the
 * events in the inbox, and applying them again finds them recorded on their donation and owes exactly that again.
 */
export async function applyStripeEvents(
  flows: DonationFlows,
  events: InboxEvent[],
  outlets: WebhookOutlets,
): Promise<AppliedBatch> {
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
  const changed = new Set<string>();
  const counted: CountedDecision[] = [];
  const messages: OutboxMessage[] = [];
  const totals: EventMove[] = [];
  const receipts: string[] = [];
  const donors: GiftDonor[] = [];
  const owedNow: string[] = [];
  // `gift` is the state the round read or wrote for the effect's subject: a gift that succeeded counts its donor.
  const owe = (subjectId: string, effect: WebhookEffect, gift: Donation | null) => {
    owedNow.push(effect.stripeEventId);
    const owedMessages = effect.messages.map((text) => JSON.parse(text) as OutboxMessage);
    messages.push(...owedMessages);
    totals.push(...effect.totals.map((move) => ({ stripeEventId: effect.stripeEventId, move })));
    if (effect.receiptOwed) receipts.push(subjectId);
    const donor = gift && owedMessages.some(announcesSuccess) ? donorOfGift(gift) : null;
    if (donor) donors.push(donor);
  };

  await withLocks(flows, [...new Set(targeted.map((item) => item.donationId))], async () => {
    let open = targeted;
    for (let attempt = 0; attempt < decideAttempts && open.length > 0; attempt += 1) {
      const work = new BatchWork(flows, await flows.donations.readForWebhooks(readIdsOf(open)));
      const results = new Map<string, 'done' | 'waiting'>();
      for (const item of open)
        results.set(
          item.event.id,
          await inTraceOfWebhook(flows.tracer, item.event, () => decide(flows, work, item)),
        );
      const writes = work.writes();
      await flows.donations.linkWebhookWrites(writes);
      const conflicted = await flows.donations.writeWebhookChanges(writes);
      const moved = (item: Targeted) =>
        conflicted.has(item.donationId) ||
        (item.notice.kind === 'invoice-paid' && conflicted.has(installmentIdOf(item.notice.notice)));
      for (const item of open) {
        if (moved(item)) continue;
        const result = results.get(item.event.id) ?? 'done';
        outcomes.set(
          item.event.id,
          result === 'waiting'
            ? { eventId: item.event.id, result, donationId: item.donationId }
            : { eventId: item.event.id, result },
        );
      }
      // A donation's earlier events go out again ahead of its new ones: another instance that recorded them
      // may not have published them yet, and no consumer should see a refund before its gift (repeats are
      // dropped by id).
      const owedAgain: Recorded[] = [];
      const republished = new Set<string>();
      const fresh: Resolved[] = [];
      for (const { subjectId, effect, counted: moves } of work.effects) {
        if (conflicted.has(subjectId)) continue;
        if (!republished.has(subjectId)) {
          republished.add(subjectId);
          for (const earlier of work.earlier(subjectId)) owedAgain.push(earlier);
        }
        fresh.push({ subjectId, effect });
        counted.push(...moves);
        changed.add(subjectId);
      }
      // Earlier events only publish again; repeats owe all they recorded. Both are found in one read.
      const [earlierOnes, repeats] = await resolve(flows, owedAgain, work.repeated);
      for (const { effect } of earlierOnes)
        if (!outlets.owedHere.has(effect.stripeEventId))
          messages.push(...effect.messages.map((text) => JSON.parse(text) as OutboxMessage));
      for (const { subjectId, effect } of fresh) owe(subjectId, effect, work.donation(subjectId));
      for (const { subjectId, effect } of repeats)
        if (!outlets.owedHere.has(effect.stripeEventId)) owe(subjectId, effect, work.donation(subjectId));
      open = open.filter(moved);
    }
    for (const item of open) {
      flows.logger.warn(
        { stripeEventId: item.event.id, donationId: item.donationId },
        'donation kept changing while its Stripe event was applied; it will be tried again',
      );
      outcomes.set(item.event.id, { eventId: item.event.id, result: 'retry' });
    }
  });

  // The totals, the receipts, the donors and the events go out side by side: each is owed once whatever order they
  // land in, and the inbox keeps the batch until all are done, so any failure applies it again. The events do not
  // wait for the totals' writes on their way to Kafka. A failure is raised once all have finished, so a retry never
  // overlaps this batch's own writes.
  const owed = await Promise.allSettled([
    flows.totals.count(totals),
    receipts.length > 0 ? outlets.oweReceipts([...new Set(receipts)]) : Promise.resolve(),
    donors.length > 0 ? outlets.countDonors(donors) : Promise.resolve(),
    // One copy of each event: a batch may owe one twice (an earlier event of two changed donations' plan, a repeat).
    outlets.publish([...new Map(messages.map((message) => [message.payload, message])).values()]),
  ]);
  const failed = owed.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  for (const id of owedNow) outlets.owedHere.set(id, true);
  return {
    outcomes: events.map((event) => outcomes.get(event.id) ?? { eventId: event.id, result: 'done' as const }),
    changed,
    counted,
  };
}
