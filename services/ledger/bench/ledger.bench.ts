// Ledger benchmark: prints figures, asserts nothing (it is not a test). Run from the repository root with the
// infrastructure variables set: `node services/ledger/bench/ledger.bench.ts` (or `pnpm --filter @aid/ledger-service bench`).
import { randomBytes } from 'node:crypto';
import { newId, type AnyEvent } from '@aid/contracts';
import { fromBase64, verifyConsistency, verifyInclusion } from '@aid/log-verifier';
import { startService } from '@aid/runtime';
import { connectDatabase } from '@aid/store';
import { buildApp } from '../src/app.ts';
import { loadLedgerConfig } from '../src/config.ts';
import { leafHash } from '../src/domain/leaf.ts';
import { appendHashes, appendPlan, consistencyRanges, inclusionRanges, rangeHash, type NodeLookup } from '../src/domain/merkle.ts';
import { projectionDelta } from '../src/domain/projections.ts';
import { draftEntry } from '../src/domain/public-entry.ts';
import { createLedgerStore } from '../src/store/ledger-store.ts';
import { treeNodeId, treeNodeModel } from '../src/store/tree-node.model.ts';
import { giftSucceeded } from '../src/test-support/event-builders.ts';
import { recordPublicEvent } from '../src/use-cases/record-public-event.ts';
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
  return giftSucceeded(campaignId, { amount: 1_000 + (seed % 5_000), fee: 30, minute: seed % 10_000, donor: { publicRef: `d_${seed.toString(16).padStart(24, '0')}` } });
}

