import type { AnyEvent } from '@aid/contracts';
import { noFacts, projectionDelta, type ProjectionFacts } from '../domain/projections.ts';
import { draftEntry, noContext, type EntryContext, type EntryDraft } from '../domain/public-entry.ts';
import type { DisbursementFacts, LedgerStore } from '../store/ledger-store.ts';

// Entries that do not repeat their disbursement's sector (and deliveries its recipient) but move its money.
const disbursementLinked = new Set(['org.diaspora-aid.disbursement.paid', 'org.diaspora-aid.disbursement.delivered', 'org.diaspora-aid.disbursement.cancelled']);

async function disbursementFactsOf(store: LedgerStore, event: AnyEvent): Promise<DisbursementFacts | null> {
  if (!disbursementLinked.has(event.type) || !('disbursementId' in event.data)) return null;
  return store.disbursementFacts(event.data.disbursementId);
}

function contextFor(event: AnyEvent, facts: DisbursementFacts | null): EntryContext {
  if (event.type !== 'org.diaspora-aid.disbursement.delivered' || !facts) return noContext;
  return { disbursementAmount: facts.amount, firstDeliveryOfDisbursement: !facts.delivered };
}

interface GiftDonor {
  publicRef: string;
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
}

async function projectionFacts(store: LedgerStore, draft: EntryDraft, facts: DisbursementFacts | null): Promise<ProjectionFacts> {
  const disbursement = facts?.recipient ? { sector: facts.sector ?? '', recipient: facts.recipient } : null;
  const donor = draft.kind === 'gift' ? (draft.entry.donor as GiftDonor | undefined) : undefined;
  if (!donor) return { ...noFacts, disbursement };
  const known = await store.donorOfGift(draft.campaignId, donor.publicRef, draft.eventId, { residence: donor.countryOfResidence, heritage: donor.countryOfHeritage });
  return { disbursement, donor: known };
}

/** Records one event on the public ledger: campaign descriptions kept current, money movements appended once. */
export async function recordPublicEvent(store: LedgerStore, event: AnyEvent): Promise<void> {
  if ('campaign' in event.data) await store.recordCampaign(event.data.campaign);
  const facts = await disbursementFactsOf(store, event);
  const draft = draftEntry(event, contextFor(event, facts));
  if (!draft) return;
  await store.append(draft, projectionDelta(draft, await projectionFacts(store, draft, facts)));
}
