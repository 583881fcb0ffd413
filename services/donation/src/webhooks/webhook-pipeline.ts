import { startWorkerLoop } from '@aid/bus';
import type { ServiceDeps } from '@aid/runtime';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { applyStripeEvents, type WebhookOutlets } from '../use-cases/apply-stripe-events.ts';
import type { LegacyJournal } from '../store/legacy-journal.store.ts';
import { RecentMap } from '../store/recent-map.ts';
import type { StripeInbox } from '../store/stripe-inbox.store.ts';
import { batchPublisher } from './batch-publisher.ts';
import type { GiftMetrics } from './gift-metrics.ts';
import { resumeInbox, startInboxProcessor, type InboxProcessor } from './inbox-processor.ts';
import { drainLegacyJournal } from './legacy-journal-drain.ts';

export interface WebhookPipeline {
  processor: InboxProcessor;
  stop(): Promise<void>;
}

/**
 * The webhook path after the edge: the inbox processor applies batches of durable inbox events
 * (use-cases/apply-stripe-events.ts), each written to its donations, counted in the totals, its receipts owed, its
 * consenting donors counted and its events published before the inbox lets them go. Nothing of it lives only in
 * this process's memory, so any number of instances can run side by side: each applies what its own edge received
 * (and what a stopped instance left), and guarded writes keep them from overwriting each other.
 *
 * Start-up order: journal batches an earlier version left are drained first, so the first decision sees them;
 * then the inbox's events are taken up.
 */
export async function startWebhookPipeline(options: {
  flows: DonationFlows;
  inbox: StripeInbox;
  legacyJournal: LegacyJournal;
  /** How often other instances' inbox collections are looked at for events left unapplied. */
  orphanSweepMs: number;
  giftMetrics: GiftMetrics;
  /** Owes the receipts of a written batch (to the mail outbox). */
  oweReceipts(donationIds: string[]): Promise<void>;
  /** Counts a written batch's consenting donors in their campaigns' donor geography. */
  countDonors: WebhookOutlets['countDonors'];
  publisher: ServiceDeps['publisher'];
}): Promise<WebhookPipeline> {
  const { flows, inbox } = options;
  const { logger } = flows;
  const publish = batchPublisher({ publisher: options.publisher, tracer: flows.tracer });
  // Stripe retries a webhook within hours; 100,000 events cover a peak's retries at about 100 bytes each.
  const oweReceipts = (donationIds: string[]) => options.oweReceipts(donationIds);
  const outlets: WebhookOutlets = {
    publish,
    oweReceipts,
    countDonors: options.countDonors,
    owedHere: new RecentMap<true>(100_000),
  };
  const drained = await drainLegacyJournal({
    journal: options.legacyJournal,
    totals: flows.totals,
    publish,
    oweReceipts,
  });

  const processor = startInboxProcessor({
    inbox,
    async apply(events) {
      const batch = await applyStripeEvents(flows, events, outlets);
      options.giftMetrics.counted(batch.counted);
      return batch;
    },
    logger,
  });
  const resumed = await resumeInbox(inbox, processor);
  if (resumed > 0 || drained > 0)
    logger.info(
      { inboxEvents: resumed, journalBatches: drained },
      'taking up webhook work left by the previous run',
    );
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
    intervalMs: options.orphanSweepMs,
    // Start-up took up what was already old.
    firstDelayMs: options.orphanSweepMs,
    logger,
    failureMessage: 'inbox not searched for events another instance left; will retry',
  });

  return {
    processor,
    // An in-flight batch finishes; what is left stays in the inbox for the next start.
    async stop() {
      await orphanSweep.stop();
      await processor.stop();
    },
  };
}
