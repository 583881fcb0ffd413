// Scale benchmark: prints figures, asserts nothing (it is not a test). From the repository root, with the
// infrastructure variables set: `pnpm --filter @aid/ledger-service bench:scale --entries 1000000`
// (`--help` lists the options). It loads a ledger of `--entries` entries across `--campaigns` campaigns whose gifts
// carry `--receipts` receipt codes, through the ledger's own append path, then serves it with the ledger and web
// apps and measures every public endpoint with each number of concurrent clients in `--viewers`. It works in a database of its own
// and drops it at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { createServer } from 'node:net';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { envelope, newId, type AnyEvent } from '@aid/contracts';
import { startService } from '@aid/runtime';
import { connectDatabase } from '@aid/store';
import { z } from 'zod';
import { buildApp } from '../src/app.ts';
import { loadLedgerConfig } from '../src/config.ts';
import { decodeBundle } from '../src/store/entry-bundle.model.ts';
import { createLedgerStore } from '../src/store/ledger-store.ts';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  donorRef,
  giftSucceeded,
  refundPair,
} from '@aid/test-kit/record-events';
import { recordPublicEvents } from '../src/use-cases/record-public-events.ts';
import { childEnv, loadScaleBenchEnv } from './config.ts';
import type { LoadRequest, LoadResult } from './load-worker.ts';

