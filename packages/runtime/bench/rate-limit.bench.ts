// What the shared rate-limit counters add to a request: the same trivial route without limits, then with the
// donation route's two limits (per address, distinct for every request as donors are; per campaign, one busy
// counter), on the real database. Prints latency percentiles and throughput; not a test.
//   MONGO_URL=... [BENCH_REQUESTS=3000] [BENCH_CONCURRENCY=32] pnpm --filter @aid/runtime bench:limits
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { clientAddress, createHttpApp, defineRoute, rateLimit, type RouteRateLimit } from '@aid/http-kit';
import { connectDatabase, createRateLimitCounters } from '@aid/store';
import { createLogger } from '@aid/telemetry';
import { z } from 'zod';
import { benchConfig } from './config.ts';

const { MONGO_URL: mongoUrl, BENCH_REQUESTS: requests, BENCH_CONCURRENCY: concurrency } = benchConfig;
const logger = createLogger('bench', 'silent');
const db = await connectDatabase(mongoUrl, `bench_limits_${Date.now().toString(36)}`);
const counters = createRateLimitCounters(db);

async function serve(limits: RouteRateLimit[]): Promise<{ url: string; server: Server }> {
  const app = createHttpApp({
    serviceName: 'bench',
    description: 'bench',
    logger,
    trustProxy: ['loopback'],
    routes: [
      defineRoute({
        method: 'post',
        path: '/v1/donations',
        summary: 'bench',
        tag: 'bench',
        body: z.object({ campaignId: z.string() }),
        rateLimits: limits,
        responses: { 201: { description: 'ok' } },
        handle: async () => ({ status: 201, body: { ok: true } }),
      }),
    ],
    statusByCode: {},
    readiness: async () => ({}),
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(label: string, limits: RouteRateLimit[]): Promise<void> {
  const { url, server } = await serve(limits);
  const latencies: number[] = [];
  let refused = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        const sent = performance.now();
        // Each request from its own donor address (the test plays the trusted proxy), all for one campaign.
        const response = await fetch(`${url}/v1/donations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
          },
          body: JSON.stringify({ campaignId: 'bench-campaign' }),
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (response.status === 429) refused += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  server.close();
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} ${(requests / seconds).toFixed(0).padStart(6)} req/s  p50 ${percentile(latencies, 50).toFixed(2)} ms  p95 ${percentile(latencies, 95).toFixed(2)} ms  p99 ${percentile(latencies, 99).toFixed(2)} ms  429s ${refused}`,
  );
}

console.log(`${requests} POSTs, ${concurrency} at a time, one route, database ${new URL(mongoUrl).host}`);
const perAddress = rateLimit({
  name: 'donations-per-address',
  spec: { limit: 20, windowMs: 600_000 },
  counters,
  logger,
  key: clientAddress,
  description: 'bench',
});
const perCampaign = rateLimit({
  name: 'donations-per-campaign',
  spec: { limit: 10_000_000, windowMs: 10_000 },
  counters,
  logger,
  key: (request) => (request.body as { campaignId?: string }).campaignId,
  description: 'bench',
});
await run('no limits (warm-up)', []);
await run('no limits', []);
await run('per campaign (one shared counter)', [perCampaign]);
await run('per address (a counter per request)', [perAddress]);
await run('per address + per campaign', [perAddress, perCampaign]);
counters.stop();
await db.dropDatabase();
await db.close();
