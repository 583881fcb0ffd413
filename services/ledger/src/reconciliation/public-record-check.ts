import {
  campaignBreaches,
  giftBreaches,
  tallyEntry,
  type Breach,
  type EntryFacts,
  type GiftTally,
} from '../domain/invariants.ts';
import { summarize } from '../domain/summary.ts';
import type { CampaignLogState, LedgerStore } from '../store/ledger-store.ts';

const pageSize = 1_000;

/**
 * Checks the conservation rules on the public record (domain/invariants.ts), needing no other service. The
 * campaign rules read each log's summary; the gift rules read the entries themselves, each once: the log only
 * grows, so this keeps per campaign how far it has read and the gifts' tallies, and a check reads only the entries
 * appended since (by `_id`, in pages). After a restart the first check reads every log from the start.
 * The tallies hold three numbers per gift that ever appeared on the record.
 */
export function createPublicRecordCheck(
  store: Pick<LedgerStore, 'allLogStates' | 'logState' | 'entriesRange'>,
) {
  const read = new Map<string, { size: number; tallies: Map<string, GiftTally> }>();
  // Checks overlap (the timer's and one asked for fresh): two readers of one campaign would both tally the same
  // entries, counting a gift twice and hiding its over-allocation. So each campaign has one reader at a time.
  const reading = new Map<string, Promise<unknown>>();

  async function advance(campaignId: string, size: number): Promise<Map<string, GiftTally>> {
    let state = read.get(campaignId);
    if (!state) read.set(campaignId, (state = { size: 0, tallies: new Map() }));
    while (state.size < size) {
      const page = await store.entriesRange(campaignId, state.size, pageSize, size);
      if (page.length === 0) break;
      for (const entry of page)
        tallyEntry(state.tallies, JSON.parse(entry.leaf.toString('utf8')) as EntryFacts);
      state.size = page[page.length - 1]!.index + 1;
    }
    return state.tallies;
  }

  async function readUpTo(campaignId: string, size: number): Promise<Map<string, GiftTally>> {
    const mine = (reading.get(campaignId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => advance(campaignId, size));
    reading.set(campaignId, mine);
    try {
      return await mine;
    } finally {
      if (reading.get(campaignId) === mine) reading.delete(campaignId);
    }
  }

  return {
    /**
     * The rules the record breaks now, for every campaign, or only those named. `heads` are every log's head when
     * the caller has just read them (the reconciliation's totals), so a check reads them once.
     */
    async breaches(only?: ReadonlySet<string>, heads?: readonly CampaignLogState[]): Promise<Breach[]> {
      const logs = only
        ? (await Promise.all([...only].sort().map((campaignId) => store.logState(campaignId)))).filter(
            (log) => log !== null,
          )
        : (heads ?? (await store.allLogStates()));
      const breaches: Breach[] = [];
      for (const log of logs) {
        const { campaignId } = log;
        breaches.push(...campaignBreaches(summarize(campaignId, log.currency, log.totals, log.size)));
        breaches.push(...giftBreaches(campaignId, await readUpTo(campaignId, log.size)));
      }
      return breaches;
    },
  };
}
