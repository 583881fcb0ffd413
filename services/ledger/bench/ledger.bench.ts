// Ledger benchmark: prints figures, asserts nothing (it is not a test). Run from the repository root with the
// infrastructure variables set: `node services/ledger/bench/ledger.bench.ts` (or `pnpm --filter @aid/ledger-service bench`).
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { publishRaw } from '@aid/test-kit';
import { newId, topics, type AnyEvent } from '@aid/contracts';
import { fromBase64, verifyConsistency, verifyInclusion } from '@aid/log-verifier';
import { startService } from '@aid/runtime';
import { connectDatabase } from '@aid/store';
import { buildApp } from '../src/app.ts';
import { loadLedgerConfig } from '../src/config.ts';
import { leafHash } from '../src/domain/leaf.ts';
import {
  appendHashes,
  appendPlan,
  consistencyRanges,
  inclusionRanges,
  rangeHash,
  type NodeLookup,
} from '../src/domain/merkle.ts';
import { createLedgerStore } from '../src/store/ledger-store.ts';
import { createMerkleStore, type MerkleStore } from '../src/store/merkle-store.ts';
import { giftSucceeded } from '@aid/test-kit/record-events';
import { recordPublicEvents } from '../src/use-cases/record-public-events.ts';
import { loadBenchConfig } from './config.ts';

const config = loadBenchConfig();
const rows: [string, string][] = [];
const report = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`  ${name}: ${value}`);
};

const nowNs = () => process.hrtime.bigint();
const micros = (start: bigint) => Number(nowNs() - start) / 1_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function describe(samples: number[], unit: string, digits = 1): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(digits)} ${unit}, p95 ${percentile(sorted, 95).toFixed(digits)} ${unit}, p99 ${percentile(sorted, 99).toFixed(digits)} ${unit} (n=${samples.length})`;
}

const randomIndex = (below: number) => Math.floor(Math.random() * below);

function giftEvent(campaignId: string, seed: number): AnyEvent {
  return giftSucceeded(campaignId, {
    amount: 1_000 + (seed % 5_000),
    fee: 30,
    minute: seed % 10_000,
    donor: { publicRef: `d_${seed.toString(16).padStart(24, '0')}` },
  });
}

/**
 * (a) Appends on ONE campaign log through `recordPublicEvents`, the use case the ledger's consumer calls with each
 * group of a partition's events (events/ledger.consumer.ts): donors recorded, entries, commit record, Merkle
 * nodes and the guarded head write, in a constant number of writes per group.
 */
async function appendsPerSecond(): Promise<void> {
  console.log(
    `\n(a) appends on one campaign log through recordPublicEvents (the consumer's batch handler), ~${config.BENCH_APPEND_SECONDS} s per group size`,
  );
  const db = await connectDatabase(config.MONGO_URL, `bench_ledger_${Date.now().toString(36)}`);
  const store = createLedgerStore(db);
  try {
    for (const groupSize of config.BENCH_GROUP_SIZES) {
      const campaignId = newId();
      // Events are built before timing: a new donor for every gift (the costliest case: one donor record each).
      const events = Array.from(
        { length: Math.ceil((config.BENCH_APPEND_SECONDS * 20_000) / groupSize) * groupSize },
        (_, seed) => giftEvent(campaignId, seed),
      );
      const latencies: number[] = [];
      const started = nowNs();
      const deadline = Date.now() + config.BENCH_APPEND_SECONDS * 1_000;
      let appended = 0;
      while (Date.now() < deadline && appended < events.length) {
        const group = events.slice(appended, appended + groupSize);
        const at = nowNs();
        const committed = await recordPublicEvents(store, group);
        // As the announcer does after publishing: the commit records are forgotten (publishing itself is off this path).
        await store.groupsAnnounced(committed.map((done) => done.id));
        latencies.push(micros(at) / 1_000);
        appended += group.length;
      }
      const seconds = micros(started) / 1e6;
      report(
        `recordPublicEvents, groups of ${groupSize}, one campaign`,
        `${(appended / seconds).toFixed(0)} appends/s (${appended} in ${seconds.toFixed(1)} s)`,
      );
      report(`  latency per group of ${groupSize}`, describe(latencies, 'ms', 1));
      const log = await store.logState(campaignId);
      if (log?.size !== appended)
        throw new Error(`the log has ${log?.size ?? 0} entries, ${appended} were appended`);
    }
  } finally {
    await db.dropDatabase();
    await db.close();
  }
}

