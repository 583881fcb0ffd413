import { createHash } from 'node:crypto';

/**
 * A signed Stripe event accepted at the webhook edge and not yet applied, in one of the inbox's collections:
 * one per instance and minute (`stripe_inbox_<yyyymmddhhmm>_<instance tag>`, UTC). `_id` is Stripe's event id,
 * so a redelivery to the same instance within the same minute is refused by the unique `_id`; a later copy is
 * recognised by the donation's own record of applied events. A collection is dropped once all its events are
 * applied: one cheap operation instead of a delete per event. Each instance writes and drops only its own
 * collections, so instances never drop each other's events; one that stops for good leaves its collections to
 * whichever instance finds them old (see stripe-inbox.store.ts).
 */
export interface StripeInboxDocument {
  _id: string;
  /** Arrival order in this process; applying in this order keeps each donation's events in order. */
  seq: number;
  type: string;
  /** The verified raw body, parsed again by the processor. */
  body: string;
  receivedAt: Date;
  /**
   * Trace context (W3C carrier) of the webhook request that delivered the event: applying it continues that
   * request's trace, however the events are batched. Absent on events stored before it was recorded.
   */
  trace?: Record<string, string>;
}

export const inboxCollectionPrefix = 'stripe_inbox_';

/** A short, name-safe tag for an instance's id (ids may hold a host name and a port). */
export function instanceTagOf(instanceId: string): string {
  return createHash('sha256').update(instanceId).digest('hex').slice(0, 12);
}

/** The collection of one instance's minute `at` falls in; names sort in time order. */
export function inboxCollectionOf(at: Date, instanceTag: string): string {
  return `${inboxCollectionPrefix}${minuteOf(at)}_${instanceTag}`;
}

/** `yyyymmddhhmm` (UTC), the minute part of a collection name. */
export function minuteOf(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/**
 * What a collection's name says: its minute, and the instance that wrote it (null for collections written
 * before names carried one, by a single instance). Null when the name is not an inbox collection's.
 */
export interface InboxCollectionParts {
  minute: string;
  owner: string | null;
}

export function inboxCollectionParts(name: string): InboxCollectionParts | null {
  const match = /^stripe_inbox_(\d{12})(?:_([0-9a-f]{12}))?$/.exec(name);
  if (!match?.[1]) return null;
  return { minute: match[1], owner: match[2] ?? null };
}
// Only _id is ever looked up (the unique insert); taking up reads whole collections, which hold minutes of events.
