import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { disbursementTotalsSchema, newId, type AnyEvent } from '@aid/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@aid/telemetry';
import { draftEntry } from '../domain/public-entry.ts';
import {
  compareFigures,
  disbursementFields,
  ledgerFigures,
  persistentDifferences,
} from '../domain/reconciliation.ts';
import { emptyTotals, summarize, type CampaignTotals } from '../domain/summary.ts';
import { campaignSnapshot, disbursementChain, giftSucceeded, refundPair } from '@aid/test-kit/record-events';
import { createReconciler, type LedgerTotals } from './reconciler.ts';
import { httpTotalsSource, type TotalsSource } from './service-totals.client.ts';

const logger = createLogger('reconciliation-test', 'silent');

describe('compareFigures', () => {
  it('when every figure the service owns agrees, then there is no difference', () => {
    expect(
      compareFigures('c1', 'donation', { raised: 100, fees: 3, allocated: 50 }, { raised: 100, fees: 3 }),
    ).toEqual([]);
  });

  it('when a figure disagrees, then the difference names the campaign, the service, the field and both values', () => {
    expect(
      compareFigures('c1', 'disbursement', { raised: 100, paidOut: 40 }, { raised: 100, paidOut: 45 }),
    ).toEqual([{ campaignId: 'c1', source: 'disbursement', field: 'paidOut', ledger: 40, service: 45 }]);
  });

  it('when the ledger has no figure the service reports, then the ledger counts as zero', () => {
    expect(compareFigures('c1', 'donation', {}, { refunded: 7 })).toEqual([
      { campaignId: 'c1', source: 'donation', field: 'refunded', ledger: 0, service: 7 },
    ]);
  });
});

describe('persistentDifferences', () => {
  it('when a difference is gone at the second look, then it was in flight and is not reported', () => {
    const first = compareFigures('c1', 'donation', { raised: 100 }, { raised: 150 });
    expect(persistentDifferences(first, [])).toEqual([]);
  });

  it('when the same field differs at both looks, then the second look is reported', () => {
    const first = compareFigures('c1', 'donation', { raised: 100 }, { raised: 150 });
    const second = compareFigures('c1', 'donation', { raised: 120 }, { raised: 150 });
    expect(persistentDifferences(first, second)).toEqual(second);
  });
});

function fixedSource(name: string, figures: Record<string, number | Error>): TotalsSource {
  return {
    name,
    totals(campaignId) {
      const found = figures[campaignId];
      if (found instanceof Error) return Promise.reject(found);
      return Promise.resolve({ raised: found ?? 0 });
    },
  };
}

describe('reconciler', () => {
  it('when the services agree with the ledger, then the report is clean and counts the campaigns', async () => {
    const ledger: LedgerTotals[] = [
      { campaignId: 'c1', figures: { raised: 100 } },
      { campaignId: 'c2', figures: { raised: 5 } },
    ];
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve(ledger),
      sources: [fixedSource('donation', { c1: 100, c2: 5 })],
      graceMs: 1,
      logger,
    });
    expect(await reconciler.run()).toMatchObject({
      status: 'clean',
      campaigns: 2,
      differences: [],
      unreachable: [],
    });
  });

  it('when a difference catches up during the grace period, then the report is clean', async () => {
    const ledger = { campaignId: 'c1', figures: { raised: 100 } };
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([{ ...ledger }]),
      sources: [fixedSource('donation', { c1: 150 })],
      graceMs: 20,
      logger,
    });
    const report = reconciler.run();
    ledger.figures = { raised: 150 };
    expect(await report).toMatchObject({ status: 'clean' });
  });

  it('when a difference persists, then it is reported and kept as the latest report', async () => {
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([{ campaignId: 'c1', figures: { raised: 100 } }]),
      sources: [fixedSource('donation', { c1: 150 })],
      graceMs: 1,
      logger,
    });
    const report = await reconciler.run();
    expect(report).toMatchObject({
      status: 'differences',
      differences: [{ campaignId: 'c1', source: 'donation', field: 'raised', ledger: 100, service: 150 }],
    });
    expect(reconciler.latest()).toBe(report);
  });

  it('when a service cannot be read, then the report is incomplete and says which and why', async () => {
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([{ campaignId: 'c1', figures: { raised: 100 } }]),
      sources: [fixedSource('disbursement', { c1: new Error('answered 503') })],
      graceMs: 1,
      logger,
    });
    expect(await reconciler.run()).toMatchObject({
      status: 'incomplete',
      unreachable: [{ source: 'disbursement', campaignId: 'c1', reason: 'answered 503' }],
    });
  });

  it('when two checks are asked at once, then they share one run', async () => {
    let reads = 0;
    const reconciler = createReconciler({
      ledgerTotals: () => {
        reads += 1;
        return Promise.resolve([]);
      },
      sources: [],
      graceMs: 1,
      logger,
    });
    const [first, second] = await Promise.all([reconciler.run(), reconciler.run()]);
    expect(first).toBe(second);
    expect(reads).toBe(1);
  });
});

/** The ledger's figures after these events, each counted as its public entry counts it. */
function ledgerAfter(campaignId: string, events: readonly AnyEvent[]): LedgerTotals {
  const totals: CampaignTotals = { ...emptyTotals };
  for (const event of events) {
    for (const [field, delta] of Object.entries(draftEntry(event)?.deltas ?? {}))
      totals[field as keyof CampaignTotals] += delta;
  }
  return { campaignId, figures: ledgerFigures(summarize(campaignId, 'USD', totals, events.length)) };
}

