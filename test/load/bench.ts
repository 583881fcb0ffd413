// The disaster-appeal peak, measured from outside through the public API: prints figures and the targets they
// meet, asserts nothing (it is not a test). In order: the raw ceilings of the disk, database and broker; the
// stack idle; donation starts; signed webhooks at 200/s, then as many as the stack takes, each gift followed
// until the ledger's public entries serve it; the totals checked to the minor unit; CPU per gift; approvals.
//
//   npm run bench -- --quick        (or: pnpm --filter @aid/e2e bench -- --help)
//   npm run bench -- --idle-only    (the stack's idle CPU alone, over 30 s after 20 s of settling)
//
// Uses KAFKA_BROKERS, MONGO_URL and STRIPE_API_BASE when all three are set; otherwise starts the local test
// infrastructure for the run. Every service runs as its own process, as `npm start` runs it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eventually, platformClient } from '@aid/test-kit';
import { setup as setupInfra, teardown as teardownInfra } from '@aid/test-kit/global-setup';
import { startServiceProcesses, type ServiceProcesses } from '../src/harness/service-processes.ts';
import { addApprovalMembers, runApprovals, type ApprovalPhase } from './approvals.ts';
import {
  databaseCeiling,
  ferretDataDir,
  fsyncCeiling,
  kafkaCeiling,
  type DatabaseCeiling,
  type KafkaCeiling,
} from './ceilings.ts';
import { commandSnapshot, commandsSpent, perUnit, untilWritesStop } from './database-commands.ts';
import { donationStarter, giftAmount, giftFee, type DonationPhase } from './donations.ts';
import { measureIdle, type IdlePhase } from './idle-phase.ts';
import { watchLedgerGifts, type LedgerWatcher } from './ledger-watcher.ts';
import { cpuSnapshot, cpuSpent, listenerPid } from './process-cpu.ts';
import { printTargets, type TargetRow } from './report.ts';
import { latencySummary, pct, rate, sleep } from './stats.ts';
import { keepUpLagMs, runWebhookPhase, signWebhooks, type WebhookPhase } from './webhook-phase.ts';

const usage = `usage: npm run bench -- [options]   (or pnpm --filter @aid/e2e bench -- [options])
  --quick                 a smoke run: a few seconds per phase (the figures are not the targets' measure)
  --ceiling-seconds N     each raw fsync, database and Kafka measurement (default 5)
  --db-concurrency L      comma-separated client counts of the raw database measurement (default 1,32)
  --idle-seconds N        the idle window: the stack left alone, its CPU measured (default 30; 5 with --quick)
  --idle-settle-seconds N the stack left alone before that window (default 20; 2 with --quick)
  --idle-threads          also the busiest threads of each process over the idle window
  --idle-only             start the services, measure them idle, stop (no ceilings, no load)
  --create-seconds N      each donation-start phase: 32 clients, 64 clients, then open loop (default 15)
  --create-rate R         the open-loop donation starts per second (default 200)
  --webhook-seconds N     signed webhooks at --webhook-rate (default 30)
  --webhook-rate R        webhooks offered per second in that phase (default 200)
  --peak-seconds N        the peak: webhooks offered at --peak-rate (default 60, at most 240: signatures last 300 s)
  --peak-rate R           webhooks offered per second at the peak (default 1000)
  --approval-seconds N    disbursements approved one after another (default 10)
  --max-in-flight N       requests waiting for an answer before the sender holds back (default 512)
  --drain-seconds N       how long acknowledged gifts may take to reach the public entries (default 120)
  --poll-ms N             how often the bench reads the ledger's public entries (default 50)
  --skip-ceilings         no raw ceilings
  --ceilings-only         raw ceilings only (no services)`;

