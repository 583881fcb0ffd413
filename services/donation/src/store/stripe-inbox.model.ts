/**
 * A signed Stripe event accepted at the webhook edge and not yet applied, in one of the inbox's per-minute
 * collections (`stripe_inbox_<yyyymmddhhmm>`, UTC). `_id` is Stripe's event id, so a redelivery within the same
 * minute is refused by the unique `_id`; a later copy is recognised by the donation's own record of applied
 * events. A minute's collection is dropped once all its events are applied: one cheap operation instead of a
 * delete per event (FerretDB scans a collection for `_id: {$in}`, and per-document deletes cost a round trip).
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

/** The collection of the minute `at` falls in; names sort in time order. */
export function inboxCollectionOf(at: Date): string {
  return `${inboxCollectionPrefix}${at.toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}
// Only _id is ever looked up (the unique insert); start-up reads whole collections, which hold minutes of events.
