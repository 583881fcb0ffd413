// Worker thread of the ledger benchmark: 50 viewers fetching one URL in a closed loop, each waiting for its answer.
// Viewers are other machines in real life, so their own cost must stay small beside the server's: node:http with
// one kept-alive socket per viewer (fetch cost several times more per request than the server spent answering it,
// and its garbage collection and queueing were most of what the first figures measured).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, viewers, seconds } = workerData as { url: string; viewers: number; seconds: number };
const agent = new http.Agent({ keepAlive: true, maxSockets: viewers });
const latencies: number[] = [];
let failures = 0;

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

const started = performance.now();
const deadline = Date.now() + seconds * 1_000;
await Promise.all(
  Array.from({ length: viewers }, async () => {
    while (Date.now() < deadline) {
      const at = performance.now();
      const status = await get().catch(() => 0);
      if (status !== 200) failures += 1;
      latencies.push(performance.now() - at);
    }
  }),
);
agent.destroy();
parentPort?.postMessage({ latencies, failures, seconds: (performance.now() - started) / 1_000 });
