import { defaultLocale, isSupportedLocale } from '@aid/i18n';
import { isDuplicateKey } from '@aid/store';
import type { Connection, UpdateQuery } from 'mongoose';
import type { Donation } from '../domain/donation.ts';
import type { DonationFields } from '../domain/webhook-decisions.ts';
import type { JournalChange } from './donation-journal.model.ts';
import { createDonationLinks, receiptLink, stripeIdLink, type LinkWrite } from './donation-links.store.ts';
import { donationModel, type DonationDocument } from './donation.model.ts';
import type { DonorCipher } from './donor-cipher.ts';

type Lifecycle =
  | 'status'
  | 'paymentIntentId'
  | 'fee'
  | 'net'
  | 'succeededAt'
  | 'stripeEventIds'
  | 'revision'
  | 'chargeId'
  | 'refunded'
  | 'settledAmount'
  | 'exchangeRate'
  | 'settlementHold'
  | 'settledRefunded'
  | 'refunds'
  | 'refundFailures'
  | 'disputes'
  | 'allocated'
  | 'allocationIds'
  | 'customerId'
  | 'subscriptionId'
  | 'subscriptionStatus'
  | 'parentId'
  | 'invoiceId'
  | 'erasedAt';

export type NewDonation = Omit<Donation, Lifecycle>;

/** What a new donation is paid through: a one-off PaymentIntent, or a monthly plan's customer and subscription. */
export type NewDonationPayment = { paymentIntentId: string } | { customerId: string; subscriptionId: string };

/** Donations held in memory at most (recent ones: their webhooks follow within minutes). */
const maxCached = 200_000;

/** The state after one journal change, or the same state when the change is older than it (already in). */
export function withChange(
  donation: Donation | null,
  change: JournalChange,
  toDonation: (doc: DonationDocument) => Donation,
): Donation | null {
  if (change.kind === 'insert') return donation ?? toDonation(change.doc as unknown as DonationDocument);
  if (!donation || donation.revision !== change.fromRevision) return donation;
  return {
    ...donation,
    ...(change.set as Partial<Donation>),
    revision: donation.revision + 1,
    stripeEventIds: [...donation.stripeEventIds, change.stripeEventId],
  };
}

