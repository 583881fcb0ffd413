import type { AnyEvent } from '@aid/contracts';
import { projectionDelta, type ProjectionFacts } from '../domain/projections.ts';
import { draftEntry, noContext, type EntryContext, type EntryDraft } from '../domain/public-entry.ts';
import type { DisbursementFacts, LedgerStore } from '../store/ledger-store.ts';
import type { CommittedGroup, PreparedEntry } from '../store/log-appender.ts';

// Entries that do not repeat their disbursement's sector (and deliveries its recipient) but move its money.
const disbursementLinked = new Set(['org.diaspora-aid.disbursement.paid', 'org.diaspora-aid.disbursement.delivered', 'org.diaspora-aid.disbursement.cancelled']);

interface GiftDonor {
  publicRef: string;
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
}

/**
 * What a disbursement's earlier entries say, for a group of events: what the log held before the group (read
 * once per disbursement) with the group's own earlier approvals and deliveries laid over it, so the tenth
 * event of a group sees the first nine exactly as if each had been appended alone.
 */
function disbursementFactsOfGroup(store: LedgerStore) {
  const stored = new Map<string, Promise<DisbursementFacts>>();
  const approvals = new Map<string, Pick<DisbursementFacts, 'amount' | 'sector' | 'recipient'>>();
  const delivered = new Set<string>();
  return {
    async of(disbursementId: string): Promise<DisbursementFacts> {
      let read = stored.get(disbursementId);
      if (!read) stored.set(disbursementId, (read = store.disbursementFacts(disbursementId)));
      const facts = await read;
      const approval = facts.amount === null ? approvals.get(disbursementId) : undefined;
      return { ...facts, ...approval, delivered: facts.delivered || delivered.has(disbursementId) };
    },
    note(draft: EntryDraft): void {
      const disbursementId = draft.refs.disbursementId;
      if (!disbursementId) return;
      const entry = draft.entry as { amount?: number; sector?: string; recipient?: DisbursementFacts['recipient'] };
      if (draft.kind === 'disbursement-approved') approvals.set(disbursementId, { amount: entry.amount ?? null, sector: entry.sector ?? null, recipient: entry.recipient ?? null });
      if (draft.kind === 'delivery') delivered.add(disbursementId);
    },
  };
}

function contextFor(event: AnyEvent, facts: DisbursementFacts | null): EntryContext {
  if (event.type !== 'org.diaspora-aid.disbursement.delivered' || !facts) return noContext;
  return { disbursementAmount: facts.amount, firstDeliveryOfDisbursement: !facts.delivered };
}

interface Drafted {
  draft: EntryDraft;
  disbursement: DisbursementFacts | null;
  trace: Record<string, string> | undefined;
}

/** Projection changes of one campaign's drafts, with its gifts' donors recorded in one write. */
async function prepare(store: LedgerStore, campaignId: string, drafted: Drafted[]): Promise<PreparedEntry[]> {
  const gifts = drafted.flatMap(({ draft }) => {
    const donor = draft.kind === 'gift' ? (draft.entry.donor as GiftDonor | undefined) : undefined;
    return donor ? [{ publicRef: donor.publicRef, eventId: draft.eventId, residence: donor.countryOfResidence, heritage: donor.countryOfHeritage }] : [];
  });
  const donors = gifts.length > 0 ? await store.donorsOfGifts(campaignId, gifts) : new Map<string, never>();
  return drafted.map(({ draft, disbursement: facts, trace }) => {
    const disbursement = facts?.recipient ? { sector: facts.sector ?? '', recipient: facts.recipient } : null;
    const ref = draft.kind === 'gift' ? (draft.entry.donor as GiftDonor | undefined)?.publicRef : undefined;
    const donor = ref === undefined ? undefined : donors.get(ref);
    const projectionFacts: ProjectionFacts = {
      disbursement,
      donor: donor ? { firstGift: donor.firstEventId === draft.eventId, residence: donor.residence, heritage: donor.heritage } : null,
    };
    return { draft, projection: projectionDelta(draft, projectionFacts), trace };
  });
}

/**
 * Records a group of events (one partition's, in order) on the public ledger: campaign descriptions kept
 * current, money movements appended once each, every campaign's entries in one group append. Returns the groups
 * committed, whose entry-appended messages are to be announced. `traces` (aligned with `events`) holds the
 * trace context each event was consumed in: its entry's announcement continues that trace.
 */
export async function recordPublicEvents(store: LedgerStore, events: AnyEvent[], traces: readonly (Record<string, string> | undefined)[] = []): Promise<CommittedGroup[]> {
  const facts = disbursementFactsOfGroup(store);
  const byCampaign = new Map<string, Drafted[]>();
  for (const [position, event] of events.entries()) {
    if ('campaign' in event.data) await store.recordCampaign(event.data.campaign);
    const disbursement = disbursementLinked.has(event.type) && 'disbursementId' in event.data ? await facts.of(event.data.disbursementId) : null;
    const draft = draftEntry(event, contextFor(event, disbursement));
    if (!draft) continue;
    facts.note(draft);
    const drafts = byCampaign.get(draft.campaignId) ?? [];
    drafts.push({ draft, disbursement, trace: traces[position] });
    byCampaign.set(draft.campaignId, drafts);
  }
  const committed: CommittedGroup[] = [];
  for (const [campaignId, drafted] of byCampaign) {
    const outcome = await store.appendGroup(campaignId, await prepare(store, campaignId, drafted));
    committed.push(...outcome.committed);
  }
  return committed;
}
