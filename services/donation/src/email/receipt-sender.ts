import { startWorkerLoop } from '@aid/bus';
import type { Logger } from '@aid/telemetry';
import type { ReceiptMailStore } from '../store/receipt-mail.store.ts';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { sendOwedReceipt } from '../use-cases/send-receipt.ts';
import type { Mailer } from '@aid/runtime';

/** Sends owed receipts when kicked and every `intervalMs` (up to 10 s when quiet), a few at a time; at least once, never twice on purpose. */
export function startReceiptSender(
  flows: DonationFlows,
  deps: {
    mailer: Mailer;
    receipts: ReceiptMailStore;
    logger: Logger;
    intervalMs?: number;
    traceUrl?: string;
  },
) {
  const intervalMs = deps.intervalMs ?? 1_000;
  let lastPrune = 0;
  const loop = startWorkerLoop({
    async pass() {
      const due = await deps.receipts.due(flows.now(), 20);
      for (const owed of due) await sendOwedReceipt(flows, deps, owed);
      if (Date.now() - lastPrune > 3_600_000) {
        lastPrune = Date.now();
        await deps.receipts.prune(new Date(flows.now().getTime() - 30 * 86_400_000));
      }
      return due.length === 20 ? 'more' : 'idle';
    },
    intervalMs,
    // Owing a receipt kicks the sender; polling is for retries falling due and other instances' receipts, which
    // a quiet sender finds up to 10 s late.
    maxIntervalMs: 10_000,
    logger: deps.logger,
    failureMessage: 'owed receipts not read; will retry',
  });
  return { kick: () => loop.wake(), stop: () => loop.stop() };
}
