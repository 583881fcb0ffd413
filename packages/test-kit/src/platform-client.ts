import { paymentSucceededPayload } from './stripe-events.ts';
import { signStripeWebhook } from './stripe-webhook.ts';

/** Where each service answers; the same names as in .local/config.env. */
export interface PlatformUrls {
  campaign: string;
  donation: string;
  disbursement: string;
  ledger: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, url: string, status: number, body: unknown) {
    super(`${method} ${url} answered ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

async function call<T>(
  method: string,
  url: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new HttpError(method, url, response.status, body);
  return body as T;
}

/** With an idempotency key, a retry of the same call after a lost answer gets the first answer and acts once. */
export interface RetryOptions {
  idempotencyKey?: string;
}

const idempotencyHeaders = (options: RetryOptions): Record<string, string> =>
  options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey };

/**
 * Drives the product over its public HTTP contract, as an organization and a donor would. Used by the demo seed
 * and the end-to-end tests. Stripe's side of a payment is played by a signed webhook, since stripe-mock sends none.
 */
export function platformClient(
  urls: PlatformUrls,
  secrets: { platformAdminKey: string; stripeWebhookSecret: string },
) {
  return {
    call,
    createOrganization: (body: {
      name: string;
      country: string;
      kind: string;
      admin?: { name: string; email: string };
    }) =>
      call<{ id: string; apiKey: string; member: { id: string } }>(
        'POST',
        `${urls.campaign}/v1/organizations`,
        { key: secrets.platformAdminKey, body },
      ),
    addMember: (
      organizationId: string,
      adminKey: string,
      body: { name: string; email: string; role: string },
    ) =>
      call<{ id: string; apiKey: string; role: string }>(
        'POST',
        `${urls.campaign}/v1/organizations/${organizationId}/members`,
        { key: adminKey, body },
      ),
    createCampaign: (adminKey: string, body: Record<string, unknown>) =>
      call<{ id: string; status: string }>('POST', `${urls.campaign}/v1/campaigns`, { key: adminKey, body }),
    publishCampaign: (adminKey: string, id: string) =>
      call<{ id: string; status: string }>('POST', `${urls.campaign}/v1/campaigns/${id}/publish`, {
        key: adminKey,
      }),
    donate: (body: Record<string, unknown>) =>
      call<{ donationId: string; clientSecret: string; receiptCode: string; status: string }>(
        'POST',
        `${urls.donation}/v1/donations`,
        { body },
      ),
    /**
     * Sends Stripe's `payment_intent.succeeded` for a donation, signed with the webhook secret; with a `fee`, its
     * charge carries the balance transaction.
     */
    confirmPayment: async (donation: {
      donationId: string;
      amount: number;
      currency: string;
      fee?: number;
    }) => {
      const payload = paymentSucceededPayload(donation);
      return call<unknown>('POST', `${urls.donation}/v1/webhooks/stripe`, {
        body: payload,
        headers: { 'stripe-signature': signStripeWebhook(payload, secrets.stripeWebhookSecret) },
      });
    },
    funds: (key: string, campaignId: string) =>
      call<{ available: number; net: number }>(
        'GET',
        `${urls.disbursement}/v1/campaigns/${campaignId}/funds`,
        { key },
      ),
    requestDisbursement: (key: string, body: Record<string, unknown>, options: RetryOptions = {}) =>
      call<{ id: string; status: string }>('POST', `${urls.disbursement}/v1/disbursements`, {
        key,
        body,
        headers: idempotencyHeaders(options),
      }),
    approve: (key: string, id: string, comment: string, options: RetryOptions = {}) =>
      call<{ id: string; status: string }>('POST', `${urls.disbursement}/v1/disbursements/${id}/approve`, {
        key,
        body: { comment },
        headers: idempotencyHeaders(options),
      }),
    payout: (key: string, id: string, reference: string, options: RetryOptions = {}) =>
      call<{ id: string; status: string }>('POST', `${urls.disbursement}/v1/disbursements/${id}/payout`, {
        key,
        body: { reference },
        headers: idempotencyHeaders(options),
      }),
    reportDelivery: (key: string, id: string, body: Record<string, unknown>, options: RetryOptions = {}) =>
      call<{ id: string }>('POST', `${urls.disbursement}/v1/disbursements/${id}/deliveries`, {
        key,
        body,
        headers: idempotencyHeaders(options),
      }),
    summary: (campaignId: string) =>
      call<Record<string, number | string | null>>(
        'GET',
        `${urls.ledger}/v1/campaigns/${campaignId}/summary`,
      ),
    trace: (receiptCode: string) =>
      call<Record<string, any>>('GET', `${urls.ledger}/v1/trace/${encodeURIComponent(receiptCode)}`),
  };
}

export type PlatformClient = ReturnType<typeof platformClient>;
