// Worker thread of the ledger benchmark: 50 viewers fetching one URL in a closed loop, each waiting for its answer.
import { parentPort, workerData } from 'node:worker_threads';

const { url, viewers, seconds } = workerData as { url: string; viewers: number; seconds: number };
const latencies: number[] = [];
let failures = 0;
const started = performance.now();
const deadline = Date.now() + seconds * 1_000;
await Promise.all(
  Array.from({ length: viewers }, async () => {
    while (Date.now() < deadline) {
      const at = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) failures += 1;
      latencies.push(performance.now() - at);
    }
  }),
);
parentPort?.postMessage({ latencies, failures, seconds: (performance.now() - started) / 1_000 });
