import { queueMessages, type OutboxMessage } from '@aid/store';
import type { Connection } from 'mongoose';
import type { Donation, StatusChange } from '../domain/donation.ts';
import { donationModel, type DonationDocument } from './donation.model.ts';
import type { DonorCipher } from './donor-cipher.ts';

export type NewDonation = Omit<Donation, 'status' | 'paymentIntentId' | 'fee' | 'net' | 'succeededAt' | 'stripeEventIds'>;

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
      donor: cipher.open(doc._id, doc.donorSealed),
      publicRef: doc.publicRef,
      receiptHash: doc.receiptHash,
      status: doc.status,
      paymentIntentId: doc.paymentIntentId ?? null,
      fee: doc.fee ?? null,
      net: doc.net ?? null,
      createdAt: doc.createdAt,
      succeededAt: doc.succeededAt ?? null,
      stripeEventIds: doc.stripeEventIds ?? [],
    };
  }

  return {
    model,

    async insert(donation: NewDonation): Promise<void> {
      const { id, donor, ...rest } = donation;
      await model.create({
        ...rest,
        _id: id,
        donorSealed: cipher.seal(id, donor),
        status: 'pending',
        paymentIntentId: null,
        fee: null,
        net: null,
        succeededAt: null,
        statusChangedAt: donation.createdAt,
        stripeEventIds: [],
      });
    },

    async attachPaymentIntent(donationId: string, paymentIntentId: string): Promise<void> {
      await model.updateOne({ _id: donationId }, { $set: { paymentIntentId } });
    },

    async find(donationId: string): Promise<Donation | null> {
      const doc = await model.findById(donationId).lean<DonationDocument>();
      return doc ? toDonation(doc) : null;
    },

    /**
     * The status change, the Stripe event id that caused it and the events announcing it, in ONE document
     * write. Guarded by the status it was decided from and by the event id, so a concurrent or repeated webhook
     * cannot apply twice; false means the guard failed and nothing changed.
     */
    async applyStatusChange(args: { donationId: string; stripeEventId: string; change: StatusChange; messages: OutboxMessage[] }): Promise<boolean> {
      const { change } = args;
      const queued = args.messages.length > 0 ? queueMessages(args.messages) : undefined;
      const settled = change.to === 'succeeded' ? { fee: change.fee, net: change.net, succeededAt: change.at } : {};
      const result = await model.updateOne(
        { _id: args.donationId, status: change.from, stripeEventIds: { $ne: args.stripeEventId } },
        {
          $set: { status: change.to, statusChangedAt: change.at, ...settled, ...queued?.$set },
          $push: { stripeEventIds: args.stripeEventId, ...queued?.$push },
        },
      );
      return result.modifiedCount === 1;
    },
  };
}

export type DonationStore = ReturnType<typeof createDonationStore>;
