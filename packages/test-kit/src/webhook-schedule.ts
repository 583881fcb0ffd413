import { Worker } from 'node:worker_threads';

/** Webhooks signed beforehand, sent to `url` at `rate` a second with at most `maxInFlight` awaiting an answer. */
export interface SendPlan {
  url: string;
  signed: { body: string; signature: string }[];
  rate: number;
  maxInFlight: number;
}

/** One answer; times are epoch milliseconds with sub-millisecond precision, comparable across threads. */
export interface SentWebhook {
  index: number;
  sentAt: number;
  answeredAt: number;
  status: number | string;
}

export interface SendResult {
  answers: SentWebhook[];
  /** Due webhooks that found `maxInFlight` requests already waiting, and waited for a free slot. */
  behind: number;
}

/**
 * Sends the plan's webhooks as Stripe does, on a fixed schedule whatever the answers take (an open loop), from a
 * worker thread over kept-alive `node:http` sockets: `fetch` costs several times more CPU per request, and on a
 * small machine that CPU is taken from the services measured.
 */
export async function sendOnSchedule(plan: SendPlan): Promise<SendResult> {
  const worker = new Worker(new URL('./webhook-sender.worker.ts', import.meta.url), { workerData: plan });
  try {
    return await new Promise<SendResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}
