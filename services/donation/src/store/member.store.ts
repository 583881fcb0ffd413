import type { MemberRole } from '@aid/contracts';
import type { Connection } from 'mongoose';
import { memberModel, type MemberDocument } from './member.model.ts';

export interface Member {
  memberId: string;
  organizationId: string;
  role: MemberRole;
}

export function createMemberStore(connection: Connection) {
  const model = memberModel(connection);
  return {
    /** Setting the same fields again is harmless, so a redelivered event needs no extra bookkeeping. */
    async save(member: Member & { apiKeyHash: string }, now: Date): Promise<void> {
      await model.updateOne(
        { _id: member.memberId },
        { $set: { organizationId: member.organizationId, role: member.role, apiKeyHash: member.apiKeyHash, updatedAt: now } },
        { upsert: true },
      );
    },

    async findByKeyHash(apiKeyHash: string): Promise<Member | null> {
      const doc = await model.findOne({ apiKeyHash }).lean<MemberDocument>();
      return doc ? { memberId: doc._id, organizationId: doc.organizationId, role: doc.role } : null;
    },
  };
}

export type MemberStore = ReturnType<typeof createMemberStore>;
