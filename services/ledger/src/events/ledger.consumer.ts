import { topics } from '@aid/contracts';
import type { ConsumerSpec } from '@aid/runtime';
import type { LedgerStore } from '../store/ledger-store.ts';
import { recordPublicEvent } from '../use-cases/record-public-event.ts';

/** The ledger reads every service's events; each campaign's events arrive in order within their topic. */
export function ledgerConsumer(store: LedgerStore): ConsumerSpec {
  return {
    groupId: 'ledger',
    topics: [topics.campaign, topics.donation, topics.disbursement],
    handle: (event) => recordPublicEvent(store, event),
  };
}
