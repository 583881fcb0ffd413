import { envelope, type DisbursementEvent } from '@aid/contracts';
import type { Logger } from '@aid/telemetry';
import { describe, expect, it } from 'vitest';
import { oneAtATime } from '@aid/store';
import { disbursementEventsHandler } from './disbursement-events.consumer.ts';

const campaignId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const disbursementId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d';
const giftA = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a51';
const giftB = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a52';
const time = new Date('2026-03-01T10:00:00Z');
const silent = { debug: () => undefined } as unknown as Logger;

/** A store double that keeps applied operation ids per gift, as the guarded write does. */
function gifts() {
  const allocated = new Map<string, number>();
  const applied = new Set<string>();
  return {
    allocated,
    addAllocation: (donationId: string, operationId: string, amount: number) => {
      if (applied.has(`${donationId}/${operationId}`)) return Promise.resolve(false);
      applied.add(`${donationId}/${operationId}`);
      allocated.set(donationId, (allocated.get(donationId) ?? 0) + amount);
      return Promise.resolve(true);
    },
  };
}

const allocatedEvent = (donationId: string, amount: number) =>
  envelope({
    type: 'org.diaspora-aid.disbursement.allocated',
    source: '/services/disbursement',
    subject: campaignId,
    time,
    data: {
      disbursementId,
      campaignId,
      donationId,
      amount,
      currency: 'USD',
      allocatedAt: time.toISOString(),
    },
  }) as DisbursementEvent;

describe('allocations learnt from the disbursement service', () => {
  it('when allocations and a cancellation each arrive twice, then every gift counts them once and ends where it started', async () => {
    const store = gifts();
    const handle = disbursementEventsHandler({ donations: store, oneAtATime: oneAtATime(), logger: silent });
    const first = allocatedEvent(giftA, 1000);
    const second = allocatedEvent(giftA, 500);
    const other = allocatedEvent(giftB, 700);
    for (const event of [first, first, second, other, second]) await handle(event);
    expect(Object.fromEntries(store.allocated)).toEqual({ [giftA]: 1500, [giftB]: 700 });

    const cancelled = envelope({
      type: 'org.diaspora-aid.disbursement.cancelled',
      source: '/services/disbursement',
      subject: campaignId,
      time,
      data: {
        disbursementId,
        campaignId,
        amount: 2200,
        currency: 'USD',
        cancelledBy: giftA,
        comment: 'duplicate',
        from: 'approved',
        released: [
          { donationId: giftA, amount: 1000 },
          { donationId: giftB, amount: 700 },
          { donationId: giftA, amount: 500 },
        ],
        cancelledAt: time.toISOString(),
      },
    }) as DisbursementEvent;
    await handle(cancelled);
    await handle(cancelled);
    expect(Object.fromEntries(store.allocated)).toEqual({ [giftA]: 0, [giftB]: 0 });
  });
});