describe('reconciler on a timer', () => {
  it('when started, then the first check waits an interval, and a failed check is logged and tried again', async () => {
    vi.useFakeTimers();
    try {
      const errors: unknown[] = [];
      let reads = 0;
      const reconciler = createReconciler({
        ledgerTotals: () => {
          reads += 1;
          return reads === 1 ? Promise.reject(new Error('ledger unreachable')) : Promise.resolve([]);
        },
        sources: [],
        graceMs: 1,
        logger: { ...logger, error: (fields: unknown) => errors.push(fields) } as typeof logger,
      });
      reconciler.start(60_000);
      await vi.advanceTimersByTimeAsync(59_999);
      expect(reads).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(reads).toBe(1);
      expect(errors).toHaveLength(1);
      expect(reconciler.latest()).toBeNull();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(reads).toBe(2);
      expect(reconciler.latest()).toMatchObject({ status: 'clean' });
      await reconciler.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(reads).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('reconciliation while a refund shortfall is owed', () => {
  // Two gifts of 3,000 (fee 90 each); 2,000 of the first is allocated to a disbursement, then the first is
  // refunded in full (2,910): 910 came off the account and 2,000 is a shortfall the organization owes back.
  const campaignId = campaignSnapshot().campaignId;
  const refundedGift = newId();
  const chain = disbursementChain(campaignId, refundedGift, 2_000);
  const events = [
    giftSucceeded(campaignId, { donationId: refundedGift, amount: 3_000, fee: 90 }),
    giftSucceeded(campaignId, { amount: 3_000, fee: 90, minute: 2 }),
    chain.approved,
    chain.allocated,
    refundPair(campaignId, refundedGift, 2_910).refunded,
  ];
  // What the disbursement service's GET /v1/campaigns/:id/totals answers in that state (funds.int.test.ts).
  const disbursementTotals = {
    campaignId,
    currency: 'USD',
    raised: 6_000,
    fees: 180,
    refunded: 2_910,
    net: 2_910,
    allocated: 2_000,
    paidOut: 0,
    refundShortfall: 2_000,
  };
  let answer: Record<string, unknown> = disbursementTotals;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const reconcile = () =>
    createReconciler({
      ledgerTotals: () => Promise.resolve([ledgerAfter(campaignId, events)]),
      sources: [httpTotalsSource('disbursement', baseUrl, disbursementTotalsSchema, disbursementFields)],
      graceMs: 1,
      logger,
    }).run();

  it('when the disbursement service reports the shortfall within refunded, then it is not a difference', async () => {
    answer = disbursementTotals;
    expect(ledgerAfter(campaignId, events).figures).toMatchObject({
      raised: 6_000,
      fees: 180,
      refunded: 2_910,
      net: 2_910,
      allocated: 2_000,
    });
    expect(await reconcile()).toMatchObject({
      status: 'clean',
      campaigns: 1,
      differences: [],
      unreachable: [],
    });
  });

  it('when a service left the shortfall out of refunded, then refunded and net are reported as differences', async () => {
    answer = { ...disbursementTotals, refunded: 910, net: 4_910 };
    expect(await reconcile()).toMatchObject({
      status: 'differences',
      differences: [
        { campaignId, source: 'disbursement', field: 'refunded', ledger: 2_910, service: 910 },
        { campaignId, source: 'disbursement', field: 'net', ledger: 2_910, service: 4_910 },
      ],
    });
  });

  it.each([
    ['paidOut', { paidOut: 12.5 }],
    ['currency', { currency: 'dollars' }],
  ])(
    'when a service answers totals its published schema does not allow (%s), then the check is incomplete, naming the field, never clean',
    async (field, change) => {
      answer = { ...disbursementTotals, ...change };
      const report = await reconcile();
      expect(report).toMatchObject({ status: 'incomplete', differences: [] });
      expect(report.unreachable[0]?.reason).toContain(field);
    },
  );
});

describe('reconciler and the conservation rules on the public record', () => {
  const breach = {
    campaignId: 'c1',
    invariant: 'campaign-allocated-within-net' as const,
    value: 43_633,
    limit: 42_790,
    explanation: 'allocated 43633 is more than the net 42790 the campaign holds',
  };

  it('when the record breaks a rule at both looks, then the report says breaches and names it, even with no service to compare with', async () => {
    const asked: (ReadonlySet<string> | undefined)[] = [];
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([{ campaignId: 'c1', figures: { raised: 100 } }]),
      sources: [],
      breaches: (only) => {
        asked.push(only);
        return Promise.resolve([breach]);
      },
      graceMs: 1,
      logger,
    });
    expect(await reconciler.run()).toMatchObject({
      status: 'breaches',
      sources: [],
      differences: [],
      breaches: [breach],
    });
    // The second look reads only the campaigns that broke a rule.
    expect(asked).toEqual([undefined, new Set(['c1'])]);
  });

  it('when a breach is gone at the second look, then it was in flight and the report is clean', async () => {
    let looks = 0;
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([]),
      sources: [],
      breaches: () => Promise.resolve(looks++ === 0 ? [breach] : []),
      graceMs: 1,
      logger,
    });
    expect(await reconciler.run()).toMatchObject({ status: 'clean', breaches: [] });
  });

  it('when the record breaks a rule and the services agree with the ledger, then the status is still breaches, never clean', async () => {
    const reconciler = createReconciler({
      ledgerTotals: () => Promise.resolve([{ campaignId: 'c1', figures: { raised: 100 } }]),
      sources: [fixedSource('donation', { c1: 100 })],
      breaches: () => Promise.resolve([breach]),
      graceMs: 1,
      logger,
    });
    expect(await reconciler.run()).toMatchObject({ status: 'breaches', differences: [], breaches: [breach] });
  });
});
