import { startWorkerLoop } from '@aid/bus';
import type { ServiceDeps } from '@aid/runtime';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { applyStripeEvents } from '../use-cases/apply-stripe-events.ts';
import type { JournalEntry } from '../store/donation-journal.store.ts';
import type { StripeInbox } from '../store/stripe-inbox.store.ts';
import { startBatchPublisher } from './batch-publisher.ts';
import type { GiftMetrics } from './gift-metrics.ts';
import { resumeInbox, startInboxProcessor, type InboxProcessor } from './inbox-processor.ts';
import { startJournalFolder, type JournalFolder } from './journal-folder.ts';

/** How often other instances' inbox collections are looked at for events left unapplied. */
const orphanSweepMs = 60_000;

export interface WebhookPipeline {
  processor: InboxProcessor;
  folder: JournalFolder;
  stop(): Promise<void>;
}

/**
 * The webhook path after the edge, in the order a Stripe event travels: the inbox processor applies batches of
 * durable inbox events (use-cases/apply-stripe-events.ts), each committed as one journal document; every
 * committed batch goes to the batch publisher (its events, to Kafka) and to the folder (its changes, into the
 * donation documents and campaign totals; the journal is deleted once both are done).
 *
 * Start-up order matters: the batches committed and not folded before the last stop come back first (into the
 * store's memory, the publisher and the folder), so what the process last decided is what the next decision
 * sees; then the inbox's events are taken up.
 */
export async function startWebhookPipeline(options: {
  flows: DonationFlows;
  inbox: StripeInbox;
  giftMetrics: GiftMetrics;
  /** Owes the receipts of a folded batch (to the mail outbox). */
  oweReceipts(donationIds: string[]): Promise<void>;
  publisher: ServiceDeps['publisher'];
}): Promise<WebhookPipeline> {
  const { flows, inbox } = options;
  const { logger } = flows;
  const unfolded = await flows.journal.unfolded();
  for (const entry of unfolded) {
    flows.donations.restore(entry.changes);
    flows.totals.stage(entry.id, entry.totals);
  }

  const publisher = startBatchPublisher({ publisher: options.publisher, logger, tracer: flows.tracer });
  const folder = startJournalFolder({
    journal: flows.journal,
    donations: flows.donations,
    totals: flows.totals,
    oweReceipts: (donationIds) => options.oweReceipts(donationIds),
    published: (journalId) => publisher.published(journalId),
    logger,
  });
  const committed = (entry: JournalEntry) => {
    publisher.committed(entry);
    folder.committed(entry);
  };
  // Published again: whether they went out before the stop is not recorded (at least once).
  unfolded.forEach(committed);

  const processor = startInboxProcessor({
    inbox,
    async apply(events) {
      const applied = folder.applying();
      try {
        const batch = await applyStripeEvents(flows, events);
        if (batch.committed) committed(batch.committed);
        options.giftMetrics.counted(batch.counted);
        return batch;
      } finally {
        applied();
      }
    },
    logger,
  });
  const resumed = await resumeInbox(inbox, processor);
  // Another instance that stopped for good leaves its inbox: whoever finds it old takes it up.
  const orphanSweep = startWorkerLoop({
    async pass() {
      const orphans = await inbox.orphans();
      if (orphans.length > 0) {
        logger.warn({ events: orphans.length }, 'taking up webhook events another instance left');
        for (const event of orphans) processor.received(event);
      }
      return 'idle';
    },
    intervalMs: orphanSweepMs,
    // Start-up took up what was already old.
    firstDelayMs: orphanSweepMs,
    logger,
    failureMessage: 'inbox not searched for events another instance left; will retry',
  });
  if (resumed > 0 || unfolded.length > 0)
    logger.info(
      { inboxEvents: resumed, unfoldedBatches: unfolded.length },
      'taking up webhook work left by the previous run',
    );

  return {
    processor,
    folder,
    // In-flight batches finish and are committed; what is left stays in the inbox and journal for the next start.
    async stop() {
      await orphanSweep.stop();
      await processor.stop();
      await publisher.stop();
      await folder.stop();
    },
  };
}
