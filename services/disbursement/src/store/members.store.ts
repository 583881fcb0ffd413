import type { Connection } from 'mongoose';
import type { Member } from '../domain/disbursement.ts';
import { memberModel } from './member.model.ts';

export type MemberStore = ReturnType<typeof createMemberStore>;

export function createMemberStore(connection: Connection) {
  const model = memberModel(connection);
  return {
    /** Setting the same values again is a no-op, so a repeated `member-added` changes nothing. */
    async project(member: Member & { apiKeyHash: string }): Promise<void> {
      const { memberId, ...fields } = member;
      await model.updateOne({ _id: memberId }, { $set: fields }, { upsert: true });
    },

    async findByKeyHash(apiKeyHash: string): Promise<Member | null> {
      const doc = await model.findOne({ apiKeyHash }).lean();
      return doc ? { memberId: doc._id, organizationId: doc.organizationId, role: doc.role } : null;
    },
  };
}
