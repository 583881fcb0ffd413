import {
  donorAddress,
  eventually,
  paymentSucceededPayload,
  platformClient,
  requestFrom,
  signStripeWebhook,
} from '@aid/test-kit';
import type { ServiceProcesses } from '../src/harness/service-processes.ts';
import { watchLedgerGifts } from './ledger-watcher.ts';
import { cpuSeconds, listenerPid } from './process-cpu.ts';
import { forEachIndex, latencySummary, perSecond, rate, sleep } from './stats.ts';

export interface GiftRunOptions {
  seconds: number;
  rate: number;
  maxInFlight: number;
  drainSeconds: number;
  /** Create every donation before the timed window, so the window drives webhooks only. */
  precreate: boolean;
  /** How often the ledger's public log is read to see which gifts it serves. */
  pollMs: number;
  brokers: string[];
  mongoUrl: string;
}

const amount = 2_500;
const fee = 103;
const requestTimeoutMs = 30_000;

interface Accepted {
  donationId: string;
  sentAt: number;
  acceptedAt: number;
}

/**
 * Drives gifts end to end at a fixed arrival rate (open loop: a gift is due every 1/rate s whatever the answers
 * take; when `maxInFlight` gifts are already waiting a due gift is shed and counted), and prints what reached the
 * edge and the ledger.
 */
