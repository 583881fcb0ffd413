import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { clientAddress, createHttpApp, defineRoute, rateLimit } from '@aid/http-kit';
import { connectDatabase, createRateLimitCounters } from '@aid/store';
import { createLogger } from '@aid/telemetry';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('limits', 'silent');

/** One instance of a service: its own connection and counters, on the database it shares with the others. */
async function startInstance(dbName: string) {
  const db = await connectDatabase(testEndpoints().mongoUrl, dbName);
  const counters = createRateLimitCounters(db);
  const limit = rateLimit({
    name: 'gifts-per-address',
    spec: { limit: 5, windowMs: 60_000 },
    counters,
    logger,
    key: clientAddress,
    description: 'gifts from this address',
  });
  const app = createHttpApp({
    serviceName: 'gifts',
    description: 'Test service',
    logger,
    routes: [
      defineRoute({
        method: 'post',
        path: '/v1/gifts',
        summary: 'Gives',
        tag: 'Gifts',
        rateLimits: [limit],
        responses: { 201: { description: 'Given' } },
        handle: async () => ({ status: 201 }),
      }),
    ],
    statusByCode: {},
    readiness: async () => ({}),
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { db, counters, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('rate limits shared by the instances of a service', () => {
  const dbName = uniqueName('shared_limits');
  let instances: Awaited<ReturnType<typeof startInstance>>[];

  beforeAll(async () => {
    instances = [await startInstance(dbName), await startInstance(dbName)];
  });
  afterAll(async () => {
    for (const instance of instances ?? []) {
      instance.server.close();
      instance.counters.stop();
    }
    await instances?.[0]?.db.dropDatabase();
    await Promise.all((instances ?? []).map((instance) => instance.db.close()));
  });

  it('when one address spreads its requests over two instances, then they share one budget', async () => {
    const give = (index: number) => fetch(`${instances[index % 2]!.url}/v1/gifts`, { method: 'POST' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await give(i)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
  });
});
