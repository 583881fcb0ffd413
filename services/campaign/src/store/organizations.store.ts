import type { MemberRole, OrganizationKind } from '@aid/contracts';
import { queueMessages, type OutboxMessage, type OutboxSource } from '@aid/store';
import type { Connection } from 'mongoose';
import type { Actor } from '../domain/actor.ts';
import type { Member, Organization } from '../domain/organization.ts';
import { documentWrites, queuedOutboxSource } from './document-writes.ts';
import { organizationModel, type MemberDocument, type OrganizationDocument } from './organization.model.ts';

export type AppendMemberOutcome = 'added' | 'email-taken' | 'not-found';

export interface OrganizationStore {
  outboxSource: OutboxSource;
  insert(organization: Organization, messages: OutboxMessage[]): Promise<void>;
  find(id: string): Promise<Organization | null>;
  /** The member holding a key, by the key's hash; null for a key nobody holds. */
  actorByKeyHash(apiKeyHash: string): Promise<Actor | null>;
  appendMember(organizationId: string, member: Member, messages: OutboxMessage[]): Promise<AppendMemberOutcome>;
}

function toMemberDocument(member: Member): MemberDocument {
  return { ...member, createdAt: new Date(member.createdAt) };
}

function toMember(doc: MemberDocument): Member {
  return {
    id: doc.id,
    name: doc.name,
    email: doc.email ?? null,
    role: doc.role as MemberRole,
    apiKeyHash: doc.apiKeyHash,
    createdAt: doc.createdAt.toISOString(),
  };
}

function toOrganization(doc: OrganizationDocument): Organization {
  return {
    id: doc._id,
    name: doc.name,
    country: doc.country,
    kind: doc.kind as OrganizationKind,
    createdAt: doc.createdAt.toISOString(),
    members: doc.members.map(toMember),
  };
}

export function organizationStore(connection: Connection): OrganizationStore {
  const model = organizationModel(connection);
  const writes = documentWrites();
  return {
    outboxSource: queuedOutboxSource('organizations', model, writes),
    async insert(organization, messages) {
      const queued = queueMessages(messages);
      await model.create({
        _id: organization.id,
        name: organization.name,
        country: organization.country,
        kind: organization.kind,
        createdAt: new Date(organization.createdAt),
        members: organization.members.map(toMemberDocument),
        outbox: queued.$push.outbox.$each,
        outboxSince: queued.$set.outboxSince,
      });
    },
    async find(id) {
      const doc = await model.findById(id, { outbox: 0 }).lean<OrganizationDocument>();
      return doc ? toOrganization(doc) : null;
    },
    async actorByKeyHash(apiKeyHash) {
      const doc = await model.findOne({ 'members.apiKeyHash': apiKeyHash }, { name: 1, members: 1 }).lean<OrganizationDocument>();
      const member = doc?.members.find((candidate) => candidate.apiKeyHash === apiKeyHash);
      if (!doc || !member) return null;
      return { memberId: member.id, organizationId: doc._id, organizationName: doc.name, role: member.role as MemberRole };
    },
    async appendMember(organizationId, member, messages) {
      const queued = queueMessages(messages);
      // The email guard sits in the write itself, so two concurrent requests for one address cannot both join.
      const result = await writes.run(organizationId, () =>
        model
          .updateOne(
            { _id: organizationId, 'members.email': { $ne: member.email } },
            { $push: { members: toMemberDocument(member), outbox: queued.$push.outbox }, $set: queued.$set },
          )
          .exec(),
      );
      if (result.modifiedCount === 1) return 'added';
      return (await model.exists({ _id: organizationId })) ? 'email-taken' : 'not-found';
    },
  };
}
