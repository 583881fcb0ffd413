import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';

// kafkajs is patched (patches/kafkajs@2.2.4.patch) to time requests out with one timer at the earliest deadline
// instead of a check every 100 ms on every connection. These tests hold it to both halves of that: a request a
// broker never answers still fails at its deadline, and waiting for it does not wake the process over and over.

/** A TCP listener that accepts connections and reads them, but never answers: a broker that hangs. */
async function silentBroker(): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const admin = (broker: string, requestTimeout: number) =>
  new Kafka({
    clientId: 'request-timeouts-test',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    requestTimeout,
    retry: { retries: 0 },
  }).admin();

/** Counts the timer callbacks the process runs from `start` until `milliseconds` later, timers armed by `start` included. */
async function timerCallbacksFor(milliseconds: number, start: () => void): Promise<number> {
  const timers = new Set<number>();
  let fired = 0;
  const hook = createHook({
    init: (asyncId, type) => {
      if (type === 'Timeout') timers.add(asyncId);
    },
    before: (asyncId) => {
      if (timers.has(asyncId)) fired += 1;
    },
  });
  hook.enable();
  try {
    start();
    await new Promise((resolve) => setTimeout(resolve, milliseconds));
  } finally {
    hook.disable();
  }
  return fired;
}

describe('kafkajs request timeouts', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((close) => close()));
  });

  it('when a broker never answers a request, then the request fails at its timeout, not later and not never', async () => {
    const broker = await silentBroker();
    closing.push(broker.close);
    const client = admin(broker.address, 400);

    const started = performance.now();
    const outcome = await client.connect().then(
      () => 'connected',
      (error: unknown) => error,
    );
    const elapsed = performance.now() - started;

    expect(String(outcome)).toMatch(/timed out/i);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2_000);
    await client.disconnect();
  });

  it('when a request waits a long time for its answer, then the client does not wake the process every 100 ms meanwhile', async () => {
    const broker = await silentBroker();
    closing.push(broker.close);
    const client = admin(broker.address, 10_000);
    let connecting: Promise<unknown> = Promise.resolve();

    const fired = await timerCallbacksFor(1_500, () => {
      connecting = client.connect().catch(() => undefined);
    });

    // A check every 100 ms would have run about 15 times; the wait itself is one callback.
    expect(fired).toBeLessThanOrEqual(2);
    await broker.close();
    await connecting;
    await client.disconnect();
  });
});