function options() {
  // `pnpm run bench -- --x` hands the script a literal `--` first.
  const args = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      'ceiling-seconds': { type: 'string' },
      'db-concurrency': { type: 'string', default: '1,32' },
      'idle-seconds': { type: 'string' },
      'idle-settle-seconds': { type: 'string' },
      'idle-threads': { type: 'boolean', default: false },
      'idle-only': { type: 'boolean', default: false },
      'create-seconds': { type: 'string' },
      'create-rate': { type: 'string', default: '200' },
      'webhook-seconds': { type: 'string' },
      'webhook-rate': { type: 'string', default: '200' },
      'peak-seconds': { type: 'string' },
      'peak-rate': { type: 'string', default: '1000' },
      'approval-seconds': { type: 'string' },
      'max-in-flight': { type: 'string', default: '512' },
      'drain-seconds': { type: 'string', default: '120' },
      'poll-ms': { type: 'string', default: '50' },
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
  // A quick run's length per phase, else the full run's.
  const seconds = (name: keyof typeof values, quick: number, full: number, max: number) => {
    const given = values[name];
    return typeof given === 'string' ? positive(name, given, max) : values.quick ? quick : full;
  };
  return {
    quick: values.quick,
    ceilingSeconds: seconds('ceiling-seconds', 2, 5, 600),
    dbConcurrency: values['db-concurrency']
      .split(',')
      .map((part) => Math.round(positive('db-concurrency', part, 256))),
    idleSeconds: seconds('idle-seconds', 5, 30, 600),
    idleSettleSeconds: seconds('idle-settle-seconds', 2, 20, 600),
    idleThreads: values['idle-threads'],
    idleOnly: values['idle-only'],
    createSeconds: seconds('create-seconds', 3, 15, 600),
    createRate: positive('create-rate', values['create-rate'], 5_000),
    webhookSeconds: seconds('webhook-seconds', 2, 30, 240),
    webhookRate: positive('webhook-rate', values['webhook-rate'], 10_000),
    peakSeconds: seconds('peak-seconds', 2, 60, 240),
    peakRate: positive('peak-rate', values['peak-rate'], 10_000),
    approvalSeconds: seconds('approval-seconds', 3, 10, 600),
    maxInFlight: Math.round(positive('max-in-flight', values['max-in-flight'], 10_000)),
    drainSeconds: positive('drain-seconds', values['drain-seconds'], 3_600),
    pollMs: positive('poll-ms', values['poll-ms'], 10_000),
    ceilings: !values['skip-ceilings'] && !values['idle-only'],
    services: !values['ceilings-only'],
  };
}

type Settings = ReturnType<typeof options>;
const root = fileURLToPath(new URL('../../', import.meta.url));
const portOf = (address: string | undefined) => Number(/:(\d+)(?:[/?]|$)/.exec(address ?? '')?.[1]);
const ms = (value: number) => `${value.toFixed(0)} ms`;
const errorsText = (errors: Map<string, number>) =>
  errors.size === 0
    ? ''
    : `; errors: ${[...errors].map(([error, count]) => `${error} ×${count}`).join(', ')}`;

interface Ceilings {
  fsyncPerSecond: number;
  database: DatabaseCeiling[];
  kafka: KafkaCeiling;
}

async function measureCeilings(
  settings: Settings,
  brokers: string[],
  mongoUrl: string,
  databasePid: number | undefined,
): Promise<Ceilings> {
  console.log(`\n1. Raw ceilings (${settings.ceilingSeconds} s each, services not running)`);
  const fsyncPerSecond = await fsyncCeiling(
    path.join(root, '.local', 'bench'),
    settings.ceilingSeconds,
    await ferretDataDir(databasePid),
  );
  const database = await databaseCeiling(mongoUrl, settings.ceilingSeconds, settings.dbConcurrency);
  const kafka = await kafkaCeiling(brokers, settings.ceilingSeconds);
  return { fsyncPerSecond, database, kafka };
}

function printDonationPhase(label: string, phase: DonationPhase): void {
  console.log(
    `  ${label}: ${phase.created.length} created = ${rate(phase.perSecond)}/s; ${latencySummary(phase.latencies)}${phase.shed > 0 ? `; ${phase.shed} shed (all in flight)` : ''}${errorsText(phase.errors)}`,
  );
}

