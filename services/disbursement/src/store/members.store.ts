import type { Connection } from 'mongoose';
import type { Member } from '../domain/disbursement.ts';
import { memberModel } from './member.model.ts';
import type { SessionClaims } from '@aid/http-kit';
import { createIdLinks, isDuplicateKey } from '@aid/store';

export type MemberStore = ReturnType<typeof createMemberStore>;

export interface MemberKey extends Member {
  apiKeyHash: string;
  keyRevision: number;
}

export function createMemberStore(connection: Connection) {
  const model = memberModel(connection);
  // Authentication finds a member by key through an `_id`-keyed link, written before the key; never by a scan.
  const keyLinks = createIdLinks(connection, 'api_key_links');

  /**
   * Writes a key only over an older revision of a member that is not revoked. When the stored copy is newer or
   * revoked, the filter misses and the upsert collides with its `_id`: nothing to do, the event is stale.
   */
  async function setKey(member: MemberKey): Promise<void> {
    const { memberId, ...fields } = member;
    await keyLinks.point(member.apiKeyHash, memberId);
    try {
      await model.updateOne(
        // Members projected before key revisions existed have none: they count as revision 1.
        { _id: memberId, $or: [{ keyRevision: { $lt: member.keyRevision } }, { keyRevision: { $exists: false } }], revokedAt: { $exists: false } },
        { $set: fields },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  return {
    /** `member-added`: the member's first key (revision 1); a repeated event changes nothing. */
    project(member: Member & { apiKeyHash: string }): Promise<void> {
      return setKey({ ...member, keyRevision: 1 });
    },

    /** `member-key-rotated`: the newer key replaces the old one, which stops working at once. */
    rotate: setKey,

    /** `member-revoked`: the key is dropped for good; the tombstone outlives any replayed event. */
    async revoke(member: { memberId: string; organizationId: string; revokedAt: Date }): Promise<void> {
      await model.updateOne(
        { _id: member.memberId },
        {
          $set: { organizationId: member.organizationId, revokedAt: member.revokedAt, apiKeyHash: `revoked:${member.memberId}`, keyRevision: Number.MAX_SAFE_INTEGER },
          $setOnInsert: { role: 'field-officer' },
        },
        { upsert: true },
      );
    },

    /** `member-sessions-ended`: only a later end moves it, so a late or repeated event changes nothing. */
    async endSessions(member: { memberId: string; endedAt: Date }): Promise<void> {
      await model.updateOne(
        { _id: member.memberId, $or: [{ sessionsEndedAt: { $exists: false } }, { sessionsEndedAt: { $lt: member.endedAt } }] },
        { $set: { sessionsEndedAt: member.endedAt } },
      );
    },

    /** The member a signed session is for, read by `_id`, if they are still a member and have not ended it since. */
    async findBySession(session: SessionClaims): Promise<Member | null> {
      const doc = await model.findById(session.memberId).lean();
      if (!doc || doc.revokedAt || doc.organizationId !== session.organizationId) return null;
      if (doc.sessionsEndedAt && session.issuedAt.getTime() <= doc.sessionsEndedAt.getTime()) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    async findByKeyHash(apiKeyHash: string): Promise<Member | null> {
      const memberId = await keyLinks.targetOf(apiKeyHash);
      const doc = memberId ? await model.findById(memberId).lean() : null;
      // The member decides: a key since rotated or revoked is no longer the one it holds.
      if (!doc || doc.apiKeyHash !== apiKeyHash || doc.revokedAt) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    /** Key links for members stored before they existed: once per database, at start-up. */
    backfillKeyLinks(): Promise<number> {
      return keyLinks.backfillOnce('members-v1', async () => {
        const docs = await model.find({}, { apiKeyHash: 1 }).lean();
        return docs.map((doc): [string, string] => [doc.apiKeyHash, doc._id]);
      });
    },
  };
}
