import type { DonationFlows } from './dependencies.ts';

export const lostRace = Symbol('lost-race');

// The guarded write is atomic on the database, so across instances a lost race means another change landed first;
// deciding again from a fresh read settles it within a few tries.
const maxAttempts = 3;

/**
 * Runs one load-decide-write attempt on a donation, again while its guarded write loses to a concurrent change.
 * Attempts on one donation are serialized in this process (see `oneAtATime` in dependencies.ts).
 */
export async function changeDonation<R>(
  flows: DonationFlows,
  donationId: string,
  attempt: () => Promise<R | typeof lostRace>,
): Promise<R> {
  for (let tries = 1; tries <= maxAttempts; tries += 1) {
    const result = await flows.oneAtATime(donationId, attempt);
    if (result !== lostRace) return result;
  }
  // Answering 500 makes Stripe (or the consumer) deliver again later, when the contention is over.
  throw new Error(`donation ${donationId} kept changing while a change was applied`);
}