function printWebhookPhase(phase: WebhookPhase, duplicates: number): void {
  console.log(
    `  acknowledged: ${phase.acknowledged.length}/${phase.offered} = ${rate(phase.acknowledgedPerSecond)}/s (offered ${rate(phase.offeredPerSecond)}/s${phase.behind > 0 ? `; ${phase.behind} waited for one of the in-flight slots` : ''})${errorsText(phase.errors)}`,
  );
  console.log(`  acknowledgment latency: ${latencySummary(phase.ackLatencies)}`);
  console.log(`  acknowledged → visible in the public entries: ${latencySummary(phase.ackToVisible)}`);
  console.log(`    acknowledged → donation.succeeded on Kafka: ${latencySummary(phase.ackToPublished)}`);
  console.log(`    on Kafka → visible in the public entries: ${latencySummary(phase.publishedToVisible)}`);
  console.log(
    `  end to end: ${phase.visible} gifts visible ${phase.endToEndSeconds.toFixed(1)} s after the first webhook = ${rate(phase.endToEndPerSecond)} gifts/s; last gift ${ms(phase.drainMs)} after the last acknowledgment; ${phase.notVisible} acknowledged but not visible when the drain ended, ${duplicates} doubled in the entries so far`,
  );
}

function printIdlePhase(idle: IdlePhase): void {
  const percent = (value: number | undefined) => value?.toFixed(2) ?? '?';
  const stack = Object.keys(idle.share).filter((name) => name !== 'bench');
  console.log(
    `  CPU over ${idle.seconds.toFixed(1)} s, % of one core: ${stack.map((name) => `${name} ${percent(idle.share[name])}`).join(', ')}; total ${idle.total.toFixed(2)}% (the bench itself ${percent(idle.share.bench)})`,
  );
  for (const name of stack) {
    // Threads under 0.05 % are below what 10 ms ticks tell apart over a short window.
    const busiest = (idle.threads[name] ?? []).filter((thread) => thread.share >= 0.05).slice(0, 5);
    if (busiest.length > 0)
      console.log(
        `    ${name}: ${busiest.map((thread) => `${thread.name} ${thread.share.toFixed(2)}`).join(', ')}`,
      );
  }
  const published = Object.entries(idle.published).filter(([, count]) => count > 0);
  console.log(
    published.length === 0
      ? '  no message was published on the event topics during the window'
      : `  NOT IDLE: messages published on the event topics during the window by something else on this broker, which the stack's consumers handled: ${published.map(([topic, count]) => `${topic} ${count}`).join(', ')}`,
  );
  console.log(
    '  (Kafka, the database and stripe-mock also serve whatever else runs on them: on shared infrastructure their share is an upper bound)',
  );
}

