import { defaultLocale, isSupportedLocale } from '@aid/i18n';
import { inCommands, insertNew } from '@aid/store';
import type { Connection, UpdateQuery } from 'mongoose';
import type { Donation } from '../domain/donation.ts';
import type { DonationFields } from '../domain/webhook-decisions.ts';
import { createDonationLinks, receiptLink, stripeIdLink, type LinkWrite } from './donation-links.store.ts';
import { createDonationEffects } from './donation-effects.store.ts';
import { RecentMap } from './recent-map.ts';
import { donationModel, type DonationDocument, type WebhookEffect } from './donation.model.ts';
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

/**
 * What a webhook batch writes for one donation, decided from the state it read: the batch's changes of an
 * existing donation as ONE update guarded by the revision they were decided from (several events of one batch
 * merge: later fields win, every event id and effect is kept), or a monthly installment's whole document.
 * `after` is the state the write leads to.
 */
export type WebhookWrite =
  | {
      kind: 'update';
      donationId: string;
      fromRevision: number;
      set: DonationFields;
      stripeEventIds: string[];
      effects: { key: string; effect: WebhookEffect }[];
      after: Donation;
    }
  | { kind: 'insert'; donationId: string; doc: Record<string, unknown>; after: Donation };

/**
 * A donation as a webhook batch reads it: its state, the keys of the effects of the Stripe events it applied
 * (donation-effects.store.ts), and those an installment carries itself.
 */
export interface WebhookView {
  donation: Donation;
  effectKeys: string[];
  embedded: WebhookEffect[];
}

/**
 * Donations a webhook batch may read without asking the database: those this instance created or wrote last
 * (a gift's webhooks follow its creation within minutes). Only a saving: every write is guarded by the revision
 * it was decided from, so a state another writer (another instance) has moved on makes the write miss, and the
 * donation is read again from the database.
 */
const maxRemembered = 50_000;

