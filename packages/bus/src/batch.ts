import type { Logger } from '@aid/telemetry';
import type { IHeaders } from 'kafkajs';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
}

/** A message as fetched: what a dead letter needs to carry it on unchanged. */
export interface RawMessage {
  /** Set when a batch mixes topic-partitions (a catch-up in time order); otherwise the batch's own. */
  topic?: string;
  partition?: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** A fetched message after parsing and validation: its event, or why it can never be handled. */
export type Decoded<E> = { event: E } | { reason: string };

export interface BatchItem<E> {
  event: E;
  context: MessageContext;
  message: RawMessage;
  /**
   * Trace context (W3C carrier) of the span processing this message, given to batch handlers: what a handler
   * writes or publishes on this message's behalf continues the message's own trace, not its batch's.
   */
  trace?: Record<string, string>;
}

export interface BatchSteps<E> {
  topic: string;
  partition: number;
  messages: RawMessage[];
  decode(message: RawMessage): Decoded<E>;
  /** Handles events in their partition order; idempotent, since a crash before the commit means redelivery. */
  handle(items: BatchItem<E>[]): Promise<void>;
  deadLetter(message: RawMessage, context: MessageContext, reason: string): Promise<void>;
  /** Marks an offset done; only ever called once every earlier message of the partition is done. */
  resolveOffset(offset: string): void;
  commit(): Promise<void>;
  heartbeat(): Promise<void>;
  /** False once the consumer stops or loses the partition: the rest is left for redelivery. */
  stillOwned(): boolean;
  logger: Logger;
  /** Attempts of one message before it is dead-lettered (the single-message consumer's rule). */
  maxAttempts: number;
  /** Attempts of a whole group before it is split into single messages to find the one that fails. */
  groupAttempts: number;
  maxGroupSize: number;
  sleep(ms: number): Promise<void>;
}

export const backoff = (attempt: number): number => Math.min(200 * 2 ** attempt, 5_000);

/**
 * Works through one fetched batch of a partition. Valid events are handed over in groups (in order, at most
 * `maxGroupSize`); a group's offsets are resolved and committed only after its handler succeeded, so a crash
 * means redelivery of the group, never loss. A message that cannot be valid is dead-lettered in its place. A
 * group whose handler keeps failing is retried message by message with the single-message rule (retries with
 * backoff, then the dead-letter topic with the reason), so one poison message costs the batch nothing but itself.
 * Returns false when it stopped early because the partition is no longer owned.
 */
export async function processBatch<E>(steps: BatchSteps<E>): Promise<boolean> {
  const { topic, partition, logger } = steps;
  let group: BatchItem<E>[] = [];

  async function attempt(items: BatchItem<E>[], attempts: number): Promise<Error | null> {
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      try {
        await steps.handle(items);
        return null;
      } catch (error) {
        if (attemptNumber >= attempts) return error as Error;
        const first = items[0] as BatchItem<E>;
        logger.warn(
          { ...first.context, err: error, attempt: attemptNumber, size: items.length },
          'handler failed; retrying',
        );
        await steps.sleep(backoff(attemptNumber));
        await steps.heartbeat();
        if (!steps.stillOwned()) return error as Error;
      }
    }
  }

  async function flush(): Promise<boolean> {
    const items = group;
    group = [];
    if (items.length === 0) return true;
    if (!steps.stillOwned()) return false;
    if (items.length > 1 && (await attempt(items, steps.groupAttempts)) === null) {
      steps.resolveOffset((items.at(-1) as BatchItem<E>).context.offset);
      await steps.commit();
      return true;
    }
    for (const item of items) {
      if (!steps.stillOwned()) return false;
      const failure = await attempt([item], steps.maxAttempts);
      if (failure) {
        if (!steps.stillOwned()) return false;
        await steps.deadLetter(
          item.message,
          item.context,
          `handler failed ${steps.maxAttempts} times: ${failure.message}`,
        );
      }
      steps.resolveOffset(item.context.offset);
    }
    await steps.commit();
    return true;
  }

  for (const message of steps.messages) {
    const context: MessageContext = {
      topic: message.topic ?? topic,
      partition: message.partition ?? partition,
      offset: message.offset,
    };
    const decoded = steps.decode(message);
    if ('reason' in decoded) {
      // Earlier events first: an offset is resolved only when everything before it is done.
      if (!(await flush())) return false;
      await steps.deadLetter(message, context, decoded.reason);
      steps.resolveOffset(message.offset);
      continue;
    }
    group.push({ event: decoded.event, context, message });
    if (group.length >= steps.maxGroupSize && !(await flush())) return false;
  }
  return flush();
}
