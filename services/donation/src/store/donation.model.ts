import { outboxFields, withOutboxIndex } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import {
  donationStatuses,
  type DisputeRecord,
  type DonationInterval,
  type DonationStatus,
  type RefundFailure,
  type RefundRecord,
} from '../domain/donation.ts';
import type { FigureDelta } from '../domain/webhook-decisions.ts';

/** A campaign-totals move, in its currency (a held charge moves none). */
export interface TotalsMove {
  campaignId: string;
  currency: string;
  delta: FigureDelta;
}

/** What one applied Stripe event owes beyond the donation's own fields. */
export interface WebhookEffect {
  stripeEventId: string;
  /** The public events it announced, as outbox messages in JSON. */
  messages: string[];
  totals: TotalsMove[];
  receiptOwed: boolean;
}

export interface DonationDocument {
  _id: string;
  campaignId: string;
  organizationId: string;
  amount: number;
  currency: string;
  /** Absent on gifts recorded before donors paid in their own currency: then it is `currency`. */
  settlementCurrency?: string | null;
  settledAmount?: number | null;
  exchangeRate?: string | null;
  settlementHold?: string | null;
  settledRefunded?: number | null;
  interval: DonationInterval;
  showName: boolean;
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  /** The donor's language for receipts; absent on gifts recorded before languages were kept (English). */
  locale?: string;
  /** Absent on gifts recorded before consent was asked: they are never counted. */
  geographyConsent?: boolean;
  donorKey?: string | null;
  /**
   * Email and name, encrypted (see donor-cipher.ts); never stored in clear. Null once erased at the donor's
   * request, and on monthly installments, whose contact is their plan's.
   */
  donorSealed: string | null;
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
  /**
   * The effect of each applied Stripe event (donation-effects.store.ts), named in the same write as the change:
   * an event applied again (a crash before its events went out, a copy at another instance) publishes and counts
   * from there, once more at most, since consumers and the totals take each once.
   */
  webhookEffectKeys?: string[];
  /** A monthly installment's effect, inserted with it (it is born with its one Stripe event). */
  webhookEffects?: WebhookEffect[];
  revision: number;
  chargeId: string | null;
  refunded: number;
  refunds: RefundRecord[];
  refundFailures?: RefundFailure[];
  disputes: DisputeRecord[];
  allocated: number;
  allocationIds: string[];
  customerId: string | null;
  subscriptionId: string | null;
  subscriptionStatus: 'active' | 'canceled' | null;
  parentId: string | null;
  invoiceId: string | null;
  erasedAt: Date | null;
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
    settlementCurrency: { type: String, default: null },
    settledAmount: { type: Number, default: null },
    exchangeRate: { type: String, default: null },
    settlementHold: { type: String, default: null },
    settledRefunded: { type: Number, default: null },
    interval: { type: String, enum: ['once', 'month'], required: true },
    showName: { type: Boolean, required: true },
    countryOfResidence: { type: String, default: null },
    countryOfHeritage: { type: String, default: null },
    locale: { type: String, default: 'en' },
    geographyConsent: { type: Boolean, default: false },
    donorKey: { type: String, default: null },
    donorSealed: { type: String, default: null },
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
    webhookEffectKeys: { type: [String], default: undefined },
    webhookEffects: { type: mongoose.Schema.Types.Mixed, default: undefined },
    revision: { type: Number, default: 0 },
    chargeId: { type: String, default: null },
    refunded: { type: Number, default: 0 },
    refunds: {
      type: [
        {
          _id: false,
          refundId: String,
          amount: Number,
          status: String,
          reason: { type: String, default: null },
          requestedBy: { type: String, default: null },
          at: Date,
        },
      ],
      default: [],
    },
    refundFailures: {
      type: [{ _id: false, refundId: String, amount: Number, at: Date, restored: Boolean }],
      default: undefined,
    },
    disputes: {
      type: [
        {
          _id: false,
          disputeId: String,
          amount: Number,
          status: String,
          openedAt: Date,
          closedAt: { type: Date, default: null },
        },
      ],
      default: [],
    },
    allocated: { type: Number, default: 0 },
    allocationIds: { type: [String], default: [] },
    customerId: { type: String, default: null },
    subscriptionId: { type: String, default: null },
    subscriptionStatus: { type: String, default: null },
    parentId: { type: String, default: null },
    invoiceId: { type: String, default: null },
    erasedAt: { type: Date, default: null },
    ...outboxFields,
  },
  { versionKey: false },
);
// Refunds, disputes and invoices name a charge, PaymentIntent or subscription, and a receipt names its gifts: those
// are found through `_id`-keyed links (donation-link.model.ts), not indexes the local database would not use.
// One invoice becomes at most one installment through the installment's _id, derived from the invoice id.
// Not a query: guarantees that a public reference names exactly one gift on the ledger.
donationSchema.index({ publicRef: 1 }, { unique: true });
withOutboxIndex(donationSchema);

export function donationModel(connection: Connection): Model<DonationDocument> {
  return connection.model<DonationDocument>('Donation', donationSchema, 'donations');
}