/** (a2) The whole path: events published to Kafka, consumed in batches by an in-process ledger, until its summary counts them. */
async function appendsThroughKafka(): Promise<void> {
  const count = config.BENCH_KAFKA_EVENTS;
  console.log(
    `\n(a2) ${count.toLocaleString('en')} gifts of one campaign published to ${topics.donation}, consumed by an in-process ledger`,
  );
  const service = await startLedger('bench_kafka');
  try {
    const campaignId = newId();
    const events = Array.from({ length: count }, (_, seed) => giftEvent(campaignId, seed));
    const started = nowNs();
    // Requests stay under the broker's 1 MB message limit.
    for (let from = 0; from < count; from += 500) {
      await publishRaw(
        config.KAFKA_BROKERS.split(','),
        topics.donation,
        events.slice(from, from + 500).map((event) => ({ key: campaignId, value: JSON.stringify(event) })),
      );
    }
    const published = micros(started) / 1e6;
    const url = `${service.url}/v1/campaigns/${campaignId}/summary`;
    for (;;) {
      const response = await fetch(url);
      if (response.status === 200 && ((await response.json()) as { gifts: number }).gifts >= count) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = micros(started) / 1e6;
    report(
      'Kafka to summary, one campaign (publish + consume + append)',
      `${(count / seconds).toFixed(0)} events/s (${count} in ${seconds.toFixed(1)} s; publishing took ${published.toFixed(1)} s)`,
    );
    await service.deps.db.dropDatabase();
  } finally {
    await service.stop();
  }
}

interface MemoryTree {
  size: number;
  levels: Buffer[][];
  lookup: NodeLookup;
  leaves: Buffer[];
}

function buildMemoryTree(size: number): MemoryTree {
  const levels: Buffer[][] = [];
  const lookup: NodeLookup = ({ level, index }) => {
    const hash = levels[level]?.[index];
    if (!hash) throw new Error(`node ${level}:${index} missing`);
    return hash;
  };
  const leaves: Buffer[] = [];
  for (let index = 0; index < size; index += 1) {
    const leaf = leafHash(Buffer.from(`{"index":${index},"kind":"bench"}`));
    leaves.push(leaf);
    const plan = appendPlan(index);
    for (const { address, hash } of appendHashes(index, leaf, plan.reads.map(lookup)))
      (levels[address.level] ??= [])[address.index] = hash;
  }
  return { size, levels, lookup, leaves };
}

async function memoryProofs(tree: MemoryTree): Promise<void> {
  const n = tree.size;
  const root = rangeHash(0, n, tree.lookup);
  const samples = 20_000;
  const generate: number[] = [];
  const verify: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const index = randomIndex(n);
    const started = nowNs();
    const proof = inclusionRanges(index, n).map(([start, end]) => rangeHash(start, end, tree.lookup));
    generate.push(micros(started));
    const checked = nowNs();
    const ok = await verifyInclusion(index, n, tree.leaves[index] as Buffer, proof, root);
    verify.push(micros(checked));
    if (!ok) throw new Error(`inclusion proof of ${index} did not verify`);
  }
  report(
    `inclusion proof generation at ${n.toLocaleString('en')} entries (in memory)`,
    describe(generate, 'µs'),
  );
  report('inclusion proof verification (@aid/log-verifier, WebCrypto)', describe(verify, 'µs'));

  const consistencyGenerate: number[] = [];
  const consistencyVerify: number[] = [];
  for (let sample = 0; sample < 2_000; sample += 1) {
    const from = 1 + randomIndex(n - 1);
    const started = nowNs();
    const proof = consistencyRanges(from, n).map(([start, end]) => rangeHash(start, end, tree.lookup));
    consistencyGenerate.push(micros(started));
    const fromRoot = rangeHash(0, from, tree.lookup);
    const checked = nowNs();
    const ok = await verifyConsistency(from, n, proof, fromRoot, root);
    consistencyVerify.push(micros(checked));
    if (!ok) throw new Error(`consistency proof ${from} -> ${n} did not verify`);
  }
  report(
    `consistency proof generation to ${n.toLocaleString('en')} entries (in memory)`,
    describe(consistencyGenerate, 'µs'),
  );
  report('consistency proof verification (@aid/log-verifier, WebCrypto)', describe(consistencyVerify, 'µs'));
}

