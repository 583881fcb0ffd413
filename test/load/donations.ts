import { donorAddress, requestFrom } from '@aid/test-kit';
import { forEachIndex, perSecond, runFor, sleep } from './stats.ts';

export const giftAmount = 2_500;
export const giftFee = 103;

export interface DonationPhase {
  /** Requests started (open loop: due; closed loop: sent). */
  offered: number;
  created: string[];
  latencies: number[];
  errors: Map<string, number>;
  perSecond: number;
  /** Open loop only: due requests dropped because `maxInFlight` were already waiting. */
  shed: number;
}

/**
 * Starts donations on one campaign through `POST /v1/donations`, each from a loopback address never used before
 * in the run, as donors arrive from their own networks: the per-address limit stays at its production setting
 * and never binds, the per-campaign one is what a campaign meets.
 */
export function donationStarter(donationUrl: string, campaignId: string) {
  let nextDonor = 0;
  const create = async (): Promise<{ donationId: string } | { error: string }> => {
    const donor = nextDonor;
    nextDonor += 1;
    try {
      const response = await requestFrom(donorAddress(donor), `${donationUrl}/v1/donations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaignId,
          amount: giftAmount,
          currency: 'USD',
          donor: { email: `bench${donor}@example.org` },
          geographyConsent: true,
          countryOfResidence: 'GB',
          interval: 'once',
        }),
        timeoutMs: 30_000,
      });
      const body = (response.status === 201 ? JSON.parse(response.text) : {}) as { donationId?: string };
      return body.donationId ? { donationId: body.donationId } : { error: `${response.status}` };
    } catch (error) {
      return { error: (error as Error).name };
    }
  };

  const phase = () => {
    const result: DonationPhase = {
      offered: 0,
      created: [],
      latencies: [],
      errors: new Map(),
      perSecond: 0,
      shed: 0,
    };
    const one = async () => {
      result.offered += 1;
      const started = performance.now();
      const answer = await create();
      result.latencies.push(performance.now() - started);
      if ('error' in answer) result.errors.set(answer.error, (result.errors.get(answer.error) ?? 0) + 1);
      else result.created.push(answer.donationId);
    };
    return { result, one };
  };

  return {
    create,
    /** `clients` donors at a time, each starting the next donation as soon as the last is answered. */
    async closedLoop(clients: number, seconds: number): Promise<DonationPhase> {
      const { result, one } = phase();
      const started = performance.now();
      await runFor(clients, started + seconds * 1000, one);
      result.perSecond = perSecond(result.created.length, (performance.now() - started) / 1000);
      return result;
    },
    /** One donation due every 1/rate s whatever the answers take; a due one is shed when `maxInFlight` wait. */
    async openLoop(rate: number, seconds: number, maxInFlight: number): Promise<DonationPhase> {
      const { result, one } = phase();
      const started = performance.now();
      const pending = new Set<Promise<void>>();
      for (let index = 0; index < Math.round(rate * seconds); index += 1) {
        const wait = started + (index * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        if (pending.size >= maxInFlight) {
          result.shed += 1;
          continue;
        }
        const running: Promise<void> = one().finally(() => pending.delete(running));
        pending.add(running);
      }
      await Promise.all(pending);
      result.perSecond = perSecond(result.created.length, (performance.now() - started) / 1000);
      return result;
    },
    /** `count` more pending donations, `clients` at a time, untimed: the webhook phases' stock. */
    async stock(count: number, clients: number): Promise<DonationPhase> {
      const { result, one } = phase();
      const started = performance.now();
      await forEachIndex(clients, count, one);
      result.perSecond = perSecond(result.created.length, (performance.now() - started) / 1000);
      return result;
    },
  };
}
