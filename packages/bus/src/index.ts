export {
  processBatch,
  type BatchItem,
  type BatchSteps,
  type Decoded,
  type MessageContext,
  type RawMessage,
} from './batch.ts';
export {
  runConsumer,
  type BatchEventHandler,
  type ConsumerHandler,
  type EventHandler,
  type RunningConsumer,
  type StartPosition,
} from './consumer.ts';
export { brokerReachable, createKafka, ensureTopics } from './kafka.ts';
export {
  backoffDelay,
  startWorkerLoop,
  type PassResult,
  type WorkerLoop,
  type WorkerLoopOptions,
} from './worker-loop.ts';
export { startOutboxRelay, type OutboxRelay, type RelayBatch, type RelayStore } from './outbox-relay.ts';
export { createPublisher, type OutgoingMessage, type Publisher } from './publisher.ts';
export { catchUpInTimeOrder, type HistoryMessage } from './catch-up.ts';
