export { runConsumer, type EventHandler, type MessageContext, type RunningConsumer } from './consumer.ts';
export { brokerReachable, createKafka, ensureTopics } from './kafka.ts';
export { startOutboxRelay, type OutboxRelay, type RelayBatch, type RelayStore } from './outbox-relay.ts';
export { createPublisher, type OutgoingMessage, type Publisher } from './publisher.ts';
