import { outboxFields, withOutboxIndex } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import { donationStatuses, type DonationInterval, type DonationStatus } from '../domain/donation.ts';

export interface DonationDocument {
  _id: string;
  campaignId: string;
  organizationId: string;
  amount: number;
  currency: string;
  interval: DonationInterval;
  showName: boolean;
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  /** Email and name, encrypted (see donor-cipher.ts); never stored in clear. */
  donorSealed: string;
  publicRef: string;
  /** Only the hash of the receipt code is kept: a leaked database reveals no codes. */
  receiptHash: string;
  status: DonationStatus;
  paymentIntentId: string | null;
  fee: number | null;
  net: number | null;
  createdAt: Date;
  succeededAt: Date | null;
  statusChangedAt: Date;
  /** Stripe events already applied: a redelivered webhook is recognised and changes nothing. */
  stripeEventIds: string[];
  outbox: string[];
  outboxSince?: Date;
}

const donationSchema = new mongoose.Schema<DonationDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    organizationId: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    interval: { type: String, enum: ['once', 'month'], required: true },
    showName: { type: Boolean, required: true },
    countryOfResidence: { type: String, default: null },
    countryOfHeritage: { type: String, default: null },
    donorSealed: { type: String, required: true },
    publicRef: { type: String, required: true },
    receiptHash: { type: String, required: true },
    status: { type: String, enum: donationStatuses, required: true },
    paymentIntentId: { type: String, default: null },
    fee: { type: Number, default: null },
    net: { type: Number, default: null },
    createdAt: { type: Date, required: true },
    succeededAt: { type: Date, default: null },
    statusChangedAt: { type: Date, required: true },
    stripeEventIds: { type: [String], default: [] },
    ...outboxFields,
  },
  { versionKey: false },
);
// Not a query: guarantees that a public reference names exactly one gift on the ledger.
donationSchema.index({ publicRef: 1 }, { unique: true });
withOutboxIndex(donationSchema);

export function donationModel(connection: Connection): Model<DonationDocument> {
  return connection.model<DonationDocument>('Donation', donationSchema, 'donations');
}
