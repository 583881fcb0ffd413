import type { DisbursementEvent } from '@aid/contracts';
import type { Logger } from '@aid/telemetry';
import type { DonationStore } from '../store/donation.store.ts';
import type { OneAtATime } from '@aid/store';

/**
 * Learns how much of each gift the disbursement service has allocated to aid, which bounds what an organization
 * may refund (gift-money.ts). Each allocation or release counts once: its id is kept on the gift and guards the
 * increment in the same write, so a redelivered event changes nothing.
 */
export function disbursementEventsHandler(deps: {
  donations: Pick<DonationStore, 'addAllocation'>;
  oneAtATime: OneAtATime;
  logger: Logger;
}) {
  const count = async (donationId: string, operationId: string, amount: number) => {
    const counted = await deps.oneAtATime(donationId, () =>
      deps.donations.addAllocation(donationId, operationId, amount),
    );
    if (!counted)
      deps.logger.debug({ donationId, operationId }, 'allocation already counted, or gift unknown here');
  };
  return async (event: DisbursementEvent): Promise<void> => {
    switch (event.type) {
      case 'org.diaspora-aid.disbursement.allocated':
        await count(event.data.donationId, `allocated:${event.id}`, event.data.amount);
        return;
      case 'org.diaspora-aid.disbursement.cancelled': {
        // One release per gift and disbursement, even if the gift had several slices in it.
        const released = new Map<string, number>();
        for (const slice of event.data.released)
          released.set(slice.donationId, (released.get(slice.donationId) ?? 0) + slice.amount);
        for (const [donationId, amount] of released)
          await count(donationId, `released:${event.data.disbursementId}:${donationId}`, -amount);
        return;
      }
      case 'org.diaspora-aid.disbursement.requested':
      case 'org.diaspora-aid.disbursement.approved':
      case 'org.diaspora-aid.disbursement.rejected':
      case 'org.diaspora-aid.disbursement.paid':
      case 'org.diaspora-aid.disbursement.delivered':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled disbursement event ${(unhandled as { type: string }).type}`);
      }
    }
  };
}
