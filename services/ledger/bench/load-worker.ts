// Worker thread of the scale benchmark: `viewers` clients in a closed loop, each on its own kept-alive node:http
// socket, each request one of `requests` at random. Viewers are other machines in real life: a worker keeps their
// work off the server's event loop, and node:http keeps it small (fetch cost more per request than the server).
// As many people do, they come from many addresses (127.0.0.0/8 is all loopback): each viewer moves to another
// address every `requestsPerAddress` requests, so the services' per-address limits count visitors, as in life.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadRequest {
  method: 'GET' | 'POST';
  url: string;
  /** A form body (application/x-www-form-urlencoded), for POST. */
  form?: string;
}

export interface LoadResult {
  /** Until the whole answer was read, ms. */
  total: number[];
  /** Until its first byte of body (or its end, for an empty body), ms. */
  firstByte: number[];
  statuses: Record<string, number>;
  seconds: number;
  /** Visitor addresses used: the next load starts after them, so no visitor carries counts from an earlier one. */
  addresses: number;
}

const { requests, viewers, seconds, firstAddress } = workerData as {
  requests: LoadRequest[];
  viewers: number;
  seconds: number;
  firstAddress: number;
};
const requestsPerAddress = 20;
let addressesUsed = firstAddress;
/** 127.1.0.1, 127.1.0.2, …: a new visitor's address, never the server's own 127.0.0.1. */
function nextAddress(): string {
  addressesUsed += 1;
  return `127.1.${Math.floor(addressesUsed / 250) % 250}.${(addressesUsed % 250) + 1}`;
}
const result: LoadResult = { total: [], firstByte: [], statuses: {}, seconds: 0, addresses: 0 };

function send(
  request: LoadRequest,
  agent: http.Agent,
  localAddress: string,
): Promise<{ status: number; firstByte: number; total: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = request.form
      ? {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(request.form),
        }
      : undefined;
    const outgoing = http.request(
      request.url,
      { method: request.method, agent, localAddress, ...(headers ? { headers } : {}) },
      (response) => {
        let firstByte: number | undefined;
        response.on('data', () => {
          firstByte ??= performance.now() - started;
        });
        response.on('end', () => {
          const total = performance.now() - started;
          resolve({ status: response.statusCode ?? 0, firstByte: firstByte ?? total, total });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.form);
  });
}

const began = performance.now();
const deadline = Date.now() + seconds * 1_000;
await Promise.all(
  Array.from({ length: viewers }, async () => {
    let agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let address = nextAddress();
    for (let sent = 0; Date.now() < deadline; sent += 1) {
      if (sent > 0 && sent % requestsPerAddress === 0) {
        agent.destroy();
        agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        address = nextAddress();
      }
      const request = requests[Math.floor(Math.random() * requests.length)] as LoadRequest;
      const answer = await send(request, agent, address).catch(() => ({
        status: 0,
        firstByte: Number.NaN,
        total: Number.NaN,
      }));
      result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
      if (Number.isFinite(answer.total)) {
        result.total.push(answer.total);
        result.firstByte.push(answer.firstByte);
      }
    }
    agent.destroy();
  }),
);
result.seconds = (performance.now() - began) / 1_000;
result.addresses = addressesUsed - firstAddress;
parentPort?.postMessage(result);
