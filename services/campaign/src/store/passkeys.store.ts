import { createIdLinks } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

export interface StoredPasskey {
  /** The credential id (base64url), the `_id`: a sign-in finds its passkey by it. */
  id: string;
  memberId: string;
  organizationId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter; one that goes back marks a cloned authenticator. */
  counter: number;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

export type ChallengePurpose = 'register' | 'sign-in';

export interface PendingChallenge {
  id: string;
  challenge: string;
  purpose: ChallengePurpose;
  /** Who is adding a passkey; null for a sign-in, where the passkey itself says who. */
  memberId: string | null;
  organizationId: string | null;
  expiresAt: string;
}

interface PasskeyDocument {
  _id: string;
  memberId: string;
  organizationId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

interface ChallengeDocument {
  _id: string;
  challenge: string;
  purpose: ChallengePurpose;
  memberId: string | null;
  organizationId: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

const passkeySchema = new mongoose.Schema<PasskeyDocument>(
  {
    _id: { type: String, required: true },
    memberId: { type: String, required: true },
    organizationId: { type: String, required: true },
    publicKey: { type: String, required: true },
    counter: { type: Number, required: true },
    transports: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

const challengeSchema = new mongoose.Schema<ChallengeDocument>(
  {
    _id: { type: String, required: true },
    challenge: { type: String, required: true },
    purpose: { type: String, required: true },
    memberId: { type: String, default: null },
    organizationId: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

function toPasskey(doc: PasskeyDocument): StoredPasskey {
  return {
    id: doc._id,
    memberId: doc.memberId,
    organizationId: doc.organizationId,
    publicKey: doc.publicKey,
    counter: doc.counter,
    transports: doc.transports,
    createdAt: doc.createdAt.toISOString(),
    lastUsedAt: doc.lastUsedAt ? doc.lastUsedAt.toISOString() : null,
  };
}

function model<T>(
  connection: Connection,
  name: string,
  schema: mongoose.Schema<T>,
  collection: string,
): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema, collection);
}

export type PasskeyStore = ReturnType<typeof passkeyStore>;

/** Passkeys by credential id, each member's passkeys through an `_id`-keyed link, and one-time challenges by id. */
export function passkeyStore(connection: Connection) {
  const passkeys = model(connection, 'Passkey', passkeySchema, 'passkeys');
  const challenges = model(connection, 'WebAuthnChallenge', challengeSchema, 'webauthn_challenges');
  const byMember = createIdLinks(connection, 'passkey_links');
  return {
    async addChallenge(challenge: PendingChallenge): Promise<void> {
      await challenges.create({
        _id: challenge.id,
        challenge: challenge.challenge,
        purpose: challenge.purpose,
        memberId: challenge.memberId,
        organizationId: challenge.organizationId,
        expiresAt: new Date(challenge.expiresAt),
        usedAt: null,
      });
    },

    /** Takes a challenge once, for its purpose, before it expires; null otherwise (a replayed or stale ceremony). */
    async takeChallenge(id: string, purpose: ChallengePurpose, now: Date): Promise<PendingChallenge | null> {
      const doc = await challenges
        .findOneAndUpdate(
          { _id: id, purpose, usedAt: null, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
          { returnDocument: 'before' },
        )
        .lean<ChallengeDocument>();
      return doc
        ? {
            id: doc._id,
            challenge: doc.challenge,
            purpose: doc.purpose,
            memberId: doc.memberId,
            organizationId: doc.organizationId,
            expiresAt: doc.expiresAt.toISOString(),
          }
        : null;
    },

    async add(passkey: StoredPasskey): Promise<void> {
      // The link first: a link to a passkey not stored yet lists nothing; a passkey without its link would be hidden.
      await byMember.addTarget(passkey.memberId, passkey.id);
      await passkeys.create({
        _id: passkey.id,
        memberId: passkey.memberId,
        organizationId: passkey.organizationId,
        publicKey: passkey.publicKey,
        counter: passkey.counter,
        transports: passkey.transports,
        createdAt: new Date(passkey.createdAt),
        lastUsedAt: null,
      });
    },

    async find(id: string): Promise<StoredPasskey | null> {
      const doc = await passkeys.findById(id).lean<PasskeyDocument>();
      return doc ? toPasskey(doc) : null;
    },

    async ofMember(memberId: string): Promise<StoredPasskey[]> {
      const ids = await byMember.targetsOf(memberId);
      const docs = await Promise.all(ids.map((id) => passkeys.findById(id).lean<PasskeyDocument>()));
      return docs.filter((doc): doc is PasskeyDocument => doc !== null).map(toPasskey);
    },

    /** Moves the counter forward only: of two sign-ins racing with one signature count, one wins. */
    async used(id: string, previousCounter: number, counter: number, now: Date): Promise<boolean> {
      const result = await passkeys.updateOne(
        { _id: id, counter: previousCounter },
        { $set: { counter, lastUsedAt: now } },
      );
      return result.modifiedCount === 1;
    },
  };
}