export async function runGifts(platform: ServiceProcesses, options: GiftRunOptions): Promise<void> {
  const api = platformClient(platform.urls, platform.secrets);
  const organization = await api.createOrganization({
    name: 'Load test diaspora association',
    country: 'GB',
    kind: 'diaspora-association',
  });
  const campaign = await api.createCampaign(organization.apiKey, {
    title: 'Storm recovery (load test)',
    summary: 'Sustained giving at a steady rate.',
    goal: { amount: 1_000_000_000, currency: 'USD' },
    crisis: { kind: 'storm', countries: ['MZ'] },
  });
  await api.publishCampaign(organization.apiKey, campaign.id);
  const watcher = await watchLedgerGifts({
    brokers: options.brokers,
    ledgerUrl: platform.urls.ledger,
    campaignId: campaign.id,
    pollMs: options.pollMs,
  });

  const createDonation = async (index: number): Promise<{ donationId: string } | { error: string }> => {
    try {
      // Each donor from an address of their own, as donors arrive: the per-address limit holds, the campaign's does not bind.
      const response = await requestFrom(donorAddress(index), `${platform.urls.donation}/v1/donations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaignId: campaign.id,
          amount,
          currency: 'USD',
          donor: { email: `load${index}@example.org` },
          geographyConsent: true,
          countryOfResidence: 'GB',
          interval: 'once',
        }),
        timeoutMs: requestTimeoutMs,
      });
      const body = (response.status === 201 ? JSON.parse(response.text) : {}) as { donationId?: string };
      return response.status === 201 && body.donationId
        ? { donationId: body.donationId }
        : { error: `POST /v1/donations ${response.status}` };
    } catch (error) {
      return { error: `POST /v1/donations ${(error as Error).name}` };
    }
  };
  const sendWebhook = async (donationId: string): Promise<{ sentAt: number; status: number | string }> => {
    const payload = paymentSucceededPayload({ donationId, amount, currency: 'USD', fee });
    // Signing is Stripe's work: it stays outside the measured time.
    const signature = signStripeWebhook(payload, platform.secrets.stripeWebhookSecret);
    const sentAt = performance.now();
    try {
      const response = await fetch(`${platform.urls.donation}/v1/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      await response.arrayBuffer();
      return { sentAt, status: response.status };
    } catch (error) {
      return { sentAt, status: (error as Error).name };
    }
  };

  // One gift end to end first: the campaign has reached the donation service and the ledger is followed.
  const warmUp = await eventually(
    async () => {
      const created = await createDonation(-1);
      if ('error' in created) throw new Error(created.error);
      return created;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  await sendWebhook(warmUp.donationId);
  await eventually(
    () => {
      if (!watcher.arrivals.has(warmUp.donationId))
        throw new Error('the warm-up gift did not reach the ledger within 60 s');
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

  const planned = Math.max(1, Math.round(options.seconds * options.rate));
  const errors = new Map<string, number>();
  const countError = (error: string): void => {
    errors.set(error, (errors.get(error) ?? 0) + 1);
  };
  const createLatencies: number[] = [];
  const webhookLatencies: number[] = [];
  const accepted: Accepted[] = [];

  const ready: string[] = [];
  if (options.precreate) {
    const started = performance.now();
    await forEachIndex(Math.min(options.maxInFlight, 16), planned, async (index) => {
      const t0 = performance.now();
      const created = await createDonation(index);
      createLatencies.push(performance.now() - t0);
      if ('error' in created) countError(created.error);
      else ready.push(created.donationId);
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  created ${ready.length} donations beforehand in ${seconds.toFixed(1)} s (${rate(perSecond(ready.length, seconds))}/s; ${latencySummary(createLatencies)})`,
    );
  }

  const portOf = (address: string | undefined) => Number(/:(\d+)(?:[/?]|$)/.exec(address ?? '')?.[1]);
  const processes: Record<string, number | undefined> = {
    ...platform.pids,
    database: await listenerPid(portOf(options.mongoUrl)),
    kafka: await listenerPid(portOf(options.brokers[0])),
    'stripe-mock': await listenerPid(portOf(process.env.STRIPE_API_BASE)),
  };
  const cpuBefore = await Promise.all(Object.values(processes).map(cpuSeconds));
  let inFlight = 0;
  let shed = 0;
  const pending = new Set<Promise<void>>();
  const gift = async (index: number) => {
    let donationId = options.precreate ? ready[index] : undefined;
    if (!options.precreate) {
      const t0 = performance.now();
      const created = await createDonation(index);
      createLatencies.push(performance.now() - t0);
      if ('error' in created) {
        countError(created.error);
        return;
      }
      donationId = created.donationId;
    }
    if (!donationId) return;
    const { sentAt, status } = await sendWebhook(donationId);
    const acceptedAt = performance.now();
    webhookLatencies.push(acceptedAt - sentAt);
    if (status === 200) accepted.push({ donationId, sentAt, acceptedAt });
    else countError(`POST /v1/webhooks/stripe ${status}`);
  };

  const windowStart = performance.now();
  const windowEnd = windowStart + options.seconds * 1000;
  const interval = 1000 / options.rate;
  let scheduled = 0;
  for (let index = 0; index < planned; index += 1) {
    const due = windowStart + index * interval;
    if (due >= windowEnd) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    scheduled += 1;
    if (inFlight >= options.maxInFlight || (options.precreate && index >= ready.length)) {
      shed += 1;
      continue;
    }
    inFlight += 1;
    const running: Promise<void> = gift(index).finally(() => {
      inFlight -= 1;
      pending.delete(running);
    });
    pending.add(running);
  }
  const lastDue = performance.now();
  await Promise.all(pending);
  const edgeDone = performance.now();
  const reachedInWindow = accepted.filter(
    ({ donationId }) => (watcher.arrivals.get(donationId) ?? Number.POSITIVE_INFINITY) <= windowEnd,
  ).length;
  const lagAtWindowEnd =
    accepted.filter(({ acceptedAt }) => acceptedAt <= windowEnd).length - reachedInWindow;

  const drainDeadline = performance.now() + options.drainSeconds * 1000;
  while (
    accepted.some(({ donationId }) => !watcher.arrivals.has(donationId)) &&
    performance.now() < drainDeadline
  )
    await sleep(100);
  const cpuAfter = await Promise.all(Object.values(processes).map(cpuSeconds));
  await watcher.stop();

  const reached = accepted.filter(({ donationId }) => watcher.arrivals.has(donationId));
  const toLedger = reached.map(({ donationId, sentAt }) => (watcher.arrivals.get(donationId) ?? 0) - sentAt);
  const toKafka = reached.flatMap(({ donationId, sentAt }) =>
    watcher.published.has(donationId) ? [(watcher.published.get(donationId) ?? 0) - sentAt] : [],
  );
  const kafkaToLedger = reached.flatMap(({ donationId }) =>
    watcher.published.has(donationId)
      ? [(watcher.arrivals.get(donationId) ?? 0) - (watcher.published.get(donationId) ?? 0)]
      : [],
  );
  const fifth = Math.max(1, Math.floor(reached.length / 5));
  const perFiveSeconds = (times: number[]) => {
    const buckets: number[] = [];
    for (const time of times) {
      const bucket = Math.floor((time - windowStart) / 5_000);
      if (bucket >= 0) buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    return Array.from(buckets, (count) => count ?? 0).join(' ');
  };
  const lastArrival = Math.max(...reached.map(({ donationId }) => watcher.arrivals.get(donationId) ?? 0));
  const firstSent = Math.min(...accepted.map(({ sentAt }) => sentAt));
  const window = (lastDue - windowStart) / 1000;
  const summary = await api.summary(campaign.id).catch(() => ({ gifts: Number.NaN }));

  console.log(
    `  offered: ${scheduled} gifts due in ${window.toFixed(1)} s (${rate(perSecond(scheduled, window))}/s); ${shed} shed by the generator (${options.maxInFlight} already in flight${options.precreate ? ' or no donation left' : ''})`,
  );
  if (!options.precreate)
    console.log(
      `  POST /v1/donations (PaymentIntent on stripe-mock): ${createLatencies.length} answered; ${latencySummary(createLatencies)}`,
    );
  console.log(
    `  accepted at the edge (webhook 200): ${accepted.length} in ${((edgeDone - windowStart) / 1000).toFixed(1)} s = ${rate(perSecond(accepted.length, (edgeDone - windowStart) / 1000))} gifts/s`,
  );
  console.log(`  webhook latency at the edge: ${latencySummary(webhookLatencies)}`);
  if (errors.size > 0)
    console.log(`  errors: ${[...errors].map(([error, count]) => `${error} ×${count}`).join(', ')}`);
  console.log(
    `  reaching the ledger: ${reachedInWindow} within the window = ${rate(perSecond(reachedInWindow, options.seconds))} gifts/s; ${lagAtWindowEnd} accepted but not yet on the ledger when the window closed`,
  );
  console.log(
    `  reaching the ledger, all: ${reached.length}/${accepted.length} in ${((lastArrival - firstSent) / 1000).toFixed(1)} s from the first webhook = ${rate(perSecond(reached.length, (lastArrival - firstSent) / 1000))} gifts/s${reached.length < accepted.length ? ` — ${accepted.length - reached.length} still missing after ${options.drainSeconds} s of draining` : ''}`,
  );
  console.log(
    `  webhook sent → gift served in the ledger's public log (polled every ${options.pollMs} ms): ${latencySummary(toLedger)}`,
  );
  console.log(
    `    of which webhook sent → donation.succeeded on Kafka (donation service and its outbox relay): ${latencySummary(toKafka)}`,
  );
  console.log(
    `    and donation.succeeded on Kafka → served by the ledger (consume, append, poll): ${latencySummary(kafkaToLedger)}`,
  );
  console.log(`    first fifth of the gifts: ${latencySummary(toLedger.slice(0, fifth))}`);
  console.log(`    last fifth of the gifts:  ${latencySummary(toLedger.slice(-fifth))}`);
  console.log(
    `  per 5 s from the window's start: accepted ${perFiveSeconds(accepted.map(({ acceptedAt }) => acceptedAt))}`,
  );
  console.log(`                                 on Kafka ${perFiveSeconds([...watcher.published.values()])}`);
  console.log(
    `                                on ledger ${perFiveSeconds(reached.map(({ donationId }) => watcher.arrivals.get(donationId) ?? 0))}`,
  );
  const { own, foreign } = watcher.events;
  console.log(
    `  events on the topics the services consume, warm-up to end of drain: ${own} of this run, ${foreign} of other runs on the broker${foreign > own ? ' — other traffic dominated: these figures are not this platform alone' : ''}`,
  );
  console.log(
    `  ledger summary of the campaign: ${summary.gifts} gifts (${accepted.length + 1} expected, with the warm-up gift)`,
  );
  const cpu = Object.keys(processes).map((name, index) => {
    const [before, after] = [cpuBefore[index], cpuAfter[index]];
    return before === undefined || after === undefined
      ? `${name} ?`
      : `${name} ${(after - before).toFixed(1)} s`;
  });
  console.log(
    `  CPU time of each process over the window and drain (${((performance.now() - windowStart) / 1000).toFixed(1)} s, 2 cores shared): ${cpu.join(', ')}`,
  );
}
