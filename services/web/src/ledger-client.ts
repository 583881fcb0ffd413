// Reads the ledger's public API, the same one anyone can call: the web shows nothing the public record does not.
import type { CampaignSummary } from '@aid/contracts';
import { Agent, request } from 'undici';

/** What the web reads of the ledger's public summary (the schema the ledger publishes it by). */
export type Summary = Omit<CampaignSummary, 'byPresentedCurrency'>;

export interface CampaignInfo {
  campaignId: string;
  organizationName: string;
  title: string;
  summary: string;
  goal: { amount: number; currency: string };
  crisis: { kind: string; countries: string[]; glide?: string };
  status: string;
  publishedAt: string | null;
}

export interface LedgerEntry {
  index: number;
  leaf: string;
  entry: Record<string, unknown> & { kind: string; time: string };
}

/** Per-day movements; days without any are omitted. */
export interface Timeseries {
  campaignId: string;
  currency: string | null;
  days: {
    date: string;
    raised: number;
    fees: number;
    refunded: number;
    allocated: number;
    paidOut: number;
    delivered: number;
    beneficiaries: number;
  }[];
}

/** Distinct donors who consented to be counted; no money by country is published. */
export interface GeographyRow {
  country: string;
  donors: number;
}

export interface Breakdowns {
  campaignId: string;
  currency: string | null;
  bySector: { sector: string; allocated: number; paidOut: number; delivered: number }[];
  byRecipient: {
    name: string;
    country: string;
    local: boolean;
    allocated: number;
    paidOut: number;
    delivered: number;
    beneficiaries: number;
  }[];
  donorGeography: {
    minimumGroup: number;
    byResidence: GeographyRow[];
    byHeritage: GeographyRow[];
    /** Donors in the countries not listed, together; null when withheld (fewer than minimumGroup). */
    otherResidence: number | null;
    otherHeritage: number | null;
  };
}

/** The parts of a trace the pages show (the ledger's /v1/trace answer). */
export interface TraceView {
  donation: { amount: number; net: number; fee: number; currency: string; time: string };
  allocations: { disbursementId: string; amount: number }[];
  disbursements: {
    disbursementId: string;
    recipient: { name: string; country: string; local: boolean };
    purpose: string;
  }[];
  payouts: { disbursementId: string }[];
  deliveries: {
    disbursementId: string;
    description: string;
    beneficiaries: number;
    location: { area: string; country: string };
  }[];
  /** The gift and every entry linked to it, as the exact bytes that were hashed. */
  entries: { index: number; leaf: string; entry: Record<string, unknown> }[];
  proof: {
    campaignId: string;
    leafIndex: number;
    leafHash: string;
    treeSize: number;
    hashes: string[];
    checkpoint: string;
  };
}

export class LedgerUnavailable extends Error {}
export class NotOnLedger extends Error {}
/** The ledger's limit for this visitor's address was reached (429); `retryAfter` in seconds. */
export class LedgerRateLimited extends Error {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super(`the public ledger asks to wait ${retryAfter} s`);
    this.retryAfter = retryAfter;
  }
}

export function ledgerClient(baseUrl: string) {
  // Kept-alive connections and undici's own request API: a campaign page makes four calls, and fetch's WHATWG
  // layers cost about twice the CPU per call (measured on this server's pages).
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const call = (path: string, headers: Record<string, string> = {}, timeoutMs = 5_000) =>
    request(`${baseUrl}${path}`, { dispatcher, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  /** `forwardedFor`: the visitor's address, so the ledger's per-address limits count visitors, not this server. */
  async function get<T>(path: string, forwardedFor?: string): Promise<T> {
    let response: Awaited<ReturnType<typeof call>>;
    try {
      response = await call(path, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {});
    } catch (error) {
      throw new LedgerUnavailable(`the public ledger did not answer: ${(error as Error).message}`);
    }
    const { statusCode, headers, body } = response;
    if (statusCode < 200 || statusCode > 299) {
      // The connection is reused only once the body is read.
      await body.dump();
      if (statusCode === 404) throw new NotOnLedger(path);
      if (statusCode === 429) throw new LedgerRateLimited(Number(headers['retry-after']) || 60);
      throw new LedgerUnavailable(`the public ledger answered ${statusCode}`);
    }
    try {
      return (await body.json()) as T;
    } catch (error) {
      throw new LedgerUnavailable(`the public ledger's answer was cut short: ${(error as Error).message}`);
    }
  }
  /** For parts of the page the ledger may not serve yet: anything but a 200 means "not available". */
  async function optional<T>(path: string): Promise<T | null> {
    try {
      const { statusCode, body } = await call(path);
      if (statusCode === 200) return (await body.json()) as T;
      await body.dump();
      return null;
    } catch {
      return null;
    }
  }
  return {
    campaigns: () => get<{ campaigns: { campaign: CampaignInfo; summary: Summary }[] }>('/v1/campaigns'),
    campaign: async (id: string) =>
      (await optional<{ campaign: CampaignInfo }>(`/v1/campaigns/${encodeURIComponent(id)}`))?.campaign ??
      null,
    /** A published campaign with its summary, in one call; null when the ledger has no published description of it. */
    campaignWithSummary: (id: string) =>
      optional<{ campaign: CampaignInfo; summary: Summary }>(`/v1/campaigns/${encodeURIComponent(id)}`),
    summary: (id: string) => get<Summary>(`/v1/campaigns/${encodeURIComponent(id)}/summary`),
    entries: (id: string, from: number, limit: number) =>
      get<{ entries: LedgerEntry[] }>(
        `/v1/campaigns/${encodeURIComponent(id)}/entries?from=${from}&limit=${limit}`,
      ),
    /** The latest `count` entries: no summary needs reading first to know where they start. */
    latestEntries: (id: string, count: number) =>
      get<{ entries: LedgerEntry[] }>(`/v1/campaigns/${encodeURIComponent(id)}/entries?last=${count}`),
    verifierKey: async () => {
      try {
        const { statusCode, body } = await call('/v1/verifier-key');
        if (statusCode === 200) return (await body.text()).trim();
        await body.dump();
        return null;
      } catch {
        return null;
      }
    },
    timeseries: (id: string) => optional<Timeseries>(`/v1/campaigns/${encodeURIComponent(id)}/timeseries`),
    breakdowns: (id: string) => optional<Breakdowns>(`/v1/campaigns/${encodeURIComponent(id)}/breakdowns`),
    trace: (code: string, visitorAddress?: string) =>
      get<TraceView>(`/v1/trace/${encodeURIComponent(code)}`, visitorAddress),
    ready: async () => {
      try {
        const { statusCode, body } = await call('/healthz', {}, 2_000);
        await body.dump();
        return statusCode === 200;
      } catch {
        return false;
      }
    },
  };
}

export type LedgerClient = ReturnType<typeof ledgerClient>;
