import type { MemberRole } from '@aid/contracts';
import type { SessionClaims } from '@aid/http-kit';
import { createIdLinks, isDuplicateKey } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

/** A member as another service knows them: enough to decide what they may do there. */
export interface AccessMember {
  memberId: string;
  organizationId: string;
  role: MemberRole;
}

/**
 * A service's copy of one member, kept from the campaign events: the hash of their current API key (never the
 * key), its revision (1 at `member-added`, one more per rotation, so a late or repeated event never brings an old
 * key back), when they were removed (a tombstone a replayed `member-added` cannot revive), and when they last
 * signed out everywhere (sessions started before then no longer count).
 */
interface MemberDocument {
  _id: string;
  organizationId: string;
  role: MemberRole;
  /** A removed member's is `revoked:<memberId>`: unique, and no bearer key hashes to it (real ones are hex). */
  apiKeyHash: string;
  keyRevision: number;
  revokedAt?: Date | null;
  /** Written by an earlier shape of the donation service's copy; read as removed. */
  revoked?: boolean;
  sessionsEndedAt?: Date | null;
  updatedAt?: Date;
}

const schema = new mongoose.Schema<MemberDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    role: { type: String, required: true },
    apiKeyHash: { type: String, required: true },
    keyRevision: { type: Number, required: true, default: 1 },
    revokedAt: { type: Date, required: false },
    revoked: { type: Boolean, required: false },
    sessionsEndedAt: { type: Date, required: false },
    updatedAt: { type: Date, required: false },
  },
  { versionKey: false, collection: 'members' },
);

function isRemoved(doc: MemberDocument): boolean {
  return Boolean(doc.revokedAt) || doc.revoked === true;
}

export type MemberProjection = ReturnType<typeof memberProjection>;

/** The members collection of a service, read by `_id` only: a key through its `_id`-keyed link, a session by member id. */
export function memberProjection(connection: Connection, clock: () => Date = () => new Date()) {
  const model: Model<MemberDocument> =
    (connection.models['Member'] as Model<MemberDocument> | undefined) ??
    connection.model<MemberDocument>('Member', schema);
  // Authentication finds a member by key through a link written before the key, never by a scan.
  const keyLinks = createIdLinks(connection, 'api_key_links');

  /**
   * Writes a key only over an older revision of a member that is not removed. When the stored copy is newer or
   * removed, the filter misses and the upsert collides with its `_id`: nothing to do, the event is stale.
   */
  async function setKey(member: AccessMember & { apiKeyHash: string; keyRevision: number }): Promise<void> {
    await keyLinks.point(member.apiKeyHash, member.memberId);
    try {
      await model.updateOne(
        {
          _id: member.memberId,
          // Copies made before key revisions existed have none: they count as revision 1.
          $or: [{ keyRevision: { $lt: member.keyRevision } }, { keyRevision: { $exists: false } }],
          revokedAt: { $exists: false },
          revoked: { $ne: true },
        },
        {
          $set: {
            organizationId: member.organizationId,
            role: member.role,
            apiKeyHash: member.apiKeyHash,
            keyRevision: member.keyRevision,
            updatedAt: clock(),
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  return {
    /** `member-added`: the member's first key (revision 1); a repeated event changes nothing. */
    added: (member: AccessMember & { apiKeyHash: string }) => setKey({ ...member, keyRevision: 1 }),

    /** `member-key-rotated`: the newer key replaces the old one, which stops working at once. */
    keyRotated: (member: AccessMember & { apiKeyHash: string; keyRevision: number }) => setKey(member),

    /** `member-revoked`: the key is dropped for good; the tombstone outlives any replayed event. */
    async revoked(member: { memberId: string; organizationId: string; revokedAt: Date }): Promise<void> {
      await model.updateOne(
        { _id: member.memberId },
        {
          $set: {
            organizationId: member.organizationId,
            revokedAt: member.revokedAt,
            apiKeyHash: `revoked:${member.memberId}`,
            keyRevision: Number.MAX_SAFE_INTEGER,
            updatedAt: clock(),
          },
          $setOnInsert: { role: 'field-officer' },
        },
        { upsert: true },
      );
    },

    /** `member-sessions-ended`: only a later end moves it, so a late or repeated event changes nothing. */
    async sessionsEnded(member: { memberId: string; endedAt: Date }): Promise<void> {
      await model.updateOne(
        {
          _id: member.memberId,
          $or: [
            { sessionsEndedAt: { $exists: false } },
            { sessionsEndedAt: null },
            { sessionsEndedAt: { $lt: member.endedAt } },
          ],
        },
        { $set: { sessionsEndedAt: member.endedAt } },
      );
    },

    async findByKeyHash(apiKeyHash: string): Promise<AccessMember | null> {
      const memberId = await keyLinks.targetOf(apiKeyHash);
      const doc = memberId ? await model.findById(memberId).lean<MemberDocument>() : null;
      // The member decides: a key since rotated or revoked is no longer the one it holds.
      if (!doc || doc.apiKeyHash !== apiKeyHash || isRemoved(doc)) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    /** The member a signed session is for, if they are still a member and have not ended it since. */
    async findBySession(session: SessionClaims): Promise<AccessMember | null> {
      const doc = await model.findById(session.memberId).lean<MemberDocument>();
      if (!doc || isRemoved(doc) || doc.organizationId !== session.organizationId) return null;
      if (doc.sessionsEndedAt && session.issuedAt.getTime() <= doc.sessionsEndedAt.getTime()) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    /** Key links for members stored before they existed: once per database, at start-up. */
    backfillKeyLinks(): Promise<number> {
      return keyLinks.backfillOnce('members-v1', async () => {
        const docs = await model
          .find({}, { apiKeyHash: 1 })
          .lean<Pick<MemberDocument, '_id' | 'apiKeyHash'>[]>();
        return docs.map((doc): [string, string] => [doc.apiKeyHash, doc._id]);
      });
    },
  };
}
