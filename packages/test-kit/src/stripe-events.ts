import { randomBytes } from 'node:crypto';

const stripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * The body of Stripe's `payment_intent.succeeded` for a donation, as Stripe sends it. With a `fee`, the charge
 * comes expanded with its balance transaction (as the donation service asks Stripe to send it), so the service
 * records the real fee without calling Stripe back; without one, the event names no charge and the fee is 0.
 */
export function paymentSucceededPayload(donation: { donationId: string; amount: number; currency: string; fee?: number }): string {
  const currency = donation.currency.toLowerCase();
  const charge =
    donation.fee === undefined
      ? {}
      : {
          latest_charge: {
            id: stripeId('ch'),
            object: 'charge',
            balance_transaction: { id: stripeId('txn'), object: 'balance_transaction', amount: donation.amount, currency, fee: donation.fee },
          },
        };
  return JSON.stringify({
    id: stripeId('evt'),
    object: 'event',
    api_version: '2025-09-30.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: stripeId('pi'),
        object: 'payment_intent',
        amount: donation.amount,
        amount_received: donation.amount,
        currency,
        status: 'succeeded',
        metadata: { donationId: donation.donationId },
        ...charge,
      },
    },
  });
}
