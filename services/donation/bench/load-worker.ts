// Sends signed webhooks on a fixed schedule from its own thread, so the sender's work (HTTP client, timers)
// does not run on the service's event loop, as Stripe's does not. Posts back each answer's latency.
import { parentPort, workerData } from 'node:worker_threads';

interface LoadPlan {
  url: string;
  signed: { body: string; signature: string }[];
  rate: number;
  maxInFlight: number;
}

const plan = workerData as LoadPlan;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answers: { sentAt: number; latency: number; ok: boolean }[] = [];
let inFlight = 0;
let behind = 0;

async function send(item: { body: string; signature: string }, started: number): Promise<void> {
  inFlight += 1;
  const sentAt = performance.now();
  let ok = false;
  try {
    const response = await fetch(plan.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': item.signature }, body: item.body });
    await response.arrayBuffer();
    ok = response.status === 200;
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
parentPort?.postMessage({ answers, behind, seconds: (performance.now() - started) / 1000 });
