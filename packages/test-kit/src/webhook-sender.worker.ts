// The thread behind `sendOnSchedule` (webhook-schedule.ts): pre-signed webhooks on a fixed schedule, so the
// sender's timers and HTTP client do not share an event loop with what is measured. Kept-alive node:http sockets: fetch costs several
// times more CPU per request, and on two cores that CPU is taken from the stack being measured.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

import type { SendPlan, SendResult, SentWebhook } from './webhook-schedule.ts';

const plan = workerData as SendPlan;
const requestTimeoutMs = 30_000;
// Node's agent closes an idle socket before the server's announced keep-alive timeout only when it has a timeout of
// its own; without one it kept idle sockets until the server closed them, and a request sent on such a socket as it
// closed failed with ECONNRESET (5-12 of a peak's 60,000 webhooks in some runs).
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.maxInFlight, timeout: requestTimeoutMs });
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(item: { body: string; signature: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      plan.url,
      {
        method: 'POST',
        agent,
        timeout: requestTimeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(item.body),
          'stripe-signature': item.signature,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(item.body);
  });
}

const answers: SentWebhook[] = [];
let inFlight = 0;
let behind = 0;

async function send(index: number, item: { body: string; signature: string }): Promise<void> {
  inFlight += 1;
  const sentAt = now();
  let status: number | string;
  try {
    status = await post(item);
  } catch (error) {
    status = (error as Error).message;
  }
  inFlight -= 1;
  answers.push({ index, sentAt, answeredAt: now(), status });
}

const started = performance.now();
const requests: Promise<void>[] = [];
// Open loop: the i-th webhook is due at i / rate seconds, whether or not the earlier ones were answered.
for (const [index, item] of plan.signed.entries()) {
  const wait = started + (index * 1000) / plan.rate - performance.now();
  if (wait > 1) await sleep(wait);
  if (inFlight >= plan.maxInFlight) behind += 1;
  while (inFlight >= plan.maxInFlight) await sleep(1);
  requests.push(send(index, item));
}
await Promise.all(requests);
agent.destroy();
parentPort?.postMessage({ answers, behind } satisfies SendResult);
