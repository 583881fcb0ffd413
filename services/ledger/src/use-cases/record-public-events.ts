import type { AnyEvent } from '@aid/contracts';
import { projectionDelta, type ProjectionFacts } from '../domain/projections.ts';
import { draftEntry, noContext, type EntryContext, type EntryDraft } from '../domain/public-entry.ts';
import type { DisbursementFacts, LedgerStore } from '../store/ledger-store.ts';
import type { CommittedGroup, PreparedEntry } from '../store/log-appender.ts';

// Entries that do not repeat their disbursement's sector (and deliveries its recipient) but move its money.
const disbursementLinked = new Set([
  'org.diaspora-aid.disbursement.paid',
  'org.diaspora-aid.disbursement.delivered',
  'org.diaspora-aid.disbursement.cancelled',
]);

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
      const entry = draft.entry as {
        amount?: number;
        sector?: string;
        recipient?: DisbursementFacts['recipient'];
      };
      if (draft.kind === 'disbursement-approved')
        approvals.set(disbursementId, {
          amount: entry.amount ?? null,
          sector: entry.sector ?? null,
          recipient: entry.recipient ?? null,
        });
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

/** Projection changes of one campaign's drafts. */
function prepare(drafted: Drafted[]): PreparedEntry[] {
  return drafted.map(({ draft, disbursement: facts, trace }) => {
    const projectionFacts: ProjectionFacts = {
      disbursement: facts?.recipient ? { sector: facts.sector ?? '', recipient: facts.recipient } : null,
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
export async function recordPublicEvents(
  store: LedgerStore,
  events: AnyEvent[],
  traces: readonly (Record<string, string> | undefined)[] = [],
): Promise<CommittedGroup[]> {
  const facts = disbursementFactsOfGroup(store);
  const byCampaign = new Map<string, Drafted[]>();
  for (const [position, event] of events.entries()) {
    if ('campaign' in event.data) await store.recordCampaign(event.data.campaign);
    if (event.type === 'org.diaspora-aid.donation.geography-released') {
      const { campaignId, releasedAt, release, minimumGroup, residence, heritage } = event.data;
      await store.recordGeography(campaignId, { release, minimumGroup, residence, heritage, releasedAt });
      continue;
    }
    const disbursement =
      disbursementLinked.has(event.type) && 'disbursementId' in event.data
        ? await facts.of(event.data.disbursementId)
        : null;
    const draft = draftEntry(event, contextFor(event, disbursement));
    if (!draft) continue;
    facts.note(draft);
    const drafts = byCampaign.get(draft.campaignId) ?? [];
    drafts.push({ draft, disbursement, trace: traces[position] });
    byCampaign.set(draft.campaignId, drafts);
  }
  const committed: CommittedGroup[] = [];
  for (const [campaignId, drafted] of byCampaign) {
    const outcome = await store.appendGroup(campaignId, prepare(drafted));
    committed.push(...outcome.committed);
  }
  return committed;
}
