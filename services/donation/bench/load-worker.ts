// Sends signed webhooks on a fixed schedule from its own thread, so the sender's work (HTTP client, timers)
// does not run on the service's event loop, as Stripe's does not. Posts back each answer's latency. Requests go
// over kept-alive node:http sockets: fetch costs several times more CPU per request, which on two cores is taken
// from the service being measured.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

interface LoadPlan {
  url: string;
  signed: { body: string; signature: string }[];
  rate: number;
  maxInFlight: number;
}

const plan = workerData as LoadPlan;
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.maxInFlight });

function post(item: { body: string; signature: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      plan.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(item.body),
          'stripe-signature': item.signature,
        },
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(item.body);
  });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answers: { sentAt: number; latency: number; ok: boolean }[] = [];
let inFlight = 0;
let behind = 0;

async function send(item: { body: string; signature: string }, started: number): Promise<void> {
  inFlight += 1;
  const sentAt = performance.now();
  let ok = false;
  try {
    ok = (await post(item)) === 200;
  } catch {
    ok = false;
  } finally {
    inFlight -= 1;
    answers.push({ sentAt: sentAt - started, latency: performance.now() - sentAt, ok });
  }
}

const started = performance.now();
const requests: Promise<void>[] = [];
// Open loop: the i-th webhook is due at i / rate seconds, whether or not earlier ones were answered.
for (let index = 0; index < plan.signed.length; index += 1) {
  const wait = started + (index * 1000) / plan.rate - performance.now();
  if (wait > 1) await sleep(wait);
  while (inFlight >= plan.maxInFlight) {
    behind += 1;
    await sleep(1);
  }
  const item = plan.signed[index];
  if (item) requests.push(send(item, started));
}
await Promise.all(requests);
agent.destroy();
parentPort?.postMessage({ answers, behind, seconds: (performance.now() - started) / 1000 });
