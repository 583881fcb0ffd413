import { createIdLinks } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { SignInLink, SignInLinkPurpose } from '../domain/sign-in.ts';

interface SignInLinkDocument {
  _id: string;
  organizationId: string;
  memberId: string;
  purpose: SignInLinkPurpose;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

const signInLinkSchema = new mongoose.Schema<SignInLinkDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    memberId: { type: String, required: true },
    purpose: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

function toLink(doc: SignInLinkDocument): SignInLink {
  return {
    tokenHash: doc._id,
    organizationId: doc.organizationId,
    memberId: doc.memberId,
    purpose: doc.purpose,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
    usedAt: doc.usedAt ? doc.usedAt.toISOString() : null,
  };
}

export type SignInStore = ReturnType<typeof signInStore>;

/**
 * One-time sign-in links, keyed by the hash of their secret, and which organizations an email address is a
 * member of (a person may belong to several), keyed by the address: both are read by `_id` only.
 */
export function signInStore(connection: Connection) {
  const model: Model<SignInLinkDocument> =
    (connection.models['SignInLink'] as Model<SignInLinkDocument> | undefined) ??
    connection.model<SignInLinkDocument>('SignInLink', signInLinkSchema, 'sign_in_links');
  const emails = createIdLinks(connection, 'member_email_links');
  return {
    async insert(link: SignInLink): Promise<void> {
      await model.create({
        _id: link.tokenHash,
        organizationId: link.organizationId,
        memberId: link.memberId,
        purpose: link.purpose,
        createdAt: new Date(link.createdAt),
        expiresAt: new Date(link.expiresAt),
        usedAt: null,
      });
    },

    /**
     * Marks an unused, unexpired link used and returns it, in one conditional write: of two tabs opening the same
     * link at once, one signs in. Otherwise returns the link as it stands (used, expired) or null, for the reason.
     */
    async redeem(
      tokenHash: string,
      now: Date,
    ): Promise<{ redeemed: true; link: SignInLink } | { redeemed: false; link: SignInLink | null }> {
      const before = await model
        .findOneAndUpdate(
          { _id: tokenHash, usedAt: null, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
          { returnDocument: 'before' },
        )
        .lean<SignInLinkDocument>();
      if (before) return { redeemed: true, link: toLink(before) };
      const current = await model.findById(tokenHash).lean<SignInLinkDocument>();
      return { redeemed: false, link: current ? toLink(current) : null };
    },

    /** Remembers that this address is a member of this organization (idempotent). */
    linkEmail: (email: string, organizationId: string) => emails.addTarget(email, organizationId),

    organizationsOf: (email: string) => emails.targetsOf(email),

    /** Addresses of members stored before these links existed: once per database, at start-up. */
    backfillEmails: (entries: () => Promise<[email: string, organizationId: string][]>) =>
      emails.backfillOnce('member-emails-v1', entries, 'set'),
  };
}