async function appendsPerSecond(): Promise<void> {
  console.log('\n(a) appends on one campaign log, through the store, against the database');
  const db = await connectDatabase(config.MONGO_URL, `bench_ledger_${Date.now().toString(36)}`);
  const store = createLedgerStore(db);
  try {
    const campaignId = newId();
    // Drafts are built before timing: the figure is the store's append (entry claim, Merkle nodes, guarded log write).
    const drafts = Array.from({ length: 200_000 }, (_, seed) => {
      const draft = draftEntry(giftEvent(campaignId, seed));
      if (!draft) throw new Error('a gift is always a public entry');
      return { draft, projection: projectionDelta(draft, { disbursement: null, donor: { firstGift: true, residence: 'GB', heritage: 'PK' } }) };
    });
    const latencies: number[] = [];
    const started = nowNs();
    const deadline = Date.now() + config.BENCH_APPEND_SECONDS * 1_000;
    let appended = 0;
    while (Date.now() < deadline && appended < drafts.length) {
      const next = drafts[appended];
      if (!next) break;
      const one = nowNs();
      await store.append(next.draft, next.projection);
      latencies.push(micros(one) / 1_000);
      appended += 1;
    }
    const seconds = micros(started) / 1e6;
    report('store.append, sequential, one campaign', `${(appended / seconds).toFixed(0)} appends/s (${appended} in ${seconds.toFixed(1)} s)`);
    report('store.append latency', describe(latencies, 'ms', 2));

    // The consumer's whole path for a gift also records the donor (one more write) before appending.
    const other = newId();
    const consumerStarted = nowNs();
    let recorded = 0;
    const consumerDeadline = Date.now() + 5_000;
    while (Date.now() < consumerDeadline) {
      await recordPublicEvent(store, giftEvent(other, recorded));
      recorded += 1;
    }
    report('recordPublicEvent (gift: donor + append)', `${(recorded / (micros(consumerStarted) / 1e6)).toFixed(0)} events/s`);
    const log = await store.logState(campaignId);
    report('log size reached by appends', `${log?.size ?? 0} entries`);
  } finally {
    await db.dropDatabase();
    await db.close();
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
    for (const { address, hash } of appendHashes(index, leaf, plan.reads.map(lookup))) (levels[address.level] ??= [])[address.index] = hash;
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
  report(`inclusion proof generation at ${n.toLocaleString('en')} entries (in memory)`, describe(generate, 'µs'));
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
  report(`consistency proof generation to ${n.toLocaleString('en')} entries (in memory)`, describe(consistencyGenerate, 'µs'));
  report('consistency proof verification (@aid/log-verifier, WebCrypto)', describe(consistencyVerify, 'µs'));
}

async function databaseProofs(tree: MemoryTree): Promise<void> {
  console.log(`\n(b2) proofs read from the database, on the largest tree loaded in ~${config.BENCH_DB_TREE_SECONDS} s`);
  const db = await connectDatabase(config.MONGO_URL, `bench_tree_${Date.now().toString(36)}`);
  try {
    const nodes = treeNodeModel(db);
    const store = createLedgerStore(db);
    const campaignId = newId();
    // The nodes an append would write, bulk-inserted leaf by leaf (appends themselves are measured in (a)).
    const deadline = Date.now() + config.BENCH_DB_TREE_SECONDS * 1_000;
    let loaded = 0;
    const started = nowNs();
    while (Date.now() < deadline && loaded < tree.size) {
      const batch: { _id: string; hash: string }[] = [];
      const end = Math.min(tree.size, loaded + 5_000);
      for (let index = loaded; index < end; index += 1) {
        for (const { level, index: at } of appendPlan(index).writes) batch.push({ _id: treeNodeId(campaignId, level, at), hash: tree.lookup({ level, index: at }).toString('hex') });
      }
      await nodes.insertMany(batch, { ordered: false });
      loaded = end;
    }
    report('tree loaded into the database', `${loaded.toLocaleString('en')} leaves (${(2 * loaded).toLocaleString('en')} nodes) in ${(micros(started) / 1e6).toFixed(1)} s`);
    const root = fromBase64((await store.merkle.root(campaignId, loaded)).toString('base64'));
    const inclusion: number[] = [];
    const consistency: number[] = [];
    // FerretDB over SQLite answers `_id: {$in}` by scanning the collection, so each uncached read costs time in
    // proportion to the whole tree: the samples are bounded by time rather than by count.
    const proofDeadline = Date.now() + config.BENCH_DB_PROOF_SECONDS * 1_000;
    for (let sample = 0; sample < 200 && (sample < 3 || Date.now() < proofDeadline); sample += 1) {
      const index = randomIndex(loaded);
      const at = nowNs();
      const proof = await store.merkle.inclusionProof(campaignId, index, loaded);
      inclusion.push(micros(at) / 1_000);
      if (!(await verifyInclusion(index, loaded, tree.leaves[index] as Buffer, proof, root))) throw new Error('database inclusion proof did not verify');
      const from = 1 + randomIndex(loaded - 1);
      const then = nowNs();
      await store.merkle.consistencyProof(campaignId, from, loaded);
      consistency.push(micros(then) / 1_000);
    }
    report(`inclusion proof from the database at ${loaded.toLocaleString('en')} entries`, describe(inclusion, 'ms', 2));
    report(`consistency proof from the database to ${loaded.toLocaleString('en')} entries`, describe(consistency, 'ms', 2));
  } finally {
    await db.dropDatabase();
    await db.close();
  }
}

async function summaryUnderViewers(): Promise<void> {
  console.log(`\n(c) GET /summary with 50 concurrent viewers for ${config.BENCH_VIEWER_SECONDS} s, in-process ledger over HTTP`);
  const ledgerConfig = loadLedgerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGO_URL: config.MONGO_URL,
    KAFKA_BROKERS: config.KAFKA_BROKERS,
    KAFKA_GROUP_PREFIX: `bench_${Date.now().toString(36)}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'error',
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
  });
  const service = await startService({ name: 'ledger', config: ledgerConfig, dbName: `bench_summary_${Date.now().toString(36)}`, build: (deps) => buildApp(deps, ledgerConfig) });
  try {
    const store = createLedgerStore(service.deps.db);
    const campaignId = newId();
    for (let seed = 0; seed < 200; seed += 1) await recordPublicEvent(store, giftEvent(campaignId, seed));
    const url = `${service.url}/v1/campaigns/${campaignId}/summary`;
    const latencies: number[] = [];
    let failures = 0;
    const deadline = Date.now() + config.BENCH_VIEWER_SECONDS * 1_000;
    const started = nowNs();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (Date.now() < deadline) {
          const at = nowNs();
          const response = await fetch(url);
          await response.arrayBuffer();
          if (response.status !== 200) failures += 1;
          latencies.push(micros(at) / 1_000);
        }
      }),
    );
    const seconds = micros(started) / 1e6;
    report('summary latency, 50 viewers', describe(latencies, 'ms', 2));
    report('summary throughput', `${(latencies.length / seconds).toFixed(0)} req/s, ${failures} non-200`);
    await service.deps.db.dropDatabase();
  } finally {
    await service.stop();
  }
}

console.log(`ledger benchmark on ${process.platform}/${process.arch}, Node ${process.version}`);
await appendsPerSecond();
console.log('\n(b) proofs at 1,000,000 entries: nodes built in memory with appendHashes (domain/merkle.ts)');
const buildStarted = nowNs();
const tree = buildMemoryTree(1_000_000);
report('in-memory tree of 1,000,000 leaves built', `${(micros(buildStarted) / 1e6).toFixed(1)} s`);
await memoryProofs(tree);
await databaseProofs(tree);
await summaryUnderViewers();

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\n| ${'figure'.padEnd(width)} | value |\n| ${'-'.repeat(width)} | ----- |`);
for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value} |`);
console.log('\nFerretDB over SQLite applies writes one at a time (and the store opens one connection on FerretDB), so the');
console.log('append figure is bound by its write latency; a MongoDB replica set is the deployment for higher rates.');
process.exit(0);
