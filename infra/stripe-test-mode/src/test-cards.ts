/** What happens when a PaymentIntent is confirmed with one of Stripe's test PaymentMethods. */
export type CardOutcome = 'succeeds' | 'declined' | 'requires-authentication';

/** Stripe's documented test PaymentMethod ids (https://docs.stripe.com/testing) this emulator honours. */
const outcomes: Readonly<Record<string, CardOutcome>> = {
  pm_card_visa: 'succeeds',
  pm_card_visa_debit: 'succeeds',
  pm_card_mastercard: 'succeeds',
  pm_card_amex: 'succeeds',
  pm_card_gb: 'succeeds',
  pm_card_de: 'succeeds',
  pm_card_chargeDeclined: 'declined',
  pm_card_visa_chargeDeclined: 'declined',
  pm_card_chargeDeclinedInsufficientFunds: 'declined',
  pm_card_authenticationRequired: 'requires-authentication',
  pm_card_threeDSecure2Required: 'requires-authentication',
};

/** The outcome of a test PaymentMethod, or null for one test mode does not know (Stripe answers 400 then). */
export function outcomeOf(paymentMethod: string): CardOutcome | null {
  return outcomes[paymentMethod] ?? null;
}

export const knownTestPaymentMethods: readonly string[] = Object.keys(outcomes);
