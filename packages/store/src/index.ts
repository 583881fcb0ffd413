export { applyOnceFields, createApplyOnce, type ApplyOnce, type ApplyOutcome } from './apply-once.ts';
export { connectDatabase, connectReadDatabase, databaseReachable } from './connection.ts';
export { isDuplicateKey } from './duplicate-key.ts';
export { createIdLinks, type IdLinks } from './id-links.ts';
export { oneAtATime, type OneAtATime } from './one-at-a-time.ts';
export {
  clearPublished,
  findPending,
  mongoOutboxStore,
  outboxMessage,
  outboxFields,
  queueMessages,
  withOutboxIndex,
  type OutboxMessage,
  type OutboxSource,
  type PendingBatch,
} from './outbox.ts';
export {
  createRateLimitCounters,
  rateLimitCollectionPrefix,
  type CounterHit,
  type RateLimitCounters,
} from './rate-limit-counters.ts';
export { auditTrailField, fromStoredAudit, type StoredAuditEntry } from './audit-trail.ts';