const { values: options } = parseArgs({
  allowNegative: true,
  options: {
    entries: { type: 'string', default: '1000000' },
    campaigns: { type: 'string', default: '1000' },
    receipts: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '8' },
    viewers: { type: 'string', default: '1,4' },
    'group-size': { type: 'string', default: '1000' },
    'read-pools': { type: 'string', default: '4' },
    'without-bundles': { type: 'boolean', default: true },
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(`options: --entries N (1,000,000) --campaigns N (1,000) --receipts N (100,000) --seconds S per endpoint (8)
         --viewers N,M concurrent clients, one measurement each (1,4) --group-size N events per append (1,000, the consumer's largest batch)
         --read-pools N,M the ledger's MONGO_READ_POOL_SIZE, one measurement each (4; 0 is the one shared connection)
         --only TEXT measure only the endpoints whose name contains TEXT (several: a,b)
         --rounds N measure every endpoint N times on the one loaded ledger, a new ledger and web each time (1)
         --no-without-bundles skip measuring again with the entry bundles removed (as a ledger from before them reads)
environment: MONGO_URL, KAFKA_BROKERS (the ledger app starts its consumers), as for the services`);
  process.exit(0);
}
const whole = z.coerce.number().int().positive();
const entriesWanted = whole.parse(options.entries);
const campaignCount = whole.parse(options.campaigns);
const receiptCount = whole.parse(options.receipts);
const seconds = z.coerce.number().positive().parse(options.seconds);
const viewerCounts = z.array(whole).min(1).parse(options.viewers.split(','));
const groupSize = whole.parse(options['group-size']);
const rounds = whole.parse(options.rounds);
const onlyNames = options.only.split(',').filter((name) => name.length > 0);
const readPools = z
  .array(z.coerce.number().int().min(0).max(64))
  .min(1)
  .parse(options['read-pools'].split(','));
const env = loadScaleBenchEnv();

const perCampaign = Math.floor(entriesWanted / campaignCount);
const receiptsPerCampaign = Math.max(1, Math.floor(receiptCount / campaignCount));

/** A receipt code as the donation service hands them out: 32 base32 letters in groups of four. */
function receiptCode(seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(`bench-receipt-${seed}`).digest();
  const letters = Array.from({ length: 32 }, (_, position) => alphabet[(bytes[position] ?? 0) & 31]).join('');
  return (letters.match(/.{4}/g) ?? []).join('-');
}

/**
 * One campaign's events, `perCampaign` of them, in an order the services produce them: published, gifts (monthly
 * plans: every receipt code of the campaign given several times), a few refunds, then disbursements, each
 * approved, allocated to gifts first in first out, paid and delivered.
 */
function campaignEvents(campaignNumber: number, campaignId: string): AnyEvent[] {
  const disbursements = Math.max(1, Math.round(perCampaign / 100));
  const refunds = Math.round(perCampaign * 0.02);
  const gifts = Math.max(1, Math.round(perCampaign * 0.45));
  const allocations = Math.max(disbursements, perCampaign - 1 - gifts - refunds - 3 * disbursements);
  // There are more allocations than gifts, so some gifts are allocated twice, and some of those were refunded in
  // part: two allocations stay within such a gift's net (5,000 - 175 fee - 1,000 refunded), so the record keeps
  // every conservation rule and the ledger's reconciliation finds it clean.
  const allocationAmount = 1_500;
  const giftIds = Array.from({ length: gifts }, () => newId());
  const events: AnyEvent[] = [
    campaignPublished(
      campaignSnapshot({
        campaignId,
        title: `Campaign ${campaignNumber}`,
        publishedAt: new Date(Date.UTC(2026, 0, 1) + campaignNumber * 60_000).toISOString(),
      }),
    ),
  ];
  for (const [g, donationId] of giftIds.entries()) {
    const code = campaignNumber * receiptsPerCampaign + (g % receiptsPerCampaign);
    events.push(
      giftSucceeded(campaignId, {
        donationId,
        amount: 5_000,
        fee: 175,
        receiptCode: receiptCode(code),
        minute: g % 20_000,
        donor: { publicRef: donorRef(code) },
      }),
    );
  }
  for (let r = 0; r < refunds; r += 1)
    events.push(refundPair(campaignId, giftIds[r % gifts] as string, 1_000).refunded);
  let allocated = 0;
  for (let d = 0; d < disbursements; d += 1) {
    const share =
      Math.floor(((d + 1) * allocations) / disbursements) - Math.floor((d * allocations) / disbursements);
    const chain = disbursementChain(campaignId, giftIds[0] as string, share * allocationAmount, d % 3 !== 0);
    events.push(chain.approved);
    for (let a = 0; a < share; a += 1, allocated += 1) {
      const template = chain.allocated;
      events.push(
        envelope({
          type: template.type,
          source: template.source,
          subject: campaignId,
          time: new Date(template.time),
          data: {
            ...template.data,
            donationId: giftIds[allocated % gifts] as string,
            amount: allocationAmount,
          },
        }),
      );
    }
    events.push(chain.paid, chain.delivered(10 + d));
  }
  return events;
}

const nowMs = () => performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

/**
 * What stalled the ledger's event loop while an endpoint was measured (the ledger runs in this process; the
 * clients run in a worker thread with a heap and loop of their own): the longest delay of the loop, and its
 * garbage collections. A p99 far above p50 with a quiet loop points outside the ledger: the database or the
 * machine.
 */
const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

function watchLedgerStalls() {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  let gcMaxKind = '';
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration > gcMaxMs) {
        gcMaxMs = entry.duration;
        gcMaxKind =
          gcKinds[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      }
      gcTotalMs += entry.duration;
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  loop.enable();
  return {
    stop() {
      loop.disable();
      gcs.disconnect();
      return {
        loopDelayMaxMs: loop.max / 1e6,
        gcMaxMs,
        gcMaxKind,
        gcTotalMs,
        heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      };
    },
  };
}

// Visitor addresses already used by earlier loads (warm-ups included): each load's visitors are new ones.
let addressesUsed = 0;
function load(requests: LoadRequest[], forSeconds: number, viewers: number): Promise<LoadResult> {
  const worker = new Worker(new URL('./load-worker.ts', import.meta.url), {
    workerData: { requests, viewers, seconds: forSeconds, firstAddress: addressesUsed },
  });
  return new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      addressesUsed += result.addresses;
      resolve(result);
    });
    worker.once('error', reject);
  });
}

/** Serves the loaded ledger with the ledger and web apps, measures every public endpoint, and stops them. */
/** A reconciliation's status, however long it takes (fetch gives up on an answer after 300 s). */
function reconciliationStatus(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve((JSON.parse(body) as { status?: string }).status ?? `HTTP ${response.statusCode}`),
      );
    }).on('error', reject);
  });
}

