import type { MemberRole } from '@aid/contracts';
import type { Connection } from 'mongoose';
import { memberModel, type MemberDocument } from './member.model.ts';
import { isDuplicateKey } from '@aid/store';

export interface Member {
  memberId: string;
  organizationId: string;
  role: MemberRole;
}


export function createMemberStore(connection: Connection) {
  const model = memberModel(connection);
  return {
    /**
     * The member as added. Its key is set only when the member is first seen, so an `added` event arriving after a
     * rotation (late or redelivered) does not bring the first key back.
     */
    async save(member: Member & { apiKeyHash: string }, now: Date): Promise<void> {
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

    async findByKeyHash(apiKeyHash: string): Promise<Member | null> {
      const doc = await model.findOne({ apiKeyHash, revoked: { $ne: true } }).lean<MemberDocument>();
      return doc ? { memberId: doc._id, organizationId: doc.organizationId, role: doc.role } : null;
    },
  };
}

export type MemberStore = ReturnType<typeof createMemberStore>;
