import type { MemberRole, OrganizationKind } from '@aid/contracts';
import {
  createIdLinks,
  fromStoredAudit,
  queueMessages,
  type OutboxMessage,
  type OutboxSource,
} from '@aid/store';
import type { Connection } from 'mongoose';
import type { Actor } from '../domain/actor.ts';
import type { AuditEntry } from '../domain/audit.ts';
import {
  defaultApprovalsAboveThreshold,
  type Member,
  type Organization,
  type Verification,
} from '../domain/organization.ts';
import { organizationModel, type MemberDocument, type OrganizationDocument } from './organization.model.ts';

export type AppendMemberOutcome = 'added' | 'email-taken' | 'not-found';

export interface OrganizationStore {
  outboxSource: OutboxSource;
  insert(organization: Organization, messages: OutboxMessage[], audit: AuditEntry[]): Promise<void>;
  find(id: string): Promise<Organization | null>;
  /** The member holding a key, by the key's hash; null for a key nobody holds. */
  actorByKeyHash(apiKeyHash: string): Promise<Actor | null>;
  appendMember(
    organizationId: string,
    member: Member,
    messages: OutboxMessage[],
    audit: AuditEntry,
  ): Promise<AppendMemberOutcome>;
  /** Sets the organization's approval rule with its event and audit entry, in one write; false when it does not exist. */
  setApprovalRule(
    organizationId: string,
    approvalsAboveThreshold: number,
    messages: OutboxMessage[],
    audit: AuditEntry,
  ): Promise<boolean>;
  /**
   * Replaces one member (a new key, a revocation) if their key is still `previousKeyHash` and nobody joined
   * meanwhile; false when something changed under us.
   */
  replaceMember(
    organizationId: string,
    member: Member,
    previousKeyHash: string,
    messages: OutboxMessage[],
    audit: AuditEntry,
  ): Promise<boolean>;
  audit(organizationId: string): Promise<AuditEntry[]>;
  /** Key links for organizations stored before they existed: once per database, at start-up. */
  backfillKeyLinks(): Promise<number>;
  /** Every member's email address with their organization (a scan: only for the one-time backfill at start-up). */
  memberEmails(): Promise<[email: string, organizationId: string][]>;
}

function toMemberDocument(member: Member): MemberDocument {
  return {
    ...member,
    createdAt: new Date(member.createdAt),
    revokedAt: member.revokedAt === null ? null : new Date(member.revokedAt),
    sessionsEndedAt: member.sessionsEndedAt === null ? null : new Date(member.sessionsEndedAt),
  };
}

function toMember(doc: MemberDocument): Member {
  return {
    id: doc.id,
    name: doc.name,
    email: doc.email ?? null,
    role: doc.role as MemberRole,
    apiKeyHash: doc.apiKeyHash,
    keyRevision: doc.keyRevision ?? 1,
    createdAt: doc.createdAt.toISOString(),
    revokedAt: doc.revokedAt ? doc.revokedAt.toISOString() : null,
    sessionsEndedAt: doc.sessionsEndedAt ? doc.sessionsEndedAt.toISOString() : null,
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
    verification: toVerification(doc),
    approvalsAboveThreshold: doc.approvalsAboveThreshold ?? defaultApprovalsAboveThreshold,
    registrationNumber: doc.registrationNumber ?? null,
    website: doc.website ?? null,
  };
}

function toVerification(doc: OrganizationDocument): Verification | null {
  if (doc.verification === undefined)
    return { status: 'verified', verifiedAt: doc.createdAt.toISOString(), applicationId: null };
  if (doc.verification === null) return null;
  return {
    status: 'verified',
    verifiedAt: new Date(doc.verification.verifiedAt).toISOString(),
    applicationId: doc.verification.applicationId ?? null,
  };
}