export function createDonationStore(connection: Connection, cipher: DonorCipher) {
  const model = donationModel(connection);
  const links = createDonationLinks(connection);
  const effects = createDonationEffects(connection);
  const remembered = new RecentMap<WebhookView>(maxRemembered);
  const remember = (view: WebhookView) => remembered.set(view.donation.id, view);
  const forget = (donationId: string) => remembered.delete(donationId);

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

  async function readDocument(donationId: string): Promise<Donation | null> {
    const doc = await model.findById(donationId).lean<DonationDocument>();
    return doc ? toDonation(doc) : null;
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
     * The gifts that succeeded (refunded ones too) whose donor agreed to be counted, a page at a time: a scan by
     * fields other than `_id`, for a start-up migration only, never on a request's path.
     */
    async *consentingGifts(pageSize = 1_000): AsyncGenerator<Donation[]> {
      let page: Donation[] = [];
      const cursor = model
        .find({
          geographyConsent: true,
          donorKey: { $type: 'string' },
          status: { $in: ['succeeded', 'refunded'] },
        })
        .lean<DonationDocument[]>()
        .cursor();
      for await (const doc of cursor) {
        page.push(toDonation(doc));
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },

    /**
     * Links for what a webhook batch is about to write (a success's charge, an installment's receipt and
     * charge), written before it so a refund or dispute that follows finds its gift.
     */
    async linkWebhookWrites(writes: WebhookWrite[]): Promise<void> {
      const linkWrites: LinkWrite[] = [];
      for (const write of writes) {
        if (write.kind === 'insert') {
          const doc = write.doc as { receiptHash?: string; chargeId?: string | null };
          if (doc.receiptHash) linkWrites.push(receiptLink(doc.receiptHash, write.donationId));
          if (doc.chargeId) linkWrites.push(stripeIdLink('charge', doc.chargeId, write.donationId));
        } else if (typeof write.set.chargeId === 'string') {
          linkWrites.push(stripeIdLink('charge', write.set.chargeId, write.donationId));
        }
      }
      await links.write(linkWrites);
    },

    /** The donations a webhook batch decides against: remembered ones, the rest in one read by `_id`; unknown ids are absent. */
    async readForWebhooks(donationIds: string[]): Promise<Map<string, WebhookView>> {
      const views = new Map<string, WebhookView>();
      const missing = donationIds.filter((id) => {
        const known = remembered.get(id);
        if (known) views.set(id, known);
        return !known;
      });
      if (missing.length === 0) return views;
      const docs = await model.find({ _id: { $in: missing } }).lean<DonationDocument[]>();
      for (const doc of docs)
        views.set(doc._id, {
          donation: toDonation(doc),
          effectKeys: doc.webhookEffectKeys ?? [],
          embedded: doc.webhookEffects ?? [],
        });
      return views;
    },

    effects,

    /**
     * Writes a webhook batch: installments in one insert, changes in guarded updates (a few commands of many
     * statements). Answers the donations whose write did not land because another writer (an HTTP request, or
     * another instance applying its own events) moved them first, or whose installment exists already: the
     * caller reads and decides those again. Every other write is durable when this resolves.
     */
    async writeWebhookChanges(writes: WebhookWrite[]): Promise<Set<string>> {
      const conflicted = new Set<string>();
      const updates = writes.filter((write) => write.kind === 'update');
      // Before the writes that name them: a donation that records an event always finds its effect.
      await effects.insert(updates.flatMap((write) => write.effects));
      const inserts = writes.filter((write) => write.kind === 'insert');
      const taken = await insertNew(
        model.collection,
        inserts.map((write) => write.doc),
      );
      for (const position of taken) conflicted.add((inserts[position] as WebhookWrite).donationId);
      for (const chunk of inCommands(updates)) {
        const result = await model.collection.bulkWrite(
          chunk.map((write) => ({
            updateOne: {
              filter: { _id: write.donationId, revision: write.fromRevision },
              update: {
                $set: write.set,
                $inc: { revision: write.stripeEventIds.length },
                $push: {
                  stripeEventIds: { $each: write.stripeEventIds },
                  webhookEffectKeys: { $each: write.effects.map((entry) => entry.key) },
                },
              },
            },
          })) as never,
          { ordered: false },
        );
        if (result.modifiedCount === chunk.length) continue;
        // Which ones missed: a write that landed left its revision and its last event id.
        const after = await model
          .find({ _id: { $in: chunk.map((write) => write.donationId) } }, { revision: 1, stripeEventIds: 1 })
          .lean<{ _id: string; revision?: number; stripeEventIds?: string[] }[]>();
        const byId = new Map(after.map((doc) => [doc._id, doc]));
        const landed = (write: (typeof chunk)[number]) => {
          const doc = byId.get(write.donationId);
          return (
            doc !== undefined &&
            (doc.revision ?? 0) === write.fromRevision + write.stripeEventIds.length &&
            doc.stripeEventIds?.includes(write.stripeEventIds.at(-1) ?? '') === true
          );
        };
        for (const write of chunk) if (!landed(write)) conflicted.add(write.donationId);
      }
      for (const write of writes) {
        if (conflicted.has(write.donationId)) {
          forget(write.donationId);
          continue;
        }
        const before = remembered.get(write.donationId);
        remember(
          write.kind === 'insert'
            ? {
                donation: write.after,
                effectKeys: [],
                embedded: (write.doc.webhookEffects as WebhookEffect[]) ?? [],
              }
            : {
                donation: write.after,
                effectKeys: [...(before?.effectKeys ?? []), ...write.effects.map((entry) => entry.key)],
                embedded: before?.embedded ?? [],
              },
        );
      }
      return conflicted;
    },

    /** The document of a monthly installment, as a webhook batch inserts it; its contact is its plan's. */
    installmentDocument(installment: Donation, effects: WebhookEffect[]): Record<string, unknown> {
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
        webhookEffects: effects,
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
      remember({ donation: toDonation(created.toObject()), effectKeys: [], embedded: [] });
    },

    /** The donation as stored: every applied change is in its document. */
    find: readDocument,

    async findByChargeId(chargeId: string): Promise<Donation | null> {
      const known = await links.donationOfStripeId('charge', chargeId);
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
      return readDocuments(await links.donationsOfReceipt(receiptHash));
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
      for (const id of ids) forget(id);
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
