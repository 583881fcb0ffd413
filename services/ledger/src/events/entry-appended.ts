import { createHash } from 'node:crypto';
import { envelope, topics } from '@aid/contracts';
import { outboxMessage } from '@aid/store';

/** An entry as announced on ledger.entries.v1: its position and the exact bytes hashed. */
export interface AppendedEntry {
  campaignId: string;
  index: number;
  leaf: Buffer;
  leafHash: string;
  /** Trace context of the work that appended the entry, continued by its announcement. */
  trace?: Record<string, string>;
}

export interface EntryMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * A UUIDv7 fixed by the entry's position and its group's commit time, so an announcement published again
 * (after a crash between publishing and forgetting the group) carries the same event id and consumers of
 * ledger.entries.v1 can drop the copy by id as they do for every other topic.
 */
export function entryMessageId(campaignId: string, index: number, time: Date): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(time.getTime(), 0, 6);
  createHash('sha256').update(`${campaignId}:${index}`).digest().copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The entry-appended message of one entry, validated against the topic's schema like every outgoing event. */
export function entryAppendedMessage(entry: AppendedEntry, time: Date): EntryMessage {
  const message = outboxMessage(
    topics.ledger,
    envelope({
      id: entryMessageId(entry.campaignId, entry.index, time),
      type: 'org.diaspora-aid.ledger.entry-appended',
      source: '/services/ledger',
      subject: entry.campaignId,
      time,
      data: {
        campaignId: entry.campaignId,
        index: entry.index,
        leaf: entry.leaf.toString('base64'),
        leafHash: entry.leafHash,
      },
    }),
  );
  // The entry's own trace, not whatever context announces it (announcements go out in batches, after the append).
  return {
    topic: message.topic,
    key: message.key,
    value: message.payload,
    headers: { ...message.headers, ...entry.trace },
  };
}
