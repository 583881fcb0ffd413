import { fromStoredAudit, isDuplicateKey, queueMessages, type OutboxMessage } from '@aid/store';
import type { Connection, UpdateQuery } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type { DisbursementStatus } from '../domain/disbursement.ts';
import { allocationBatchModel } from './allocation-batch.model.ts';
import { createCampaignDisbursementList, type CampaignListPage } from './campaign-disbursement-list.store.ts';
import {
  disbursementModel,
  type Approval,
  type Delivery,
  type DisbursementDocument,
} from './disbursement.model.ts';

export type Disbursement = Omit<DisbursementDocument, '_id' | 'outbox' | 'outboxSince'> & { id: string };
export type { Approval, Delivery, Payout, Recipient } from './disbursement.model.ts';
export type Cancellation = NonNullable<Disbursement['cancellation']>;

export type DisbursementStore = ReturnType<typeof createDisbursementStore>;

type StoredState = Omit<DisbursementDocument, 'outbox' | 'outboxSince'>;

// The outbox belongs to the relay: it is never read back into the domain. (FerretDB cannot project in
// findAndModify, so it is dropped here rather than in the queries.)
function toDisbursement(doc: DisbursementDocument): Disbursement {
  const { _id, ...state }: StoredState & Partial<Pick<DisbursementDocument, 'outbox' | 'outboxSince'>> = doc;
  delete state.outbox;
  delete state.outboxSince;
  return { id: _id, ...state };
}

/** Merges the outbox fragment into the state change, so both are one single-document write. */
function withOutbox(
  update: { $set?: Record<string, unknown>; $push?: Record<string, unknown> },
  messages: OutboxMessage[],
): UpdateQuery<DisbursementDocument> {
  const queued = queueMessages(messages);
  return { ...update, $set: { ...update.$set, ...queued.$set }, $push: { ...update.$push, ...queued.$push } };
}

