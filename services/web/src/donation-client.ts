import type { GiftRequest } from './giving/give-form.ts';

/** The donation service did not answer, or answered with a failure of its own (5xx): the donor is asked to try again. */
export class DonationServiceUnavailable extends Error {}

/** A refusal of the donation API (RFC 9457 problem): `code` and `field` say what to tell the donor. */
export interface DonationProblem {
  status: number;
  code: string;
  field?: string;
  detail: string;
  retryAfter?: number;
}

export interface StartedGift {
  donationId: string;
  clientSecret: string;
  receiptCode: string;
}

export type GiftStatus = 'pending' | 'failed' | 'succeeded' | 'held' | 'canceled' | 'refunded';

/** A gift as its donor sees it (the donation API's view for the receipt code's holder), the parts the pages use. */
export interface GiftView {
  id: string;
  campaignId: string;
  amount: number;
  currency: string;
  fee: number | null;
  net: number | null;
  status: GiftStatus;
  interval: 'once' | 'month';
  publicRef: string;
  showName: boolean;
  createdAt: string;
  succeededAt: string | null;
  settlement: { currency: string; amount: number | null; exchangeRate: string | null };
  subscriptionStatus: 'active' | 'canceled' | null;
  parentId: string | null;
  related: {
    id: string;
    amount: number;
    currency: string;
    fee: number | null;
    net: number | null;
    status: GiftStatus;
    succeededAt: string | null;
  }[];
}

export interface ReceiptGift {
  id: string;
  campaignId: string;
  amount: number;
  currency: string;
  status: GiftStatus;
  interval: 'once' | 'month';
  subscriptionStatus: 'active' | 'canceled' | null;
  parentId: string | null;
  createdAt: string;
  succeededAt: string | null;
}

const timeoutMs = 15_000;

/**
 * The donation API as the web calls it for a donor. The donor's address goes along (X-Forwarded-For), so the
 * API's per-address limits count donors, not this server; the receipt code travels only in its header.
 */
export function donationClient(baseUrl: string) {
  async function call(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown; visitor?: string | undefined },
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.visitor) headers['x-forwarded-for'] = init.visitor;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status >= 500)
        throw new DonationServiceUnavailable(`the donation service answered ${response.status}`);
      return response;
    } catch (error) {
      if (error instanceof DonationServiceUnavailable) throw error;
      throw new DonationServiceUnavailable(
        `the donation service did not answer: ${(error as Error).message}`,
      );
    }
  }
  async function problemOf(response: Response): Promise<DonationProblem> {
    const body = (await response.json().catch(() => ({}))) as Partial<DonationProblem>;
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      code: typeof body.code === 'string' ? body.code : 'unknown',
      ...(typeof body.field === 'string' ? { field: body.field } : {}),
      detail: typeof body.detail === 'string' ? body.detail : '',
      ...(retryAfter > 0 ? { retryAfter } : {}),
    };
  }
  const receipt = (code: string) => ({ 'x-receipt-code': code });
  return {
    /** Starts a gift; the same Idempotency-Key (one per rendered form) answers the same gift, so a double submit gives once. */
    async start(
      gift: GiftRequest,
      idempotencyKey: string,
      visitor?: string,
    ): Promise<{ gift: StartedGift } | { problem: DonationProblem }> {
      const response = await call('/v1/donations', {
        method: 'POST',
        body: gift,
        headers: { 'idempotency-key': idempotencyKey },
        visitor,
      });
      if (response.status === 201) return { gift: (await response.json()) as StartedGift };
      return { problem: await problemOf(response) };
    },
    /** The gift for the holder of its receipt code; null when the code does not open it. */
    async view(donationId: string, receiptCode: string, visitor?: string): Promise<GiftView | null> {
      const response = await call(`/v1/donations/${encodeURIComponent(donationId)}`, {
        headers: receipt(receiptCode),
        visitor,
      });
      if (response.status === 404) return null;
      if (!response.ok)
        throw new DonationServiceUnavailable(
          `the donation service answered ${response.status} to a receipt lookup`,
        );
      return (await response.json()) as GiftView;
    },
    /** Every gift of a receipt code (a monthly plan and its months); null when the code opens none. */
    async giftsOf(
      receiptCode: string,
      visitor?: string,
    ): Promise<ReceiptGift[] | null | { problem: DonationProblem }> {
      const response = await call('/v1/receipt', { headers: receipt(receiptCode), visitor });
      if (response.status === 404) return null;
      if (response.status === 429) return { problem: await problemOf(response) };
      if (!response.ok)
        throw new DonationServiceUnavailable(
          `the donation service answered ${response.status} to a receipt lookup`,
        );
      return ((await response.json()) as { gifts: ReceiptGift[] }).gifts;
    },
    /** Stops a monthly gift; true once it is stopped (also when it already was). */
    async cancelMonthly(
      donationId: string,
      receiptCode: string,
      visitor?: string,
    ): Promise<true | DonationProblem> {
      const response = await call(`/v1/donations/${encodeURIComponent(donationId)}/cancel`, {
        method: 'POST',
        headers: receipt(receiptCode),
        visitor,
      });
      return response.ok ? true : problemOf(response);
    },
  };
}

export type DonationClient = ReturnType<typeof donationClient>;