async function runStack(
  settings: Settings,
  brokers: string[],
  infraPids: Record<string, number | undefined>,
  ceilings: Ceilings | undefined,
): Promise<TargetRow[]> {
  let platform: ServiceProcesses | undefined;
  let watcher: LedgerWatcher | undefined;
  process.once('SIGINT', () => {
    console.log('\ninterrupted: stopping the services');
    void Promise.allSettled([watcher?.stop(), platform?.stop()]).finally(() => process.exit(130));
  });
  try {
    const t0 = performance.now();
    platform = await startServiceProcesses({
      // The donation limits at their production settings: each donor comes from an address of their own.
      env: { RATE_LIMIT_DONATIONS_PER_ADDRESS: '20/10m', RATE_LIMIT_DONATIONS_PER_CAMPAIGN: '10000/10s' },
    });
    console.log(`\n  five services ready as processes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const processes = { ...platform.pids, ...infraPids, bench: process.pid };
    const api = platformClient(platform.urls, platform.secrets);
    const organization = await api.createOrganization({
      name: 'Bench diaspora association',
      country: 'GB',
      kind: 'diaspora-association',
    });
    const members = await addApprovalMembers(api, organization);
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Earthquake appeal (bench)',
      summary: 'The first hours of a disaster appeal.',
      goal: { amount: 100_000_000_000, currency: 'USD' },
      crisis: { kind: 'earthquake', countries: ['HT'] },
    });
    await api.publishCampaign(organization.apiKey, campaign.id);
    const donations = donationStarter(platform.urls.donation, campaign.id);
    // The first donation start that succeeds shows the campaign has reached the donation service.
    const warmUp = await eventually(
      async () => {
        const created = await donations.create();
        if ('error' in created) throw new Error(`POST /v1/donations ${created.error}`);
        return created;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    console.log(
      `\n2. Idle: the stack left alone for ${settings.idleSettleSeconds} s, then its CPU over ${settings.idleSeconds} s`,
    );
    const idle = await measureIdle({
      brokers,
      processes,
      settleSeconds: settings.idleSettleSeconds,
      seconds: settings.idleSeconds,
      threads: settings.idleThreads,
    });
    printIdlePhase(idle);
    const idleRow: TargetRow = {
      figure: `whole stack idle (${settings.idleSeconds} s)`,
      measured: `${idle.total.toFixed(2)}% of one core`,
      target: '≤ 5%',
      met: idle.total <= 5,
      note: 'shared infrastructure counted whole',
    };
    if (settings.idleOnly) return [idleRow];

    watcher = await watchLedgerGifts({
      brokers,
      ledgerUrl: platform.urls.ledger,
      campaignId: campaign.id,
      pollMs: settings.pollMs,
    });
    const follow = watcher;
    const webhookUrl = `${platform.urls.donation}/v1/webhooks/stripe`;
    const warmUpPhase = await runWebhookPhase({
      webhookUrl,
      donationIds: [warmUp.donationId],
      signed: signWebhooks([warmUp.donationId], platform.secrets.stripeWebhookSecret),
      rate: 1,
      maxInFlight: 1,
      drainSeconds: 60,
      watcher: follow,
    });
    if (warmUpPhase.visible !== 1)
      throw new Error('the warm-up gift did not reach the public entries in 60 s');

    console.log(
      `\n3. Donation starts (POST /v1/donations, each from a new loopback address; PaymentIntents on stripe-mock), ${settings.createSeconds} s each`,
    );
    const { metricsUrls, secrets } = platform;
    const commands = () => commandSnapshot(metricsUrls, secrets.metricsToken);
    const commandsBeforeStarts = await commands();
    const closed32 = await donations.closedLoop(32, settings.createSeconds);
    printDonationPhase('32 clients, closed loop', closed32);
    const closed64 = await donations.closedLoop(64, settings.createSeconds);
    printDonationPhase('64 clients, closed loop', closed64);
    const open = await donations.openLoop(settings.createRate, settings.createSeconds, settings.maxInFlight);
    printDonationPhase(`open loop at ${settings.createRate}/s`, open);
    const started = closed32.created.length + closed64.created.length + open.created.length;
    console.log(
      `  database commands per donation started (writes are commits; refused starts count too): ${perUnit(commandsSpent(commandsBeforeStarts, await commands()), started)}`,
    );

    const stock = [...closed32.created, ...closed64.created, ...open.created];
    const webhookCount = Math.round(settings.webhookRate * settings.webhookSeconds);
    const peakCount = Math.round(settings.peakRate * settings.peakSeconds);
    const stockStarted = performance.now();
    for (let attempt = 0; attempt < 3 && stock.length < webhookCount + peakCount; attempt += 1)
      stock.push(...(await donations.stock(webhookCount + peakCount - stock.length, 64)).created);
    if (stock.length < webhookCount + peakCount)
      throw new Error(
        `only ${stock.length} of ${webhookCount + peakCount} pending donations could be started`,
      );
    console.log(
      `  ${stock.length} pending donations in stock for the webhooks (${((performance.now() - stockStarted) / 1000).toFixed(0)} s more to start the rest, 64 at a time)`,
    );

    console.log(
      `\n4. Webhooks at ${settings.webhookRate}/s offered for ${settings.webhookSeconds} s (open loop, signed beforehand, from a worker thread over kept-alive sockets)`,
    );
    const steadyIds = stock.slice(0, webhookCount);
    const steady = await runWebhookPhase({
      webhookUrl,
      donationIds: steadyIds,
      signed: signWebhooks(steadyIds, platform.secrets.stripeWebhookSecret),
      rate: settings.webhookRate,
      maxInFlight: settings.maxInFlight,
      drainSeconds: settings.drainSeconds,
      watcher: follow,
    });
    printWebhookPhase(steady, follow.duplicates());
    console.log(
      `  keeps up: ${steady.keepsUp ? 'yes' : 'NO'} (every webhook acknowledged without holding back, every gift visible, the last ≤ ${keepUpLagMs} ms after the last acknowledgment)`,
    );

    console.log(
      `\n5. Peak: webhooks offered at ${settings.peakRate}/s for ${settings.peakSeconds} s (${peakCount})`,
    );
    const peakIds = stock.slice(webhookCount, webhookCount + peakCount);
    const signStarted = performance.now();
    const peakSigned = signWebhooks(peakIds, platform.secrets.stripeWebhookSecret);
    console.log(
      `  signed in ${((performance.now() - signStarted) / 1000).toFixed(1)} s, before the clock starts`,
    );
    const cpuBefore = await cpuSnapshot(processes);
    const commandsBeforePeak = await commands();
    const peak = await runWebhookPhase({
      webhookUrl,
      donationIds: peakIds,
      signed: peakSigned,
      rate: settings.peakRate,
      maxInFlight: settings.maxInFlight,
      drainSeconds: settings.drainSeconds,
      watcher: follow,
    });
    const peakCpu = cpuSpent(cpuBefore, await cpuSnapshot(processes));
    const peakCommands = commandsSpent(commandsBeforePeak, await commands());
    printWebhookPhase(peak, follow.duplicates());

    const paid = 1 + steady.acknowledged.length + peak.acknowledged.length;
    const expected = {
      gifts: paid,
      raised: paid * giftAmount,
      fees: paid * giftFee,
      net: paid * (giftAmount - giftFee),
    };
    // The summary is cached for a second; a few reads let the last gifts in.
    let summary: Record<string, unknown> = {};
    const summaryUntil = performance.now() + 10_000;
    do {
      summary = await api.summary(campaign.id);
      if (summary.gifts === expected.gifts) break;
      await sleep(500);
    } while (performance.now() < summaryUntil);
    const missingOrDoubled =
      warmUpPhase.notVisible + steady.notVisible + peak.notVisible + follow.duplicates();
    const exact =
      missingOrDoubled === 0 &&
      (['gifts', 'raised', 'fees', 'net'] as const).every((field) => summary[field] === expected[field]);
    console.log(
      `  the ledger's public summary: ${(['gifts', 'raised', 'fees', 'net'] as const).map((field) => `${field} ${String(summary[field])}`).join(', ')}; paid (acknowledged, with the warm-up gift): ${Object.entries(
        expected,
      )
        .map(([field, value]) => `${field} ${value}`)
        .join(', ')}`,
    );
    console.log(
      `  totals exact: ${exact ? 'yes' : 'NO'} (${warmUpPhase.notVisible + steady.notVisible + peak.notVisible} acknowledged gifts not in the entries after the drain, ${follow.duplicates()} doubled)`,
    );

    console.log(`\n6. CPU per gift over the peak (${peak.visible} gifts, window and drain)`);
    const perGift = (seconds: number | undefined) =>
      seconds === undefined || peak.visible === 0 ? '?' : ((seconds * 1000) / peak.visible).toFixed(2);
    const peakStack = Object.keys(peakCpu).filter((name) => name !== 'bench');
    const stackCpu = peakStack.reduce((sum, name) => sum + (peakCpu[name] ?? 0), 0);
    console.log(
      `  CPU ms per gift: ${peakStack.map((name) => `${name} ${perGift(peakCpu[name])}`).join(', ')}; stack total ${perGift(stackCpu)} (the bench itself ${perGift(peakCpu.bench)})`,
    );
    console.log(
      `  database commands per gift (w: writes, each a commit; r: reads; consumers still behind when the last gift went public are counted only for what they did): ${perUnit(peakCommands, peak.visible)}`,
    );
    if (ceilings) {
      const ratio = (ceiling: number | undefined, label: string) =>
        ceiling === undefined || ceiling === 0
          ? []
          : [`${(peak.endToEndPerSecond / ceiling).toFixed(2)} × ${label} (${rate(ceiling)}/s)`];
      const oneClient = ceilings.database.find(({ concurrency }) => concurrency === 1);
      const most = ceilings.database.at(-1);
      console.log(
        `  end to end (${rate(peak.endToEndPerSecond)} gifts/s) = ${[
          ...ratio(ceilings.fsyncPerSecond, 'fsync'),
          ...ratio(oneClient?.insertsPerSecond, 'database insertOne, 1 client'),
          ...ratio(oneClient?.updatesPerSecond, 'database guarded updateOne, 1 client'),
          ...(most && most !== oneClient
            ? [
                ...ratio(most.insertsPerSecond, `database insertOne, ${most.concurrency} clients`),
                ...ratio(most.updatesPerSecond, `database guarded updateOne, ${most.concurrency} clients`),
              ]
            : []),
          ...ratio(ceilings.kafka.singleProducePerSecond, 'Kafka produce, one awaited send at a time'),
          ...ratio(ceilings.kafka.batchProducePerSecond, 'Kafka produce, batches of 100'),
          ...ratio(ceilings.kafka.consumePerSecond, 'Kafka consume'),
        ].join('; ')}`,
      );
    }

    console.log(`\n7. Approvals through the API for ${settings.approvalSeconds} s, on the run's campaign`);
    let commandsBeforeApprovals = await commands();
    const approvals: ApprovalPhase = await runApprovals({
      api,
      members,
      campaignId: campaign.id,
      expectedGifts: paid,
      waitSeconds: settings.drainSeconds,
      seconds: settings.approvalSeconds,
      beforeApproving: async () => {
        // Approvals are measured on a settled stack: once webhooks pause, the donation service folds the peak's
        // journal into its donation documents (one write per gift), which would otherwise share the machine.
        const settled = await untilWritesStop(commands, {
          quietMs: 1_000,
          timeoutMs: settings.drainSeconds * 1_000,
        });
        const settling = commandsSpent(settled.first, settled.last);
        console.log(
          `  the stack ${settled.quiet ? 'stopped writing' : 'was still writing'} ${(settled.waitedMs / 1_000).toFixed(1)} s after the gifts were credited; writes meanwhile: ${Object.entries(
            settling,
          )
            .map(([service, counts]) => `${service} ${counts.writes}`)
            .join(', ')}`,
        );
        commandsBeforeApprovals = settled.last;
      },
    });
    console.log(`  ${rate(approvals.approvalsPerSecond)} approvals/s (time spent approving)`);
    console.log(
      `  database commands per approval, its request included: ${perUnit(commandsSpent(commandsBeforeApprovals, await commands()), approvals.approved)}`,
    );

    const createBest = Math.max(closed32.perSecond, closed64.perSecond);
    const openP99 = pct(open.latencies, 99);
    return [
      {
        figure: 'donation creation, 32 / 64 clients',
        measured: `${rate(closed32.perSecond)} / ${rate(closed64.perSecond)} per s`,
        target: '≥ 500/s',
        met: createBest >= 500,
      },
      {
        figure: `donation creation p99 at ${settings.createRate}/s`,
        measured: ms(openP99),
        target: '≤ 100 ms at 200/s',
        met: open.errors.size === 0 && open.shed === 0 && openP99 <= 100,
        note: settings.createRate === 200 ? '' : 'not at 200/s',
      },
      {
        figure: 'webhooks acknowledged (peak)',
        measured: `${rate(peak.acknowledgedPerSecond)}/s of ${rate(settings.peakRate)}/s offered`,
        target: '≥ 1,000/s',
        met: peak.acknowledgedPerSecond >= 1_000,
      },
      {
        figure: `webhook ack p99 at ${settings.webhookRate}/s`,
        measured: ms(pct(steady.ackLatencies, 99)),
        target: '≤ 100 ms at 200/s',
        met: pct(steady.ackLatencies, 99) <= 100,
      },
      {
        figure: 'end to end (first webhook → last gift visible)',
        measured: `${rate(peak.endToEndPerSecond)} gifts/s over ${peak.endToEndSeconds.toFixed(1)} s`,
        target: '≥ 1,000 gifts/s for 60 s',
        met: peak.endToEndPerSecond >= 1_000 && settings.peakSeconds >= 60,
        note: settings.peakSeconds >= 60 ? '' : `peak of ${settings.peakSeconds} s, not 60`,
      },
      {
        figure: 'totals exact (summary = paid, none lost or doubled)',
        measured: exact ? 'exact' : 'DIFFERENT',
        target: 'exact',
        met: exact,
      },
      {
        figure: `ack → visible in entries, p99 at ${settings.webhookRate}/s`,
        measured: `p50 ${ms(pct(steady.ackToVisible, 50))}, p99 ${ms(pct(steady.ackToVisible, 99))}`,
        target: '≤ 500 ms at 200/s',
        met: pct(steady.ackToVisible, 99) <= 500,
        note: `entries read every ${settings.pollMs} ms`,
      },
      {
        figure: `keeps up at ${settings.webhookRate} webhooks/s`,
        measured: steady.keepsUp ? 'yes' : 'no',
        target: 'keeps up at 200/s',
        met: steady.keepsUp,
      },
      idleRow,
      {
        figure: 'approvals',
        measured: `${rate(approvals.approvalsPerSecond)}/s at ${approvals.gifts} gifts`,
        target: '≥ 50/s at 100,000 gifts',
        met:
          approvals.approvalsPerSecond >= 50 && approvals.gifts >= 100_000
            ? true
            : approvals.approvalsPerSecond < 50
              ? false
              : undefined,
        note: approvals.gifts >= 100_000 ? '' : `${approvals.gifts} gifts, not 100,000`,
      },
    ];
  } finally {
    await watcher?.stop();
    await platform?.stop();
  }
}

const settings = options();
const startedAt = performance.now();
await setupInfra();
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const mongoUrl = process.env.MONGO_URL ?? '';
let failed = false;
try {
  console.log(
    `Bench${settings.quick ? ' (quick smoke run: phases of a few seconds, figures not comparable with the targets)' : ''} on Kafka ${brokers.join(',')}, ${mongoUrl.replace(/\/\/[^@/]*@/, '//')}, stripe-mock ${process.env.STRIPE_API_BASE ?? ''}`,
  );
  const infraPids = {
    database: await listenerPid(portOf(mongoUrl)),
    kafka: await listenerPid(portOf(brokers[0])),
    'stripe-mock': await listenerPid(portOf(process.env.STRIPE_API_BASE)),
  };
  const ceilings = settings.ceilings
    ? await measureCeilings(settings, brokers, mongoUrl, infraPids.database)
    : undefined;
  if (settings.services) {
    const rows = await runStack(settings, brokers, infraPids, ceilings);
    console.log("\nTargets for an appeal's peak");
    printTargets(rows);
  }
} catch (error) {
  failed = true;
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await teardownInfra();
}
console.log(`\nDone in ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`);
process.exit(failed ? 1 : 0);