export function createDonationStore(connection: Connection, cipher: DonorCipher) {
  const model = donationModel(connection);
  const links = createDonationLinks(connection);

  function toDonation(doc: DonationDocument): Donation {
    return {
      id: doc._id,
      campaignId: doc.campaignId,
      organizationId: doc.organizationId,
      amount: doc.amount,
      currency: doc.currency,
      settlementCurrency: doc.settlementCurrency ?? doc.currency,
      // Gifts from before: presented and settled were the same money.
      settledAmount:
        doc.settledAmount ?? (doc.status === 'succeeded' || doc.status === 'refunded' ? doc.amount : null),
      exchangeRate: doc.exchangeRate ?? null,
      settlementHold: doc.settlementHold ?? null,
      interval: doc.interval,
      showName: doc.showName,
      countryOfResidence: doc.countryOfResidence ?? null,
      countryOfHeritage: doc.countryOfHeritage ?? null,
      locale: isSupportedLocale(doc.locale) ? doc.locale : defaultLocale,
      geographyConsent: doc.geographyConsent === true,
      donorKey: doc.donorKey ?? null,
      donor: doc.donorSealed ? cipher.open(doc._id, doc.donorSealed) : null,
      publicRef: doc.publicRef,
      receiptHash: doc.receiptHash,
      status: doc.status,
      paymentIntentId: doc.paymentIntentId ?? null,
      fee: doc.fee ?? null,
      net: doc.net ?? null,
      createdAt: doc.createdAt,
      succeededAt: doc.succeededAt ?? null,
      stripeEventIds: doc.stripeEventIds ?? [],
      revision: doc.revision ?? 0,
      chargeId: doc.chargeId ?? null,
      refunded: doc.refunded ?? 0,
      settledRefunded:
        doc.settledRefunded ??
        (doc.settlementCurrency && doc.settlementCurrency !== doc.currency ? 0 : (doc.refunded ?? 0)),
      refunds: (doc.refunds ?? []).map((refund) => ({
        ...refund,
        reason: refund.reason ?? null,
        requestedBy: refund.requestedBy ?? null,
      })),
      refundFailures: doc.refundFailures ?? [],
      disputes: (doc.disputes ?? []).map((dispute) => ({ ...dispute, closedAt: dispute.closedAt ?? null })),
      allocated: doc.allocated ?? 0,
      allocationIds: doc.allocationIds ?? [],
      customerId: doc.customerId ?? null,
      subscriptionId: doc.subscriptionId ?? null,
      subscriptionStatus: doc.subscriptionStatus ?? null,
      parentId: doc.parentId ?? null,
      invoiceId: doc.invoiceId ?? null,
      erasedAt: doc.erasedAt ?? null,
    };
  }

  /**
   * Webhook changes are committed in journal batches (donation-journal.model.ts) and folded into these
   * documents afterwards. Until then this process holds them: `overlay` lists each donation's unfolded changes,
   * `cache` its current state (document plus overlay). Every other write first folds the donation's overlay
   * (`settle`), then writes the document with its revision guard, then drops the cached state, so on one
   * instance all writers see one sequence of revisions.
   */
  const cache = new Map<string, Donation>();
  const overlay = new Map<string, JournalChange[]>();
  const chargeIndex = new Map<string, string>();
  const settling = new Map<string, Promise<void>>();

  function remember(donation: Donation): void {
    cache.delete(donation.id);
    cache.set(donation.id, donation);
    if (donation.chargeId) chargeIndex.set(donation.chargeId, donation.id);
    if (cache.size <= maxCached) return;
    for (const id of cache.keys()) {
      if (cache.size <= maxCached) break;
      if (!overlay.has(id)) cache.delete(id);
    }
  }

  const forget = (donationId: string) => cache.delete(donationId);

  async function readDocument(donationId: string): Promise<Donation | null> {
    const doc = await model.findById(donationId).lean<DonationDocument>();
    return doc ? toDonation(doc) : null;
  }

  async function foldOne(change: JournalChange): Promise<void> {
    if (change.kind === 'insert') {
      try {
        await model.collection.insertOne(change.doc);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      return;
    }
    const result = await model.updateOne(
      { _id: change.donationId, revision: change.fromRevision },
      { $set: change.set, $inc: { revision: 1 }, $push: { stripeEventIds: change.stripeEventId } },
    );
    if (result.modifiedCount === 1) return;
    const doc = await model.findById(change.donationId, { revision: 1 }).lean<{ revision?: number }>();
    // Folded before (a replay after a crash, or an earlier settle): nothing to do.
    if (doc && (doc.revision ?? 0) > change.fromRevision) return;
    throw new Error(
      `donation ${change.donationId} is at revision ${doc?.revision ?? 'none'}, a journal change expects ${change.fromRevision}`,
    );
  }

  /** Brings the donation's document up to its journal changes; concurrent callers share one fold. */
  async function settle(donationId: string): Promise<void> {
    for (;;) {
      const running = settling.get(donationId);
      if (running) {
        await running;
        continue;
      }
      if (!overlay.has(donationId)) return;
      const run = (async () => {
        for (;;) {
          const first = overlay.get(donationId)?.[0];
          if (!first) return;
          await foldOne(first);
          // Changes staged meanwhile were appended behind it.
          const now = overlay.get(donationId) ?? [];
          if (now[0] !== first) continue;
          if (now.length > 1) overlay.set(donationId, now.slice(1));
          else overlay.delete(donationId);
        }
      })();
      settling.set(donationId, run);
      try {
        await run;
      } finally {
        settling.delete(donationId);
      }
    }
  }

  /** Donations by `_id`, in the order they were created; links to donations never stored are skipped. */
  async function readDocuments(donationIds: string[]): Promise<Donation[]> {
    if (donationIds.length === 0) return [];
    const docs = await model.find({ _id: { $in: donationIds } }).lean<DonationDocument[]>();
    return docs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map(toDonation);
  }

  return {
    model,
    links,

    /** Links for donations stored before they existed; run at start-up, before any webhook is decided. */
    backfillLinks: () => links.backfill(model),

    /**
     * Links for what a journal batch is about to record (a success's charge, an installment's receipt and
     * charge), written before the batch so a refund or dispute that follows it finds its gift.
     */
    async linkChanges(changes: JournalChange[]): Promise<void> {
      const writes: LinkWrite[] = [];
      for (const change of changes) {
        if (change.kind === 'insert') {
          const doc = change.doc as { receiptHash?: string; chargeId?: string | null };
          if (doc.receiptHash) writes.push(receiptLink(doc.receiptHash, change.donationId));
          if (doc.chargeId) writes.push(stripeIdLink('charge', doc.chargeId, change.donationId));
        } else if (typeof change.set.chargeId === 'string') {
          writes.push(stripeIdLink('charge', change.set.chargeId, change.donationId));
        }
      }
      await links.write(writes);
    },

    /** Current state for deciding a webhook change: memory first, else the document plus unfolded changes. */
    async current(donationId: string): Promise<Donation | null> {
      const cached = cache.get(donationId);
      if (cached) return cached;
      let donation = await readDocument(donationId);
      for (const change of overlay.get(donationId) ?? []) donation = withChange(donation, change, toDonation);
      if (donation) remember(donation);
      return donation;
    },

    /** The gift a charge paid for, known in memory when its success went through this process. */
    cachedIdOfCharge(chargeId: string): string | undefined {
      return chargeIndex.get(chargeId);
    },

    /** Changes of a committed journal batch, with the states they lead to. */
    stage(changes: JournalChange[], states: Donation[]): void {
      for (const change of changes)
        overlay.set(change.donationId, [...(overlay.get(change.donationId) ?? []), change]);
      for (const state of states) remember(state);
    },

    /** Changes of journal batches found at start-up, not folded before the process stopped. */
    restore(changes: JournalChange[]): void {
      for (const change of changes)
        overlay.set(change.donationId, [...(overlay.get(change.donationId) ?? []), change]);
    },

    settle,

    /** Unfolded changes held in memory, for metrics and tests. */
    overlaySize(): number {
      let size = 0;
      for (const changes of overlay.values()) size += changes.length;
      return size;
    },

    /** The document of a monthly installment, as a journal change inserts it; its contact is its plan's. */
    installmentDocument(installment: Donation): Record<string, unknown> {
      return {
        _id: installment.id,
        campaignId: installment.campaignId,
        organizationId: installment.organizationId,
        amount: installment.amount,
        currency: installment.currency,
        settlementCurrency: installment.settlementCurrency,
        settledAmount: installment.settledAmount,
        exchangeRate: installment.exchangeRate,
        settlementHold: installment.settlementHold,
        interval: installment.interval,
        showName: installment.showName,
        countryOfResidence: installment.countryOfResidence,
        countryOfHeritage: installment.countryOfHeritage,
        locale: installment.locale,
        geographyConsent: installment.geographyConsent,
        donorKey: installment.donorKey,
        donorSealed: null,
        publicRef: installment.publicRef,
        receiptHash: installment.receiptHash,
        status: installment.status,
        paymentIntentId: null,
        fee: installment.fee,
        net: installment.net,
        createdAt: installment.createdAt,
        succeededAt: installment.succeededAt,
        statusChangedAt: installment.succeededAt ?? installment.createdAt,
        stripeEventIds: installment.stripeEventIds,
        revision: 0,
        chargeId: installment.chargeId,
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
        parentId: installment.parentId,
        invoiceId: installment.invoiceId,
        erasedAt: null,
      };
    },

    /**
     * A new donation with the Stripe object the donor pays through, in one document write after its links (a
     * link to a donation not written yet names nothing). Stripe is asked first: the donor can only pay once the
     * answer that follows this write reaches them, so every webhook finds the donation.
     */
    async insert(donation: NewDonation, payment: NewDonationPayment): Promise<void> {
      const { id, donor, ...rest } = donation;
      const paidThrough =
        'paymentIntentId' in payment
          ? { paymentIntentId: payment.paymentIntentId }
          : {
              paymentIntentId: null,
              customerId: payment.customerId,
              subscriptionId: payment.subscriptionId,
              subscriptionStatus: 'active' as const,
            };
      const doc = {
        ...rest,
        _id: id,
        donorSealed: donor ? cipher.seal(id, donor) : null,
        status: 'pending' as const,
        ...paidThrough,
        fee: null,
        net: null,
        settledAmount: null,
        exchangeRate: null,
        settlementHold: null,
        settledRefunded: 0,
        succeededAt: null,
        statusChangedAt: donation.createdAt,
        stripeEventIds: [],
      };
      await links.write([
        receiptLink(donation.receiptHash, id),
        'paymentIntentId' in payment
          ? stripeIdLink('payment-intent', payment.paymentIntentId, id)
          : stripeIdLink('subscription', payment.subscriptionId, id),
      ]);
      const created = await model.create(doc);
      remember(toDonation(created.toObject()));
    },

    /** The donation as stored, after folding its pending journal changes. */
    async find(donationId: string): Promise<Donation | null> {
      await settle(donationId);
      return readDocument(donationId);
    },

    async findByChargeId(chargeId: string): Promise<Donation | null> {
      const known = chargeIndex.get(chargeId) ?? (await links.donationOfStripeId('charge', chargeId));
      return known ? this.find(known) : null;
    },

    async findByPaymentIntentId(paymentIntentId: string): Promise<Donation | null> {
      const known = await links.donationOfStripeId('payment-intent', paymentIntentId);
      return known ? this.find(known) : null;
    },

    async findBySubscriptionId(subscriptionId: string): Promise<Donation | null> {
      const known = await links.donationOfStripeId('subscription', subscriptionId);
      return known ? this.find(known) : null;
    },

    /** Every gift handed out under one receipt code: a monthly plan and its installments. */
    async findByReceiptHash(receiptHash: string): Promise<Donation[]> {
      const ids = await links.donationsOfReceipt(receiptHash);
      // Installments may still be journal changes only: fold them first.
      for (const id of ids) await settle(id);
      return readDocuments(ids);
    },

    /**
     * A change decided from `revision` and the Stripe event that caused it (if any), in ONE guarded document
     * write. A write decided from an older revision, or repeating an event id, matches nothing: false means
     * nothing changed and the caller decides again from a fresh read.
     */
    async applyChange(args: {
      donationId: string;
      revision: number;
      set: DonationFields;
      stripeEventId?: string;
    }): Promise<boolean> {
      await settle(args.donationId);
      const update: UpdateQuery<DonationDocument> = { $set: args.set, $inc: { revision: 1 } };
      if (args.stripeEventId) update.$push = { stripeEventIds: args.stripeEventId };
      const filter: Record<string, unknown> = { _id: args.donationId, revision: args.revision };
      if (args.stripeEventId) filter.stripeEventIds = { $ne: args.stripeEventId };
      const result = await model.updateOne(filter, update);
      forget(args.donationId);
      return result.modifiedCount === 1;
    },

    /** One allocation counted once: its id guards the increment in the same write. */
    async addAllocation(donationId: string, allocationId: string, amount: number): Promise<boolean> {
      await settle(donationId);
      const result = await model.updateOne(
        { _id: donationId, allocationIds: { $ne: allocationId } },
        { $inc: { allocated: amount, revision: 1 }, $push: { allocationIds: allocationId } },
      );
      forget(donationId);
      return result.modifiedCount === 1;
    },

    /** A refund Stripe accepted, pending until `charge.refunded` reports it; guarded like any change. */
    async addPendingRefund(
      donationId: string,
      revision: number,
      refund: Donation['refunds'][number],
    ): Promise<boolean> {
      await settle(donationId);
      const result = await model.updateOne(
        { _id: donationId, revision },
        { $push: { refunds: refund }, $inc: { revision: 1 } },
      );
      forget(donationId);
      return result.modifiedCount === 1;
    },

    /**
     * Forgets the donor's name, email, countries and donor key on every gift of one receipt; amounts and public
     * references stay. A donor already counted in a released geography stays in those aggregates.
     */
    async erasePersonalData(receiptHash: string, at: Date): Promise<void> {
      const ids = await links.donationsOfReceipt(receiptHash);
      for (const id of ids) await settle(id);
      if (ids.length > 0) {
        await model.updateMany(
          { _id: { $in: ids }, erasedAt: null },
          {
            $set: {
              donorSealed: null,
              erasedAt: at,
              showName: false,
              countryOfResidence: null,
              countryOfHeritage: null,
              geographyConsent: false,
              donorKey: null,
            },
            $inc: { revision: 1 },
          },
        );
      }
      for (const id of ids) forget(id);
    },

    /**
     * Messages an earlier version queued inside donation documents: moved once, at start-up, to the batch
     * outbox the relay now reads, so none is lost by the upgrade.
     */
    async legacyOutbox(): Promise<{ donationId: string; stored: string[] }[]> {
      const docs = await model
        .find({ outboxSince: { $exists: true } }, { outbox: 1 })
        .lean<{ _id: string; outbox?: string[] }[]>();
      return docs.map((doc) => ({ donationId: doc._id, stored: doc.outbox ?? [] }));
    },

    async clearLegacyOutbox(donationId: string, stored: string[]): Promise<void> {
      await model.updateOne(
        { _id: donationId },
        { $pullAll: { outbox: stored }, $unset: { outboxSince: 1 } },
      );
    },
  };
}

export type DonationStore = ReturnType<typeof createDonationStore>;
