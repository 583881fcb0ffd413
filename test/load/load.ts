// Load run: prints figures, asserts nothing (it is not a test). Starts every service as its own process, drives
// gifts end to end at a steady rate (donation over HTTP, then Stripe's signed payment_intent.succeeded with its
// balance transaction), follows each gift to the public ledger, then measures the raw Kafka and database
// ceilings on the same infrastructure for comparison.
//
//   pnpm --filter @aid/e2e load -- --seconds 60 --rate 20
//
// Uses KAFKA_BROKERS, MONGO_URL and STRIPE_API_BASE when all three are set; otherwise starts the local test
// infrastructure for the run.
import { parseArgs } from 'node:util';
import { setup as setupInfra, teardown as teardownInfra } from '@aid/test-kit/global-setup';
import { startServiceProcesses, type ServiceProcesses } from '../src/harness/service-processes.ts';
import { databaseCeiling, kafkaCeiling } from './ceilings.ts';
import { runGifts } from './gift-run.ts';

const usage = `usage: pnpm --filter @aid/e2e load -- [options]
  --seconds N          length of the gift window (default 30)
  --rate R             gifts started per second, open loop (default 10)
  --max-in-flight N    gifts waiting for an answer before due ones are shed (default 200)
  --drain-seconds N    how long to wait after the window for gifts to reach the ledger (default 120)
  --poll-ms N          how often the ledger's public log is read to see new gifts (default 200)
  --precreate          create the donations before the window, so it drives webhooks only
  --ceiling-seconds N  length of each raw Kafka and database measurement (default 5)
  --db-concurrency L   comma-separated concurrencies of the raw database measurement (default 1,8)
  --skip-ceilings      gifts only
  --ceilings-only      raw Kafka and database figures only (no services)`;

function options() {
  // `pnpm run load -- --x` hands the script a literal `--` first.
  const args = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '30' },
      rate: { type: 'string', default: '10' },
      'max-in-flight': { type: 'string', default: '200' },
      'drain-seconds': { type: 'string', default: '120' },
      'poll-ms': { type: 'string', default: '200' },
      precreate: { type: 'boolean', default: false },
      'ceiling-seconds': { type: 'string', default: '5' },
      'db-concurrency': { type: 'string', default: '1,8' },
      'skip-ceilings': { type: 'boolean', default: false },
      'ceilings-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const positive = (name: string, text: string, max: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      console.error(`--${name} must be a number above 0 and at most ${max}, not ${text}\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const dbConcurrency = values['db-concurrency']
    .split(',')
    .map((part) => Math.round(positive('db-concurrency', part, 256)));
  return {
    seconds: positive('seconds', values.seconds, 3_600),
    rate: positive('rate', values.rate, 10_000),
    maxInFlight: Math.round(positive('max-in-flight', values['max-in-flight'], 10_000)),
    drainSeconds: positive('drain-seconds', values['drain-seconds'], 3_600),
    pollMs: positive('poll-ms', values['poll-ms'], 10_000),
    precreate: values.precreate,
    ceilingSeconds: positive('ceiling-seconds', values['ceiling-seconds'], 600),
    dbConcurrency,
    gifts: !values['ceilings-only'],
    ceilings: !values['skip-ceilings'],
  };
}

const settings = options();
const startedAt = performance.now();
await setupInfra();
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const mongoUrl = process.env.MONGO_URL ?? '';
let platform: ServiceProcesses | undefined;
const stopAll = async () => {
  await platform?.stop();
  platform = undefined;
};
process.once('SIGINT', () => {
  console.log('\ninterrupted: stopping the services');
  void stopAll().finally(() => process.exit(130));
});

let failed = false;
try {
  console.log(`Load run on ${brokers.join(',')}, ${mongoUrl.replace(/\/\/[^@/]*@/, '//')}`);
  if (settings.gifts) {
    console.log(
      `\nGifts end to end: ${settings.rate}/s for ${settings.seconds} s${settings.precreate ? ', donations created beforehand' : ', each a new donation then its webhook'} (five services as processes)`,
    );
    const t0 = performance.now();
    platform = await startServiceProcesses();
    console.log(`  services ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await runGifts(platform, { ...settings, brokers, mongoUrl });
    await stopAll();
  }
  if (settings.ceilings) {
    console.log(
      `\nRaw ceilings on the same infrastructure (${settings.ceilingSeconds} s each, services stopped)`,
    );
    await kafkaCeiling(brokers, settings.ceilingSeconds);
    await databaseCeiling(mongoUrl, settings.ceilingSeconds, settings.dbConcurrency);
  }
} catch (error) {
  failed = true;
  console.error(
    `load run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
} finally {
  await stopAll();
  await teardownInfra();
}
console.log(`\nDone in ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`);
process.exit(failed ? 1 : 0);
