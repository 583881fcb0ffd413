import { isDuplicateKey, queueMessages, type OutboxMessage } from '@aid/store';
import type { Connection, UpdateQuery } from 'mongoose';
import type { Donation, StatusChange } from '../domain/donation.ts';
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
  | 'refunds'
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

/** A monthly installment, born succeeded from a paid invoice; its contact details are its plan's. */
export type NewInstallment = Omit<Donation, 'donor' | 'paymentIntentId' | 'stripeEventIds' | 'revision' | 'refunds' | 'disputes' | 'allocationIds' | 'customerId' | 'subscriptionStatus' | 'erasedAt' | 'refunded' | 'allocated'> & {
  stripeEventId: string;
};

/** Fields a guarded change may set; the store owns revision, event ids and the outbox. */
export type DonationChange = Partial<Pick<DonationDocument, 'status' | 'statusChangedAt' | 'fee' | 'net' | 'succeededAt' | 'chargeId' | 'refunded' | 'refunds' | 'disputes' | 'subscriptionStatus'>>;


export function createDonationStore(connection: Connection, cipher: DonorCipher) {
  const model = donationModel(connection);

  function toDonation(doc: DonationDocument): Donation {
    return {
      id: doc._id,
      campaignId: doc.campaignId,
      organizationId: doc.organizationId,
      amount: doc.amount,
      currency: doc.currency,
      interval: doc.interval,
      showName: doc.showName,
      countryOfResidence: doc.countryOfResidence ?? null,
      countryOfHeritage: doc.countryOfHeritage ?? null,
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
      refunds: (doc.refunds ?? []).map((refund) => ({ ...refund, reason: refund.reason ?? null, requestedBy: refund.requestedBy ?? null })),
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

  return {
    model,

    async insert(donation: NewDonation): Promise<void> {
      const { id, donor, ...rest } = donation;
      await model.create({
        ...rest,
        _id: id,
        donorSealed: donor ? cipher.seal(id, donor) : null,
        status: 'pending',
        paymentIntentId: null,
        fee: null,
        net: null,
        succeededAt: null,
        statusChangedAt: donation.createdAt,
        stripeEventIds: [],
      });
    },

    /** Installment, Stripe event id and announcement in one insert; false when this invoice was recorded before. */
    async insertInstallment(installment: NewInstallment, messages: OutboxMessage[]): Promise<boolean> {
      const { id, stripeEventId, ...rest } = installment;
      const queued = queueMessages(messages);
      try {
        await model.create({
          ...rest,
          _id: id,
          donorSealed: null,
          paymentIntentId: null,
          statusChangedAt: installment.succeededAt ?? installment.createdAt,
          stripeEventIds: [stripeEventId],
          outbox: queued.$push.outbox.$each,
          ...queued.$set,
        });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    async attachPaymentIntent(donationId: string, paymentIntentId: string): Promise<void> {
      await model.updateOne({ _id: donationId }, { $set: { paymentIntentId } });
    },

    async attachSubscription(donationId: string, ids: { customerId: string; subscriptionId: string }): Promise<void> {
      await model.updateOne({ _id: donationId }, { $set: { ...ids, subscriptionStatus: 'active' }, $inc: { revision: 1 } });
    },

    async find(donationId: string): Promise<Donation | null> {
      const doc = await model.findById(donationId).lean<DonationDocument>();
      return doc ? toDonation(doc) : null;
    },

    async findByChargeId(chargeId: string): Promise<Donation | null> {
      const doc = await model.findOne({ chargeId }).lean<DonationDocument>();
      return doc ? toDonation(doc) : null;
    },

    async findByPaymentIntentId(paymentIntentId: string): Promise<Donation | null> {
      const doc = await model.findOne({ paymentIntentId }).lean<DonationDocument>();
      return doc ? toDonation(doc) : null;
    },

    async findBySubscriptionId(subscriptionId: string): Promise<Donation | null> {
      const doc = await model.findOne({ subscriptionId }).lean<DonationDocument>();
      return doc ? toDonation(doc) : null;
    },

    /** Every gift handed out under one receipt code: a monthly plan and its installments. */
    async findByReceiptHash(receiptHash: string): Promise<Donation[]> {
      const docs = await model.find({ receiptHash }).sort({ createdAt: 1 }).lean<DonationDocument[]>();
      return docs.map(toDonation);
    },

    /**
     * A change decided from `revision`, the Stripe event that caused it (if any) and the events announcing it,
     * in ONE document write. A write decided from an older revision, or repeating an event id, matches nothing:
     * false means nothing changed and the caller decides again from a fresh read.
     */
    async applyChange(args: { donationId: string; revision: number; set: DonationChange; stripeEventId?: string; messages: OutboxMessage[] }): Promise<boolean> {
      const queued = args.messages.length > 0 ? queueMessages(args.messages) : undefined;
      const push = { ...(args.stripeEventId ? { stripeEventIds: args.stripeEventId } : {}), ...queued?.$push };
      const update: UpdateQuery<DonationDocument> = { $set: { ...args.set, ...queued?.$set }, $inc: { revision: 1 } };
      if (Object.keys(push).length > 0) update.$push = push;
      const filter: Record<string, unknown> = { _id: args.donationId, revision: args.revision };
      if (args.stripeEventId) filter.stripeEventIds = { $ne: args.stripeEventId };
      const result = await model.updateOne(filter, update);
      return result.modifiedCount === 1;
    },

    async applyStatusChange(args: { donationId: string; revision: number; stripeEventId: string; change: StatusChange; messages: OutboxMessage[] }): Promise<boolean> {
      const { change } = args;
      const settled = change.to === 'succeeded' ? { fee: change.fee, net: change.net, succeededAt: change.at, chargeId: change.chargeId } : {};
      return this.applyChange({
        donationId: args.donationId,
        revision: args.revision,
        stripeEventId: args.stripeEventId,
        set: { status: change.to, statusChangedAt: change.at, ...settled },
        messages: args.messages,
      });
    },

    /** One allocation counted once: its id guards the increment in the same write. */
    async addAllocation(donationId: string, allocationId: string, amount: number): Promise<boolean> {
      const result = await model.updateOne(
        { _id: donationId, allocationIds: { $ne: allocationId } },
        { $inc: { allocated: amount, revision: 1 }, $push: { allocationIds: allocationId } },
      );
      return result.modifiedCount === 1;
    },

    /** A refund Stripe accepted, pending until `charge.refunded` reports it; guarded like any change. */
    async addPendingRefund(donationId: string, revision: number, refund: Donation['refunds'][number]): Promise<boolean> {
      const result = await model.updateOne({ _id: donationId, revision }, { $push: { refunds: refund }, $inc: { revision: 1 } });
      return result.modifiedCount === 1;
    },

    /** Forgets the donor's name and email on every gift of one receipt; amounts and public references stay. */
    async erasePersonalData(receiptHash: string, at: Date): Promise<void> {
      await model.updateMany({ receiptHash, erasedAt: null }, { $set: { donorSealed: null, erasedAt: at, showName: false }, $inc: { revision: 1 } });
    },
  };
}

export type DonationStore = ReturnType<typeof createDonationStore>;
