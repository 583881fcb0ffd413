import { topics } from '@aid/contracts';
import type { ConsumerSpec } from '@aid/runtime';
import type { LedgerStore } from '../store/ledger-store.ts';
import { recordPublicEvents } from '../use-cases/record-public-events.ts';
import type { EntryAnnouncer } from './entry-announcer.ts';

/**
 * The ledger reads every service's events; each campaign's events arrive in order within their topic. They are
 * taken a partition's batch at a time, so a campaign's entries are appended in a few writes per group.
 */
export function ledgerConsumer(store: LedgerStore, announcer: EntryAnnouncer): ConsumerSpec {
  return {
    groupId: 'ledger',
    topics: [topics.campaign, topics.donation, topics.disbursement],
    maxBatchSize: 1_000,
    handleBatch: async (items) => {
      announcer.queue(
        await recordPublicEvents(
          store,
          items.map((item) => item.event),
          items.map((item) => item.trace),
        ),
      );
    },
  };
}