/**
 * (b2) Proofs served from the database, as the ledger serves them: the tree is stored by the Merkle store's own
 * group append (tiles, merkle-store.ts), then proven two ways: by a store that has never read the tree (every
 * node fetched, one `$in` query of its tiles), and by one long-lived store as the service keeps it (its bounded
 * tile cache).
 */
async function databaseProofs(tree: MemoryTree): Promise<void> {
  console.log(
    `\n(b2) proofs read from the database, on the largest tree stored in ~${config.BENCH_DB_TREE_SECONDS} s by the Merkle store's group append`,
  );
  const db = await connectDatabase(config.MONGO_URL, `bench_tree_${Date.now().toString(36)}`);
  try {
    const campaignId = newId();
    const deadline = Date.now() + config.BENCH_DB_TREE_SECONDS * 1_000;
    const writer = createMerkleStore(db);
    let stored = 0;
    const started = nowNs();
    while (Date.now() < deadline && stored < tree.size) {
      const end = Math.min(tree.size, stored + 1_000);
      await writer.addLeaves(campaignId, stored, tree.leaves.slice(stored, end));
      stored = end;
    }
    report(
      'tree stored in the database',
      `${stored.toLocaleString('en')} leaves in groups of 1,000 in ${(micros(started) / 1e6).toFixed(1)} s`,
    );
    const root = fromBase64((await createMerkleStore(db).root(campaignId, stored)).toString('base64'));
    if (Buffer.compare(Buffer.from(root), rangeHash(0, stored, tree.lookup)) !== 0)
      throw new Error('the stored tree has another root than the one built in memory');

    async function sample(
      store: MerkleStore,
      into: { inclusion: number[]; consistency: number[] },
    ): Promise<void> {
      const index = randomIndex(stored);
      const at = nowNs();
      const proof = await store.inclusionProof(campaignId, index, stored);
      into.inclusion.push(micros(at) / 1_000);
      if (!(await verifyInclusion(index, stored, tree.leaves[index] as Buffer, proof, root)))
        throw new Error('database inclusion proof did not verify');
      const from = 1 + randomIndex(stored - 1);
      const then = nowNs();
      await store.consistencyProof(campaignId, from, stored);
      into.consistency.push(micros(then) / 1_000);
    }

    const cold = { inclusion: [] as number[], consistency: [] as number[] };
    const proofDeadline = Date.now() + (config.BENCH_DB_PROOF_SECONDS * 1_000) / 2;
    for (let count = 0; count < 1_000 && (count < 3 || Date.now() < proofDeadline); count += 1)
      await sample(createMerkleStore(db), cold);
    report(
      `inclusion proof, nothing cached, at ${stored.toLocaleString('en')} entries`,
      describe(cold.inclusion, 'ms', 2),
    );
    report(
      `consistency proof, nothing cached, to ${stored.toLocaleString('en')} entries`,
      describe(cold.consistency, 'ms', 2),
    );

    // The service's store after it has proven one entry under every tile of leaves: its cache then holds the
    // log's tiles, as it comes to in a long-running ledger (the default cache holds a million entries' tiles).
    const service = createMerkleStore(db);
    const warmStarted = nowNs();
    for (let index = 0; index < stored; index += 256) await service.inclusionProof(campaignId, index, stored);
    report(
      'service cache warmed',
      `${Math.ceil(stored / 256).toLocaleString('en')} proofs, one per tile of leaves, in ${(micros(warmStarted) / 1e6).toFixed(1)} s`,
    );
    const served = { inclusion: [] as number[], consistency: [] as number[] };
    const warmDeadline = Date.now() + (config.BENCH_DB_PROOF_SECONDS * 1_000) / 2;
    for (let count = 0; count < 20_000 && (count < 3 || Date.now() < warmDeadline); count += 1)
      await sample(service, served);
    report(
      `inclusion proof, the service's tile cache, at ${stored.toLocaleString('en')} entries`,
      describe(served.inclusion, 'ms', 2),
    );
    report(
      `consistency proof, the service's tile cache, to ${stored.toLocaleString('en')} entries`,
      describe(served.consistency, 'ms', 2),
    );
  } finally {
    await db.dropDatabase();
    await db.close();
  }
}

