import type { OutboxMessage } from '@aid/store';
import type { CampaignTotalsStore } from '../store/campaign-totals.store.ts';
import type { LegacyJournal } from '../store/legacy-journal.store.ts';

/**
 * Start-up, before any webhook is decided: the journal batches an earlier version committed and had not folded
 * are brought into the donation documents and campaign totals (guarded writes a second drain cannot apply twice),
 * their receipts owed and their events published again (at least once: whether they went out before is not
 * recorded), then deleted. Several instances starting together may drain the same batch; each step is idempotent.
 */
export async function drainLegacyJournal(deps: {
  journal: LegacyJournal;
  totals: Pick<CampaignTotalsStore, 'foldLegacy'>;
  oweReceipts(donationIds: string[]): Promise<void>;
  publish(messages: OutboxMessage[]): Promise<void>;
}): Promise<number> {
  const entries = await deps.journal.entries();
  for (const entry of entries) {
    for (const change of entry.changes) await deps.journal.foldChange(change);
    for (const delta of entry.totals) await deps.totals.foldLegacy(entry.id, delta);
    if (entry.mails.length > 0) await deps.oweReceipts(entry.mails);
    await deps.publish(entry.messages);
    await deps.journal.remove(entry.id);
  }
  return entries.length;
}
