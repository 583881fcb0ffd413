import type { MemberRole } from '@aid/contracts';
import type { Connection } from 'mongoose';
import { memberModel, type MemberDocument } from './member.model.ts';
import type { SessionClaims } from '@aid/http-kit';
import { createIdLinks, isDuplicateKey } from '@aid/store';

export interface Member {
  memberId: string;
  organizationId: string;
  role: MemberRole;
}


export function createMemberStore(connection: Connection) {
  const model = memberModel(connection);
  // Authentication finds a member by key through an `_id`-keyed link, written before the key; never by a scan.
  const keyLinks = createIdLinks(connection, 'api_key_links');
  return {
    /**
     * The member as added. Its key is set only when the member is first seen, so an `added` event arriving after a
     * rotation (late or redelivered) does not bring the first key back.
     */
    async save(member: Member & { apiKeyHash: string }, now: Date): Promise<void> {
      await keyLinks.point(member.apiKeyHash, member.memberId);
      await model.updateOne(
        { _id: member.memberId },
        {
          $set: { organizationId: member.organizationId, role: member.role, updatedAt: now },
          $setOnInsert: { apiKeyHash: member.apiKeyHash, keyRevision: 1, revoked: false },
        },
        { upsert: true },
      );
    },

    /** Keeps the key only if it is newer than the one held; a stale rotation matches nothing and changes nothing. */
    async rotateKey(member: Member & { apiKeyHash: string; keyRevision: number }, now: Date): Promise<void> {
      await keyLinks.point(member.apiKeyHash, member.memberId);
      try {
        await model.updateOne(
          { _id: member.memberId, keyRevision: { $lt: member.keyRevision } },
          { $set: { organizationId: member.organizationId, role: member.role, apiKeyHash: member.apiKeyHash, keyRevision: member.keyRevision, updatedAt: now } },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async revoke(member: { memberId: string; organizationId: string }, now: Date): Promise<void> {
      // Revocation is final: a placeholder key hash that no API key hashes to keeps the unique index satisfied.
      await model.updateOne(
        { _id: member.memberId },
        { $set: { revoked: true, updatedAt: now }, $setOnInsert: { organizationId: member.organizationId, role: 'field-officer', apiKeyHash: `revoked:${member.memberId}`, keyRevision: 0 } },
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
      const doc = await model.findById(session.memberId).lean<MemberDocument>();
      if (!doc || doc.revoked || doc.organizationId !== session.organizationId) return null;
      if (doc.sessionsEndedAt && session.issuedAt.getTime() <= doc.sessionsEndedAt.getTime()) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    async findByKeyHash(apiKeyHash: string): Promise<Member | null> {
      const memberId = await keyLinks.targetOf(apiKeyHash);
      const doc = memberId ? await model.findById(memberId).lean<MemberDocument>() : null;
      // The member decides: a key since rotated or revoked is no longer the one it holds.
      if (!doc || doc.apiKeyHash !== apiKeyHash || doc.revoked) return null;
      return { memberId: doc._id, organizationId: doc.organizationId, role: doc.role };
    },

    /** Key links for members stored before they existed: once per database, at start-up. */
    backfillKeyLinks(): Promise<number> {
      return keyLinks.backfillOnce('members-v1', async () => {
        const docs = await model.find({}, { apiKeyHash: 1 }).lean<Pick<MemberDocument, '_id' | 'apiKeyHash'>[]>();
        return docs.map((doc): [string, string] => [doc.apiKeyHash, doc._id]);
      });
    },
  };
}

export type MemberStore = ReturnType<typeof createMemberStore>;