async function startLedger(prefix: string) {
  const ledgerConfig = loadLedgerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGO_URL: config.MONGO_URL,
    KAFKA_BROKERS: config.KAFKA_BROKERS,
    KAFKA_GROUP_PREFIX: `${prefix}_${Date.now().toString(36)}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'error',
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
  });
  return startService({
    name: 'ledger',
    config: ledgerConfig,
    dbName: `${prefix}_${Date.now().toString(36)}`,
    build: (deps) => buildApp(deps, ledgerConfig),
  });
}

async function summaryUnderViewers(): Promise<void> {
  console.log(
    `\n(c) GET /summary with 50 concurrent viewers for ${config.BENCH_VIEWER_SECONDS} s, over HTTP to an in-process ledger; the viewers run in a worker thread`,
  );
  const service = await startLedger('bench_summary');
  try {
    const store = createLedgerStore(service.deps.db);
    const campaignId = newId();
    await recordPublicEvents(
      store,
      Array.from({ length: 200 }, (_, seed) => giftEvent(campaignId, seed)),
    );
    const url = `${service.url}/v1/campaigns/${campaignId}/summary`;
    // Viewers are other machines in real life: a worker thread keeps their fetch work off the server's event loop.
    const worker = new Worker(new URL('./viewers.ts', import.meta.url), {
      workerData: { url, viewers: 50, seconds: config.BENCH_VIEWER_SECONDS },
    });
    const result = await new Promise<{ latencies: number[]; failures: number; seconds: number }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    report('summary latency, 50 viewers', describe(result.latencies, 'ms', 2));
    report(
      'summary throughput',
      `${(result.latencies.length / result.seconds).toFixed(0)} req/s, ${result.failures} non-200`,
    );
    await service.deps.db.dropDatabase();
  } finally {
    await service.stop();
  }
}

console.log(`ledger benchmark on ${process.platform}/${process.arch}, Node ${process.version}`);
if (config.BENCH_PARTS.has('appends')) await appendsPerSecond();
if (config.BENCH_PARTS.has('kafka')) await appendsThroughKafka();
if (config.BENCH_PARTS.has('proofs')) {
  console.log(
    '\n(b) proofs at 1,000,000 entries: nodes built in memory with appendHashes (domain/merkle.ts)',
  );
  const buildStarted = nowNs();
  const tree = buildMemoryTree(1_000_000);
  report('in-memory tree of 1,000,000 leaves built', `${(micros(buildStarted) / 1e6).toFixed(1)} s`);
  await memoryProofs(tree);
  await databaseProofs(tree);
}
if (config.BENCH_PARTS.has('summary')) await summaryUnderViewers();

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\n| ${'figure'.padEnd(width)} | value |\n| ${'-'.repeat(width)} | ----- |`);
for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value} |`);
console.log(
  '\nFerretDB over SQLite applies writes one at a time (and the store opens one connection on FerretDB): an append',
);
console.log(
  "group costs a constant number of writes, so the figures are bound by FerretDB's bulk-insert rate.",
);
process.exit(0);