export function createDisbursementStore(connection: Connection) {
  const model = disbursementModel(connection);
  const batches = allocationBatchModel(connection);
  const lists = createCampaignDisbursementList(connection);

  /**
   * A state change guarded by the statuses it may start from; null when the disbursement was not in one of them.
   * It does not wait for the outbox relay: the relay's writes (`$pullAll` of what it published, then `$unset` of
   * the marker only while the outbox is empty) and this one are each atomic on the document, on MongoDB and on
   * the project's FerretDB build (which locks every update), so neither undoes the other in any order. On a stock
   * FerretDB this process's relay and writes share its one connection, so they run one after the other.
   */
  async function transition(
    id: string,
    from: DisbursementStatus[],
    update: UpdateQuery<DisbursementDocument>,
    extraGuard: Record<string, unknown> = {},
  ): Promise<Disbursement | null> {
    const doc = await model
      .findOneAndUpdate({ _id: id, status: { $in: from }, ...extraGuard }, update, {
        returnDocument: 'after',
      })
      .lean<DisbursementDocument>();
    return doc ? toDisbursement(doc) : null;
  }

  return {
    model,
    batchModel: batches,

    /** Inserted once: only the relay updates a batch afterwards (to clear its outbox), so nothing races it. */
    async insertAllocationBatch(
      batchId: string,
      disbursement: { id: string; campaignId: string },
      messages: OutboxMessage[],
    ): Promise<void> {
      const queued = queueMessages(messages);
      try {
        await batches.create({
          _id: batchId,
          disbursementId: disbursement.id,
          campaignId: disbursement.campaignId,
          slices: messages.length,
          outbox: queued.$push.outbox.$each,
          outboxSince: queued.$set.outboxSince,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    /** Inserted once: false when a disbursement with this id exists (a retried request under the same key). */
    async insert(disbursement: Disbursement, messages: OutboxMessage[]): Promise<boolean> {
      const { id, ...fields } = disbursement;
      const queued = queueMessages(messages);
      try {
        await model.create({
          _id: id,
          ...fields,
          outbox: queued.$push.outbox.$each,
          outboxSince: queued.$set.outboxSince,
        });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },

    /** Adds a disbursement to its campaign's list, once however often it is retried. Callers hold the campaign's lock. */
    listInCampaign(campaignId: string, id: string): Promise<void> {
      return lists.add(campaignId, id);
    },

    /** A page of a campaign's disbursement ids, newest first, after the id the previous page ended with. */
    pageOfCampaign(
      campaignId: string,
      page: { limit: number; after?: string | undefined },
    ): Promise<CampaignListPage> {
      return lists.page(campaignId, page);
    },

    /** The disbursements with these ids that exist, in the order asked for. */
    async findMany(ids: string[]): Promise<Disbursement[]> {
      if (ids.length === 0) return [];
      const docs = await model.find({ _id: { $in: ids } }).lean<DisbursementDocument[]>();
      const byId = new Map(docs.map((doc) => [doc._id, toDisbursement(doc)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async find(id: string): Promise<Disbursement | null> {
      const doc = await model.findById(id).lean<DisbursementDocument>();
      return doc ? toDisbursement(doc) : null;
    },

    /** A first approval of a disbursement that needs two; the guards repeat maker-checker and "two different approvers". */
    recordApproval(id: string, approval: Approval, audit: AuditEntry): Promise<Disbursement | null> {
      return transition(
        id,
        ['requested'],
        { $push: { approvals: approval, audit } },
        {
          requestedBy: { $ne: approval.memberId },
          'approvals.memberId': { $ne: approval.memberId },
        },
      );
    },

    /** Step one of a completing approval; the guards repeat the maker-checker rules in the write itself. */
    markApproving(id: string, approverId: string): Promise<Disbursement | null> {
      return transition(
        id,
        ['requested', 'approving'],
        { $set: { status: 'approving' } },
        {
          requestedBy: { $ne: approverId },
          'approvals.memberId': { $ne: approverId },
        },
      );
    },

    revertToRequested(id: string): Promise<Disbursement | null> {
      return transition(id, ['approving'], { $set: { status: 'requested' } });
    },

    completeApproval(
      id: string,
      approval: Approval,
      allocations: Disbursement['allocations'],
      messages: OutboxMessage[],
      audit: AuditEntry,
    ): Promise<Disbursement | null> {
      return transition(
        id,
        ['approving'],
        withOutbox(
          { $set: { status: 'approved', allocations }, $push: { approvals: approval, audit } },
          messages,
        ),
      );
    },

    reject(
      id: string,
      rejection: NonNullable<Disbursement['rejection']>,
      messages: OutboxMessage[],
      audit: AuditEntry,
    ): Promise<Disbursement | null> {
      return transition(
        id,
        ['requested'],
        withOutbox({ $set: { status: 'rejected', rejection }, $push: { audit } }, messages),
      );
    },

    /** Step one of a payout: from here on the disbursement cannot be cancelled, and asking again resumes. */
    markPaying(id: string): Promise<Disbursement | null> {
      return transition(id, ['approved', 'paying'], { $set: { status: 'paying' } });
    },

    revertToApproved(id: string): Promise<Disbursement | null> {
      return transition(id, ['paying'], { $set: { status: 'approved' } });
    },

    markPaid(
      id: string,
      payout: NonNullable<Disbursement['payout']>,
      messages: OutboxMessage[],
      audit: AuditEntry,
    ): Promise<Disbursement | null> {
      return transition(
        id,
        ['paying'],
        withOutbox({ $set: { status: 'paid', payout }, $push: { audit } }, messages),
      );
    },

    /** Step one of cancelling an approved disbursement: a payout can no longer start, and asking again resumes. */
    markCancelling(id: string): Promise<Disbursement | null> {
      return transition(id, ['approved', 'cancelling'], { $set: { status: 'cancelling' } });
    },

    completeCancellation(
      id: string,
      from: DisbursementStatus[],
      cancellation: Cancellation,
      messages: OutboxMessage[],
      audit: AuditEntry,
    ): Promise<Disbursement | null> {
      return transition(
        id,
        from,
        withOutbox({ $set: { status: 'cancelled', cancellation }, $push: { audit } }, messages),
      );
    },

    /** Guarded by the delivery's id too, so a report retried under the same key is never added twice. */
    addDelivery(
      id: string,
      delivery: Delivery,
      messages: OutboxMessage[],
      audit: AuditEntry,
    ): Promise<Disbursement | null> {
      return transition(
        id,
        ['paid', 'delivered'],
        withOutbox({ $set: { status: 'delivered' }, $push: { deliveries: delivery, audit } }, messages),
        {
          'deliveries.id': { $ne: delivery.id },
        },
      );
    },

    /** For actions that change no status (an evidence upload): the entry is added once, whatever the retries. */
    async appendAudit(id: string, audit: AuditEntry): Promise<void> {
      await model.updateOne({ _id: id, 'audit.id': { $ne: audit.id } }, { $push: { audit } });
    },

    /** Every audit entry of a campaign's disbursements (bounded: a few per disbursement). */
    async auditOfCampaign(campaignId: string): Promise<AuditEntry[]> {
      const docs = await model
        .find({ campaignId }, { audit: 1 })
        .lean<Pick<DisbursementDocument, 'audit'>[]>();
      return docs.flatMap((doc) => fromStoredAudit(doc.audit));
    },
  };
}
