import { insertNew } from '@aid/store';
import type { Connection } from 'mongoose';
import type { WebhookEffect } from './donation.model.ts';

/**
 * What each applied Stripe event announced, counted and owed, one document per event and the state it was decided
 * from (`_id` = `effectKey`). A webhook batch inserts its effects BEFORE the donation writes that name them (the
 * donation records the keys in its guarded write), so a donation that records an event always finds its effect:
 * that is the outbox rule, with the bulky messages kept out of the donation document, whose every later update
 * would otherwise rewrite them. An effect whose donation write did not land is never named and never read. Two
 * writers that decide the same event from the same revision decide the same thing (update decisions are pure),
 * so a key already taken holds the same effect.
 */
export function createDonationEffects(connection: Connection) {
  const collection = () => {
    if (!connection.db) throw new Error('database not connected');
    return connection.db.collection('donation_effects');
  };

  return {
    async insert(effects: { key: string; effect: WebhookEffect }[]): Promise<void> {
      await insertNew(
        collection(),
        effects.map(({ key, effect }) => ({ _id: key, ...effect })),
      );
    },

    /** The effects recorded under these keys, by key (one read by `_id`). */
    async read(keys: string[]): Promise<Map<string, WebhookEffect>> {
      const found = new Map<string, WebhookEffect>();
      if (keys.length === 0) return found;
      const docs = await collection()
        .find({ _id: { $in: keys as never[] } })
        .toArray();
      for (const { _id, ...effect } of docs) found.set(String(_id), effect as unknown as WebhookEffect);
      return found;
    },
  };
}

/** The key of an event's effect: the event and the revision of the donation it was decided from. */
export const effectKey = (stripeEventId: string, fromRevision: number) => `${stripeEventId}@${fromRevision}`;
