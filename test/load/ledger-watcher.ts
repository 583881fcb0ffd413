import { randomBytes } from 'node:crypto';
import { topics } from '@aid/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface LedgerWatcher {
  /** When (performance clock, ms) each gift of the campaign was first seen in the ledger's public log, by donation id. */
  arrivals: Map<string, number>;
  /** When each gift's donation.succeeded reached Kafka (seen here), by donation id: the donation outbox's share. */
  published: Map<string, number>;
  /**
   * Events on the topics the services consume, this run's campaign's and everything else: on a shared broker the
   * services also consume whatever other runs publish meanwhile, and that work shows in the figures.
   */
  events: { own: number; foreign: number };
  /** Gift entries read for a donation that already had one: a gift doubled on the public record. */
  duplicates(): number;
  stop(): Promise<void>;
}

/**
 * Notes when each gift of one campaign is first served by this platform's ledger, by reading the campaign's
 * public log every `pollMs` from where the last read ended (so the figure includes up to `pollMs` of polling).
 * The ledger's Kafka announcements cannot tell this: on a shared broker every running ledger appends the same
 * gifts and announces them with the same campaign id. Also follows donation.events.v1 from its current end
 * (only this platform's donation service publishes this campaign's gifts), so the time to the ledger splits
 * into the donation service's part and the ledger's, and counts what else the services had to consume.
 */
/** JSON or nothing: the topics also carry other tests' deliberately broken messages, which must not stop the watch. */
function parsed<T>(text: string | undefined): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function watchLedgerGifts(options: {
  brokers: string[];
  ledgerUrl: string;
  campaignId: string;
  pollMs: number;
}): Promise<LedgerWatcher> {
  const { brokers, campaignId } = options;
  const consumed = [topics.campaign, topics.donation, topics.disbursement];
  const kafka = new Kafka({ clientId: 'load-ledger-watcher', brokers, logLevel: logLevel.NOTHING });
  const groupId = `load-watcher-${randomBytes(6).toString('hex')}`;
  // A new group would otherwise start from the whole history of every earlier run.
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of consumed) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
  const arrivals = new Map<string, number>();
  const published = new Map<string, number>();
  const events = { own: 0, foreign: 0 };
  const consumer: Consumer = kafka.consumer({ groupId });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    console.error(
      `  the donation events watcher crashed (${payload.error.message}); figures after this are short`,
    ),
  );
  await consumer.connect();
  await consumer.subscribe({ topics: consumed });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const at = performance.now();
      const event = parsed<{
        type?: string;
        data?: { campaignId?: string; donationId?: string; campaign?: { campaignId?: string } };
      }>(message.value?.toString());
      const own = (event?.data?.campaignId ?? event?.data?.campaign?.campaignId) === campaignId;
      if (own) events.own += 1;
      else events.foreign += 1;
      const donationId = event?.data?.donationId;
      if (
        !own ||
        topic !== topics.donation ||
        event?.type !== 'org.diaspora-aid.donation.succeeded' ||
        !donationId
      )
        return;
      if (!published.has(donationId)) published.set(donationId, at);
    },
  });
  await joined;

  let polling = true;
  let next = 0;
  let duplicates = 0;
  const poll = (async () => {
    while (polling) {
      const started = performance.now();
      try {
        const response = await fetch(
          `${options.ledgerUrl}/v1/campaigns/${campaignId}/entries?from=${next}&limit=1000`,
          { signal: AbortSignal.timeout(10_000) },
        );
        // 404 until the campaign's log exists.
        if (response.ok) {
          const { entries } = (await response.json()) as {
            entries: { index: number; entry: { kind?: string; donationId?: string } }[];
          };
          const at = performance.now();
          for (const { index, entry } of entries) {
            next = Math.max(next, index + 1);
            if (entry.kind !== 'gift' || !entry.donationId) continue;
            if (arrivals.has(entry.donationId)) duplicates += 1;
            else arrivals.set(entry.donationId, at);
          }
          if (entries.length === 1000) continue;
        } else {
          await response.arrayBuffer();
        }
      } catch {
        // a slow or restarting ledger: read again at the next tick
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, options.pollMs - (performance.now() - started))),
      );
    }
  })();
  return {
    arrivals,
    published,
    events,
    duplicates: () => duplicates,
    async stop() {
      polling = false;
      await poll;
      await consumer.disconnect();
    },
  };
}
