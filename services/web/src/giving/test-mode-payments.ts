/**
 * Stripe's test mode, driven from the server: the donor picks one of Stripe's test cards (a PaymentMethod id
 * that exists in every test account) and the server confirms the PaymentIntent with a test secret key. Locally
 * the key goes to the Stripe test-mode emulator; with a real `sk_test_` key and Stripe's address it works the
 * same against Stripe's own test mode. A live key is refused by the configuration, so no real card is charged.
 */
export const testCards = [
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_authenticationRequired',
] as const;
export type TestCard = (typeof testCards)[number];

export const isTestCard = (value: unknown): value is TestCard =>
  typeof value === 'string' && (testCards as readonly string[]).includes(value);

export type ConfirmOutcome =
  | { kind: 'paid' }
  /** Stripe is still working on it (or already has it): the gift page follows its status. */
  | { kind: 'processing' }
  | { kind: 'declined'; declineCode: string }
  /** A 3-D Secure check: the donor is sent to the bank's page, which sends them back to `returnUrl`. */
  | { kind: 'authenticate'; url: string }
  | { kind: 'unavailable'; reason: string };

/** The PaymentIntent a client secret belongs to (`pi_…_secret_…`). */
export function paymentIntentOf(clientSecret: string): string | null {
  const match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(clientSecret);
  return match?.[1] ?? null;
}

interface StripeAnswer {
  status?: string;
  next_action?: { type?: string; redirect_to_url?: { url?: string } } | null;
  error?: { type?: string; code?: string; decline_code?: string; payment_intent?: { status?: string } };
}

export function testModePayments(options: { apiBase: string; secretKey: string }) {
  return {
    async confirm(clientSecret: string, card: TestCard, returnUrl: string): Promise<ConfirmOutcome> {
      const intent = paymentIntentOf(clientSecret);
      if (!intent) return { kind: 'unavailable', reason: 'not a PaymentIntent client secret' };
      let response: Response;
      try {
        response = await fetch(`${options.apiBase.replace(/\/$/, '')}/v1/payment_intents/${intent}/confirm`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.secretKey}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ payment_method: card, return_url: returnUrl }),
          signal: AbortSignal.timeout(20_000),
        });
      } catch (error) {
        return { kind: 'unavailable', reason: (error as Error).message };
      }
      const answer = (await response.json().catch(() => ({}))) as StripeAnswer;
      if (response.status === 402 || answer.error?.type === 'card_error')
        return {
          kind: 'declined',
          declineCode: answer.error?.decline_code ?? answer.error?.code ?? 'card_declined',
        };
      // Confirming an intent that is already paid (a refresh, a second tab) is Stripe's 400 payment_intent_unexpected_state.
      if (
        answer.error?.code === 'payment_intent_unexpected_state' &&
        answer.error.payment_intent?.status === 'succeeded'
      )
        return { kind: 'paid' };
      if (!response.ok)
        return {
          kind: 'unavailable',
          reason: `Stripe answered ${response.status} ${answer.error?.code ?? ''}`.trim(),
        };
      if (answer.status === 'succeeded') return { kind: 'paid' };
      const redirect = answer.next_action?.redirect_to_url?.url;
      if (answer.status === 'requires_action' && redirect) return { kind: 'authenticate', url: redirect };
      return { kind: 'processing' };
    },
  };
}

export type TestModePayments = ReturnType<typeof testModePayments>;
