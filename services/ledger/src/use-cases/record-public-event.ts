import type { AnyEvent } from '@aid/contracts';
import { draftEntry, noContext, type EntryContext } from '../domain/public-entry.ts';
import type { LedgerStore } from '../store/ledger-store.ts';

async function contextFor(store: LedgerStore, event: AnyEvent): Promise<EntryContext> {
  if (event.type !== 'org.diaspora-aid.disbursement.delivered') return noContext;
  const facts = await store.disbursementFacts(event.data.disbursementId);
  return { disbursementAmount: facts.amount, firstDeliveryOfDisbursement: !facts.delivered };
}

/** Records one event on the public ledger: campaign descriptions kept current, money movements appended once. */
export async function recordPublicEvent(store: LedgerStore, event: AnyEvent): Promise<void> {
  if ('campaign' in event.data) await store.recordCampaign(event.data.campaign);
  const draft = draftEntry(event, await contextFor(store, event));
  if (draft) await store.append(draft);
}
