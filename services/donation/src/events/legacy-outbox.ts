import type { ServiceDeps } from '@aid/runtime';
import type { OutboxMessage } from '@aid/store';
import type { DonationStore } from '../store/donation.store.ts';

/**
 * Messages an earlier version of this service queued inside donation documents: published, then cleared, by a
 * start-up migration that runs once per database (app.ts). A crash in between publishes them again, which
 * consumers absorb (they drop repeats by event id).
 */
export async function publishLegacyOutbox(
  donations: Pick<DonationStore, 'legacyOutbox' | 'clearLegacyOutbox'>,
  publisher: Pick<ServiceDeps['publisher'], 'publish'>,
): Promise<void> {
  for (const { donationId, stored } of await donations.legacyOutbox()) {
    const messages = stored.map((text) => JSON.parse(text) as OutboxMessage);
    if (messages.length > 0)
      await publisher.publish(
        messages.map(({ topic, key, payload, headers }) => ({ topic, key, value: payload, headers })),
      );
    await donations.clearLegacyOutbox(donationId, stored);
  }
}