async function measureServed(
  readPool: number,
  label: string,
  campaignIds: string[],
  sizes: number[],
  bundleSweep = true,
  timeChecks = true,
): Promise<string[]> {
  const ledgerConfig = loadLedgerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGO_URL: env.MONGO_URL,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    KAFKA_GROUP_PREFIX: `${dbName}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'error',
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
    // The web in front passes its visitors' addresses on (X-Forwarded-For), as `npm start` sets it up.
    TRUST_PROXY: 'loopback',
    MONGO_READ_POOL_SIZE: String(readPool),
    ENTRY_BUNDLE_SWEEP: String(bundleSweep),
    RECONCILE_INTERVAL_MS: String(3_600_000),
    // Fresh checks are the benchmark's own, two per measurement.
    RATE_LIMIT_RECONCILIATION_FRESH: '100/1m',
  });
  // Without its consumers: the benchmark measures reads of the loaded ledger, not the shared broker's other traffic.
  ledger = await startService({
    name: 'ledger',
    config: ledgerConfig,
    dbName,
    build: async (deps) => ({ ...(await buildApp(deps, ledgerConfig)), consumers: [] }),
  });
  if (timeChecks) {
    // The ledger's reconciliation: its first check reads every entry of every log once (the gift rules), later
    // checks every head and only the entries appended since. Timed here; its timer is off while endpoints are
    // measured, so the figures below are the endpoints' own.
    for (const which of ['first (every entry read once)', 'second (every head, no new entries)']) {
      const checkStarted = nowMs();
      const status = await reconciliationStatus(`${ledger.url}/v1/reconciliation?fresh=true`);
      console.log(
        `${label}: the ledger's ${which} reconciliation took ${((nowMs() - checkStarted) / 1_000).toFixed(1)} s: ${status}`,
      );
    }
  }
  const webPort = await freePort();
  web = spawn(process.execPath, [new URL('../../web/src/main.ts', import.meta.url).pathname], {
    env: childEnv({ PORT: String(webPort), HOST: '127.0.0.1', LEDGER_URL: ledger.url, LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const webUrl = `http://127.0.0.1:${webPort}`;
  await waitFor(`${webUrl}/healthz`);

  const variants = 2_000;
  const many = (make: () => LoadRequest) => Array.from({ length: variants }, make);
  const campaign = () => {
    const at = Math.floor(Math.random() * campaignIds.length);
    return { id: campaignIds[at] as string, size: sizes[at] as number };
  };
  const api = (path: string): LoadRequest => ({ method: 'GET', url: `${ledger?.url}${path}` });
  const codes = () =>
    receiptCode(
      Math.floor(Math.random() * campaignCount) * receiptsPerCampaign +
        Math.floor(Math.random() * receiptsPerCampaign),
    );
  const endpoints: { name: string; requests: LoadRequest[]; firstByte?: boolean; targetMs: number }[] = [
    { name: 'GET /v1/trace/:receiptCode', requests: many(() => api(`/v1/trace/${codes()}`)), targetMs: 50 },
    {
      name: 'GET /v1/campaigns/:id/summary',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/summary`)),
      targetMs: 20,
    },
    {
      name: 'GET /v1/campaigns/:id/entries (100)',
      requests: many(() => {
        const { id, size } = campaign();
        return api(
          `/v1/campaigns/${id}/entries?from=${Math.floor(Math.random() * Math.max(1, size - 100))}&limit=100`,
        );
      }),
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/proofs/inclusion',
      requests: many(() => {
        const { id, size } = campaign();
        return api(
          `/v1/campaigns/${id}/proofs/inclusion?index=${Math.floor(Math.random() * size)}&treeSize=${size}`,
        );
      }),
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/proofs/consistency',
      requests: many(() => {
        const { id, size } = campaign();
        return api(
          `/v1/campaigns/${id}/proofs/consistency?from=${1 + Math.floor(Math.random() * (size - 1))}&to=${size}`,
        );
      }),
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/checkpoint',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/checkpoint`)),
      targetMs: 50,
    },
    { name: 'GET /v1/checkpoint (global)', requests: [api('/v1/checkpoint')], targetMs: 50 },
    {
      name: 'GET /v1/campaigns/:id/export.csv (first byte)',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/export.csv`)),
      firstByte: true,
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/export.json (first byte)',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/export.json`)),
      firstByte: true,
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/export.iati.xml (first byte)',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/export.iati.xml`)),
      firstByte: true,
      targetMs: 50,
    },
    { name: 'GET /v1/campaigns (list of 50)', requests: [api('/v1/campaigns')], targetMs: 50 },
    {
      name: 'GET /v1/campaigns/:id/timeseries',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/timeseries`)),
      targetMs: 50,
    },
    {
      name: 'GET /v1/campaigns/:id/breakdowns',
      requests: many(() => api(`/v1/campaigns/${campaign().id}/breakdowns`)),
      targetMs: 50,
    },
    { name: 'web GET /', requests: [{ method: 'GET', url: `${webUrl}/` }], targetMs: 50 },
    {
      name: 'web GET /campaigns/:id',
      requests: many(() => ({ method: 'GET', url: `${webUrl}/campaigns/${campaign().id}` })),
      targetMs: 50,
    },
    {
      name: 'web GET /campaigns/:id/ledger',
      requests: many(() => {
        const { id, size } = campaign();
        return {
          method: 'GET',
          url: `${webUrl}/campaigns/${id}/ledger?from=${Math.floor(Math.random() * size)}`,
        };
      }),
      targetMs: 50,
    },
    {
      name: 'web POST /trace',
      requests: many(() => ({
        method: 'POST',
        url: `${webUrl}/trace`,
        form: `receiptCode=${encodeURIComponent(codes())}`,
      })),
      targetMs: 50,
    },
  ];

  console.log(
    `\n${label}: measuring each endpoint for ${seconds} s with ${viewerCounts.join(', then ')} concurrent clients (kept-alive node:http, in a worker thread), after 1 s of warm-up; random campaigns, codes and indexes`,
  );
  const rows: string[] = [];
  const measured = endpoints.filter(
    (endpoint) => onlyNames.length === 0 || onlyNames.some((name) => endpoint.name.includes(name)),
  );
  for (const endpoint of measured)
    for (const viewers of viewerCounts) {
      await load(endpoint.requests, 1, viewers);
      const stalls = watchLedgerStalls();
      const result = await load(endpoint.requests, seconds, viewers);
      const stalled = stalls.stop();
      const samples = (endpoint.firstByte ? result.firstByte : result.total).sort((a, b) => a - b);
      const count = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
      const refused = Object.entries(result.statuses).filter(([status]) => !status.startsWith('2'));
      const failed = refused.length === 0 ? '0' : refused.map(([status, n]) => `${n} (${status})`).join(', ');
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      const row = `| ${endpoint.name} | ${viewers} | ${count.toLocaleString('en')} | ${(count / result.seconds).toFixed(0)} | ${failed} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | < ${endpoint.targetMs} | ${p99 < endpoint.targetMs ? 'yes' : 'NO'} | ${stalled.loopDelayMaxMs.toFixed(0)} | ${stalled.gcMaxMs.toFixed(1)} (${stalled.gcMaxKind}) / ${stalled.gcTotalMs.toFixed(0)} | ${stalled.heapMiB.toFixed(0)} |`;
      console.log(row);
      rows.push(row);
    }
  web.kill('SIGTERM');
  web = undefined;
  await ledger.stop();
  ledger = undefined;
  return rows;
}

/** Appends every campaign's events through the ledger's own append path, as its consumer does. */
async function loadLedger(): Promise<{ campaignIds: string[]; loadSeconds: number }> {
  const loaderDb = await connectDatabase(env.MONGO_URL, dbName);
  const store = createLedgerStore(loaderDb);
  // A new database: the start-up migration finds nothing to link and marks itself done.
  await store.migrateToLinks();
  const campaignIds: string[] = [];
  const loadStarted = nowMs();
  let loaded = 0;
  for (let c = 0; c < campaignCount; c += 1) {
    const campaignId = newId();
    campaignIds.push(campaignId);
    const events = campaignEvents(c, campaignId);
    for (let from = 0; from < events.length; from += groupSize) {
      const committed = await recordPublicEvents(store, events.slice(from, from + groupSize));
      // As the announcer does once it has published (publishing is not what this measures).
      await store.groupsAnnounced(committed.map((group) => group.id));
    }
    loaded += events.length;
    if ((c + 1) % Math.max(1, Math.floor(campaignCount / 20)) === 0 || c + 1 === campaignCount) {
      const elapsed = (nowMs() - loadStarted) / 1_000;
      console.log(
        `  ${(c + 1).toLocaleString('en')} campaigns, ${loaded.toLocaleString('en')} entries, ${elapsed.toFixed(0)} s, ${(loaded / elapsed).toFixed(0)} entries/s`,
      );
    }
  }
  const loadSeconds = (nowMs() - loadStarted) / 1_000;
  await loaderDb.close();
  return { campaignIds, loadSeconds };
}

const dbName = `bench_scale_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const db = await connectDatabase(env.MONGO_URL, dbName);
let ledger: Awaited<ReturnType<typeof startService>> | undefined;
let web: ChildProcess | undefined;
const cleanUp = async () => {
  web?.kill('SIGTERM');
  await ledger?.stop().catch(() => undefined);
  await db.dropDatabase().catch(() => undefined);
  await db.close().catch(() => undefined);
};
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

try {
  console.log(
    `scale benchmark on ${process.platform}/${process.arch}, Node ${process.version}, database ${dbName}`,
  );
  console.log(
    `loading ${(perCampaign * campaignCount).toLocaleString('en')} entries: ${campaignCount.toLocaleString('en')} campaigns of ${perCampaign.toLocaleString('en')}, ${(receiptsPerCampaign * campaignCount).toLocaleString('en')} receipt codes, appended in groups of ${groupSize} through recordPublicEvents`,
  );
  // Loaded through a store of its own, dropped before serving: the ledger measured holds only what a ledger
  // started on this database holds, not the appender's memory of a million appends besides its own.
  const { campaignIds, loadSeconds } = await loadLedger();
  const store = createLedgerStore(db);
  const sizes = await Promise.all(campaignIds.map(async (id) => (await store.logState(id))?.size ?? 0));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  console.log(
    `loaded ${total.toLocaleString('en')} entries in ${loadSeconds.toFixed(0)} s (${(total / loadSeconds).toFixed(0)} entries/s)`,
  );

  const bundles = await db.collection('entry_bundles').countDocuments();
  const sample = await db
    .collection<{ _id: string; leaves: { buffer: Uint8Array } }>('entry_bundles')
    .find({})
    .limit(50)
    .toArray();
  const stored = sample.reduce((sum, bundle) => sum + bundle.leaves.buffer.length, 0);
  // Partial bundles (ids ending in `.<width>`) hold `width` leaves.
  const widthOf = (id: string) => (id.includes('.') ? Number(id.slice(id.lastIndexOf('.') + 1)) : 256);
  const leafBytes = sample.reduce(
    (sum, bundle) =>
      sum +
      decodeBundle(Buffer.from(bundle.leaves.buffer), widthOf(bundle._id)).reduce(
        (bytes, leaf) => bytes + leaf.length,
        0,
      ),
    0,
  );
  console.log(
    `${bundles.toLocaleString('en')} entry bundles (full and partial) written by the appends; in ${sample.length} of them ${(leafBytes / 1_024).toFixed(0)} KiB of leaves stored as ${(stored / 1_024).toFixed(0)} KiB`,
  );
  const tables: string[] = [];
  const measure = async (readPool: number, label: string, bundleSweep = true, timeChecks = bundleSweep) => {
    // Without bundles a first check reads a million entry documents: more than 300 s here; not timed again.
    const rows = await measureServed(readPool, label, campaignIds, sizes, bundleSweep, timeChecks);
    tables.push(
      `\n${label}`,
      '| endpoint | clients | requests | req/s | non-2xx | p50 ms | p99 ms | target p99 ms | met | ledger loop delay max ms | ledger GC longest / total ms | ledger heap MiB |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    );
  };
  const poolLabel = (readPool: number) =>
    `MONGO_READ_POOL_SIZE=${readPool}${readPool === 0 ? ' (public reads share the one connection)' : ''}`;
  for (const readPool of readPools)
    for (let round = 1; round <= rounds; round += 1)
      await measure(
        readPool,
        `${poolLabel(readPool)}, entry bundles${rounds > 1 ? `, round ${round} of ${rounds}` : ''}`,
        true,
        round === 1,
      );
  if (options['without-bundles']) {
    // The same ledger as one appended before bundles existed reads it: every entry from its own document.
    await db.collection('entry_bundles').deleteMany({});
    const readPool = readPools[readPools.length - 1] as number;
    await measure(
      readPool,
      `${poolLabel(readPool)}, no entry bundles (each entry read from its own document, as before bundles)`,
      false,
    );
    // What a ledger from before bundles does once at its first start with them, in the background.
    const sealStarted = nowMs();
    const sealed = await store.sealMissingBundles();
    const sealSeconds = (nowMs() - sealStarted) / 1_000;
    tables.push(
      `\nbundles written afterwards for the whole ledger, as its first start with bundles does in the background: ${sealed.toLocaleString('en')} in ${sealSeconds.toFixed(0)} s (${(sealed / sealSeconds).toFixed(0)} bundles/s, ${((sealed * 256) / sealSeconds).toFixed(0)} entries/s)`,
    );
  }
  console.log(
    `\nledger of ${total.toLocaleString('en')} entries, ${campaignCount.toLocaleString('en')} campaigns, ${(receiptsPerCampaign * campaignCount).toLocaleString('en')} receipt codes; loaded in ${loadSeconds.toFixed(0)} s; ${viewerCounts.join(' and ')} clients, ${seconds} s per endpoint`,
  );
  for (const line of tables) console.log(line);
} finally {
  await cleanUp();
}
process.exit(0);
