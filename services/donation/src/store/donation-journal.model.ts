import mongoose, { type Connection, type Model } from 'mongoose';
import type { DonationFields } from '../domain/webhook-decisions.ts';

/** One change of one donation, decided from `fromRevision`; folding it again after it landed changes nothing. */
export type JournalChange =
  | { kind: 'update'; donationId: string; fromRevision: number; set: DonationFields; stripeEventId: string }
  /** A monthly installment born from a paid invoice: the whole document, inserted once. */
  | { kind: 'insert'; donationId: string; doc: Record<string, unknown> };

/** What one batch changes in a campaign's totals, in minor units (see campaign-totals.model.ts). */
export interface TotalsDelta {
  campaignId: string;
  currency: string;
  gifts: number;
  raised: number;
  fees: number;
  refunded: number;
  disputed: number;
  refundsReversed: number;
}

/**
 * One batch of applied Stripe events as an earlier version committed it: every donation change it decided, the
 * campaign totals it moves, the receipts it owes and the events announcing it, all in ONE document, brought into
 * donation documents and totals afterwards ("folded") by guarded writes that a replay cannot apply twice. Only
 * read now, to drain what that version left (legacy-journal.store.ts).
 */
export interface DonationJournalDocument {
  _id: string;
  changes: JournalChange[];
  totals: TotalsDelta[];
  /** Donation ids whose receipt email is owed (only when SMTP is configured). */
  mails: string[];
  /** The batch's events (outbox messages as JSON), published from memory and again after a restart. */
  messages: string[];
  createdAt: Date;
}

const journalSchema = new mongoose.Schema<DonationJournalDocument>(
  {
    _id: { type: String, required: true },
    changes: { type: mongoose.Schema.Types.Mixed, default: [] },
    totals: { type: mongoose.Schema.Types.Mixed, default: [] },
    mails: { type: [String], default: [] },
    messages: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Read whole at start-up (only batches an earlier version left) and deleted by _id once drained.

export function donationJournalModel(connection: Connection): Model<DonationJournalDocument> {
  return connection.model<DonationJournalDocument>('DonationJournal', journalSchema, 'donation_journal');
}
