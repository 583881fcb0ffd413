export { applyOnceFields, createApplyOnce, type ApplyOnce, type ApplyOutcome } from './apply-once.ts';
export { connectDatabase, connectReadDatabase, databaseReachable } from './connection.ts';
export { classifyCommand, watchDatabaseCommands, type DatabaseCommandKind } from './database-commands.ts';
export { isDuplicateKey } from './duplicate-key.ts';
export { insertNew } from './insert-new.ts';
export { inCommands, updatesPerCommand } from './update-commands.ts';
export { migrateOnce } from './migrations.ts';
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
export {
  decideOnExistingKey,
  requestFingerprint,
  storedKeyId,
  type ExistingKeyDecision,
  type IdempotencyRecord,
} from './idempotency/decide-on-existing-key.ts';
export {
  createIdempotencyKeys,
  type AnswerCodec,
  type HeldKey,
  type IdempotencyKeyOptions,
  type IdempotencyKeys,
} from './idempotency/idempotency-keys.store.ts';
export { answerOnce, type AnswerOnceDeps, type Attempt, type KeyClaim } from './idempotency/answer-once.ts';