export function organizationStore(connection: Connection): OrganizationStore {
  const model = organizationModel(connection);
  // Every authenticated request finds its member by key: through an `_id`-keyed link to the organization, written
  // before the key is stored, never by a scan of the organizations.
  const keyLinks = createIdLinks(connection, 'api_key_links');
  const linkKeys = (organizationId: string, members: Member[]) =>
    Promise.all(members.map((member) => keyLinks.point(member.apiKeyHash, organizationId)));
  return {
    outboxSource: { name: 'organizations', model },
    async insert(organization, messages, audit) {
      const queued = queueMessages(messages);
      await linkKeys(organization.id, organization.members);
      await model.create({
        _id: organization.id,
        name: organization.name,
        country: organization.country,
        kind: organization.kind,
        createdAt: new Date(organization.createdAt),
        members: organization.members.map(toMemberDocument),
        verification:
          organization.verification === null
            ? null
            : { ...organization.verification, verifiedAt: new Date(organization.verification.verifiedAt) },
        approvalsAboveThreshold: organization.approvalsAboveThreshold,
        registrationNumber: organization.registrationNumber,
        website: organization.website,
        audit,
        outbox: queued.$push.outbox.$each,
        outboxSince: queued.$set.outboxSince,
      });
    },
    async find(id) {
      const doc = await model.findById(id, { outbox: 0, audit: 0 }).lean<OrganizationDocument>();
      return doc ? toOrganization(doc) : null;
    },
    async actorByKeyHash(apiKeyHash) {
      const organizationId = await keyLinks.targetOf(apiKeyHash);
      // The organization itself decides: a key since rotated or revoked is no longer among its members.
      const doc = organizationId
        ? await model.findById(organizationId, { name: 1, members: 1 }).lean<OrganizationDocument>()
        : null;
      const member = doc?.members.find(
        (candidate) => candidate.apiKeyHash === apiKeyHash && !candidate.revokedAt,
      );
      if (!doc || !member) return null;
      return {
        memberId: member.id,
        organizationId: doc._id,
        organizationName: doc.name,
        role: member.role as MemberRole,
      };
    },
    async setApprovalRule(organizationId, approvalsAboveThreshold, messages, audit) {
      const queued = queueMessages(messages);
      const result = await model
        .updateOne(
          { _id: organizationId },
          {
            $set: { approvalsAboveThreshold, ...queued.$set },
            $push: { outbox: queued.$push.outbox, audit },
          },
        )
        .exec();
      return result.matchedCount === 1;
    },
    async appendMember(organizationId, member, messages, audit) {
      const queued = queueMessages(messages);
      await linkKeys(organizationId, [member]);
      // The email guard sits in the write itself, so two concurrent requests for one address cannot both join.
      const result = await model
        .updateOne(
          // An integration has no address: nothing to collide with.
          member.email === null
            ? { _id: organizationId }
            : { _id: organizationId, 'members.email': { $ne: member.email } },
          {
            $push: { members: toMemberDocument(member), outbox: queued.$push.outbox, audit },
            $set: queued.$set,
            $inc: { membersRevision: 1 },
          },
        )
        .exec();
      if (result.modifiedCount === 1) return 'added';
      return (await model.exists({ _id: organizationId })) ? 'email-taken' : 'not-found';
    },
    async replaceMember(organizationId, member, previousKeyHash, messages, audit) {
      const queued = queueMessages(messages);
      await linkKeys(organizationId, [member]);
      // FerretDB has no positional updates, so the members array is rewritten whole from a read. The write is
      // guarded by the members' revision at that read, so a change of any member in between (another request,
      // another instance) refuses it instead of being overwritten, and by the old key, which the caller decided on.
      const doc = await model
        .findById(organizationId, { members: 1, membersRevision: 1 })
        .lean<Pick<OrganizationDocument, 'members' | 'membersRevision'>>();
      if (!doc) return false;
      const members = doc.members.map((existing) =>
        existing.id === member.id ? toMemberDocument(member) : existing,
      );
      const unchanged = doc.membersRevision === undefined ? { $exists: false } : doc.membersRevision;
      const result = await model
        .updateOne(
          { _id: organizationId, 'members.apiKeyHash': previousKeyHash, membersRevision: unchanged },
          {
            $set: { members, ...queued.$set },
            $inc: { membersRevision: 1 },
            $push: { outbox: queued.$push.outbox, audit },
          },
        )
        .exec();
      return result.modifiedCount === 1;
    },
    backfillKeyLinks() {
      return keyLinks.backfillOnce('organizations-v1', async () => {
        const docs = await model
          .find({}, { members: 1 })
          .lean<Pick<OrganizationDocument, '_id' | 'members'>[]>();
        return docs.flatMap((doc) =>
          doc.members.map((member): [string, string] => [member.apiKeyHash, doc._id]),
        );
      });
    },
    async memberEmails() {
      const docs = await model
        .find({}, { members: 1 })
        .lean<Pick<OrganizationDocument, '_id' | 'members'>[]>();
      return docs.flatMap((doc) =>
        doc.members.flatMap((member): [string, string][] => (member.email ? [[member.email, doc._id]] : [])),
      );
    },
    async audit(organizationId) {
      const doc = await model
        .findById(organizationId, { audit: 1 })
        .lean<Pick<OrganizationDocument, 'audit'>>();
      return fromStoredAudit(doc?.audit);
    },
  };
}
