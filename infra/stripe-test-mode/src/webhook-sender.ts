import Stripe from 'stripe';
import type { Json } from './stripe-objects.ts';

export interface WebhookSenderOptions {
  url: string | (() => string);
  secret: string;
  log: (line: string) => void;
  /** First retry delay; Stripe retries with growing delays, so does this (capped, for a dev machine). */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

const signer = new Stripe('sk_test_signing_only');

/** `Stripe-Signature` for these exact bytes, as Stripe computes it (HMAC-SHA256 over `t.payload`). */
export function stripeSignature(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/**
 * Delivers events one after another, in the order they happened, signed at each attempt (a retry carries a
 * fresh timestamp, as Stripe's do). A refused or failed delivery is retried with backoff until it is taken,
 * so a service that was down when the donor paid still learns of it.
 */
export class WebhookSender {
  private readonly queue: Json[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  private readonly options: WebhookSenderOptions;

  constructor(options: WebhookSenderOptions) {
    this.options = options;
  }

  send(events: readonly Json[]): void {
    if (events.length === 0 || this.stopped) return;
    this.queue.push(...events);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every queued event is delivered (tests), or at once when nothing is queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.wake?.();
  }

  private async drain(): Promise<void> {
    const first = this.options.firstRetryMs ?? 500;
    const max = this.options.maxRetryMs ?? 30_000;
    while (!this.stopped && this.queue.length > 0) {
      const event = this.queue[0]!;
      let delay = first;
      while (!this.stopped && !(await this.deliver(event))) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, delay).unref();
        });
        delay = Math.min(max, delay * 2);
      }
      this.queue.shift();
    }
  }

  private async deliver(event: Json): Promise<boolean> {
    const payload = JSON.stringify(event, null, 2);
    try {
      const url = typeof this.options.url === 'string' ? this.options.url : this.options.url();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': stripeSignature(payload, this.options.secret),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      this.options.log(`${String(event['type'])} ${String(event['id'])} → ${response.status}`);
      // Stripe counts any 2xx as delivered and retries everything else; a 4xx here is a bug to see in the log.
      return response.ok;
    } catch (error) {
      this.options.log(
        `${String(event['type'])} ${String(event['id'])} → not delivered (${error instanceof Error ? error.message : String(error)}); retrying`,
      );
      return false;
    }
  }
}
