import { createHash } from 'node:crypto';
import { campaignSnapshotSchema, campaignSummarySchema, idSchema } from '@aid/contracts';
import { defineRoute, problemDocumentSchema, type Route } from '@aid/http-kit';
import { z } from 'zod';
import { campaignNotFound } from '../domain/errors.ts';
import { csvColumns, type IatiPublisher } from '../domain/open-data.ts';
import { minimumDonorGroup, publicGeography } from '../domain/donor-geography.ts';
import { breakdowns, dayFields, timeseries } from '../domain/projections.ts';
import { summarize } from '../domain/summary.ts';
import type { CampaignLogState, LedgerStore } from '../store/ledger-store.ts';
import { createReadCache } from '../store/read-cache.ts';
import { verifierKey, type NoteSigner } from '../domain/checkpoint.ts';
import { exportCsv, exportIati, exportJson } from '../use-cases/export-campaign.ts';
import {
  campaignCheckpoint,
  consistencyProof,
  globalCheckpoint,
  inclusionProof,
} from '../use-cases/prove.ts';
import { traceReceipt } from '../use-cases/trace-receipt.ts';
import { streamExport } from './stream-export.ts';

const tag = 'Public ledger';
const campaignParams = z.object({ id: idSchema });

const summarySchema = campaignSummarySchema;

const pageSize = () =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000');
const entriesQuery = z.object({
  from: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large')
    .optional()
    .describe('first index (0 when not given)'),
  limit: pageSize().default(100),
  last: pageSize()
    .optional()
    .describe(
      'instead of limit: the latest this many entries of the published log, none before from (a page ending at the head needs no summary read first)',
    ),
});

const entrySchema = z.object({
  index: z.number().int(),
  leaf: z.string().describe('base64 of the exact bytes hashed'),
  entry: z.record(z.string(), z.unknown()),
});

const receiptParams = z.object({
  receiptCode: z
    .string()
    .min(16, 'is too short to be a receipt code')
    .max(128, 'is too long to be a receipt code'),
});

const problemSchema = problemDocumentSchema;

const proofSchema = z.object({
  hashes: z.array(z.string().describe('base64 SHA-256, RFC 6962 audit-path order')),
});
// Bounds as zod checks, not refinements, so the published schema states them (a refinement is invisible to it).
const wholeNumber = (name: string, min = 0) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, min === 0 ? `${name} must not be negative` : `${name} must be at least ${min}`)
    .max(Number.MAX_SAFE_INTEGER, `${name} is too large`);

const minor = z.number().int().describe('minor units of the campaign currency');
const daySchema = z.object({
  date: z.string().describe("UTC day of the entries' event time, YYYY-MM-DD"),
  ...(Object.fromEntries(dayFields.map((field) => [field, z.number().int()])) as Record<
    (typeof dayFields)[number],
    z.ZodNumber
  >),
});
const timeseriesSchema = z.object({
  campaignId: z.string(),
  currency: z.string().nullable(),
  days: z
    .array(daySchema)
    .describe(
      'One row per UTC day with movement, oldest first. Amounts are those of that day alone, NOT cumulative; days without movement are omitted.',
    ),
});
const countryGroupSchema = z.object({
  country: z.string().describe('ISO 3166-1 alpha-2'),
  donors: z.number().int().min(minimumDonorGroup),
});
const otherSchema = z.number().int().nullable();
const breakdownsSchema = z.object({
  campaignId: z.string(),
  currency: z.string().nullable(),
  bySector: z.array(z.object({ sector: z.string(), allocated: minor, paidOut: minor, delivered: minor })),
  byRecipient: z.array(
    z.object({
      name: z.string(),
      country: z.string(),
      local: z.boolean(),
      allocated: minor,
      paidOut: minor,
      delivered: minor,
      beneficiaries: z.number().int(),
    }),
  ),
  donorGeography: z
    .object({
      minimumGroup: z.literal(minimumDonorGroup),
      release: z.number().int().nullable().describe('The release shown; null before the campaign has one'),
      releasedAt: z.iso.datetime().nullable(),
      byResidence: z.array(countryGroupSchema),
      byHeritage: z.array(countryGroupSchema),
      otherResidence: otherSchema.describe(
        'Donors in all countries of residence not listed, together; null when that is between 1 and minimumGroup − 1 (withheld)',
      ),
      otherHeritage: otherSchema.describe('The same for countries of heritage'),
    })
    .describe(
      'Distinct donors who consented to be counted, by country of residence and of heritage (each donor once per campaign, however often they give). ' +
        'Every published number is 0 or at least minimumGroup; a new release comes once at least minimumGroup more donors were counted. No money by country, and no country on any entry.',
    ),
});
const exportEntrySchema = z.object({
  id: z.string().describe('<campaignId>:<index>, stable'),
  index: z.number().int(),
  leafHash: z.string(),
  entry: z.record(z.string(), z.unknown()),
});
const exportJsonSchema = z.object({
  campaign: campaignSnapshotSchema.nullable(),
  summary: summarySchema,
  entries: z.array(exportEntrySchema),
});

/**
 * The public figures are the same for everyone and at most a second behind the log (see store/read-cache.ts):
 * browsers and CDNs may keep them that long, and revalidate with the ETag express derives from the body (an
 * unchanged summary answers 304 without a body).
 */
const publicFigures = { 'cache-control': 'public, max-age=1, stale-while-revalidate=5' };

// One serialized summary (and its ETag) per cached head: fifty viewers of a campaign cost one JSON encoding.
const serializedSummaries = new WeakMap<CampaignLogState, { body: string; etag: string }>();

function summaryOf(log: CampaignLogState): { body: string; etag: string } {
  let serialized = serializedSummaries.get(log);
  if (!serialized) {
    const body = JSON.stringify(summarize(log.campaignId, log.currency, log.totals, log.size, log.presented));
    serialized = { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    serializedSummaries.set(log, serialized);
  }
  return serialized;
}

export interface PublicRouteDeps {
  store: LedgerStore;
  signer: NoteSigner;
  origin: string;
  iati: IatiPublisher;
  clock: () => Date;
}

export function publicRoutes({ store, signer, origin, iati, clock }: PublicRouteDeps): Route[] {
  // The global checkpoint reads every campaign's head and root, so its cost grows with the number of campaigns (it
  // commits to all of them by design): it is made at most once a second, however many monitors ask.
  const globalCheckpoints = createReadCache<Awaited<ReturnType<typeof globalCheckpoint>>>({ ttlMs: 1_000 });
  const latestGlobalCheckpoint = () =>
    globalCheckpoints.get('global', () => globalCheckpoint(store, signer, origin));

  async function requireLog(campaignId: string) {
    const log = await store.logState(campaignId);
    if (!log) throw campaignNotFound(campaignId);
    return log;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/campaigns',
      summary: 'Published campaigns with their public totals',
      tag,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responses: {
        200: {
          description: 'Campaigns, newest first',
          schema: z.object({
            campaigns: z.array(z.object({ campaign: campaignSnapshotSchema, summary: summarySchema })),
          }),
        },
      },
      async handle({ query }) {
        const campaigns = await store.publicCampaigns(query.limit);
        const rows = await Promise.all(
          campaigns.map(async (campaign) => {
            const log = await store.publicLogState(campaign.campaignId);
            const summary = log
              ? summarize(campaign.campaignId, log.currency, log.totals, log.size, log.presented)
              : summarize(
                  campaign.campaignId,
                  campaign.goal.currency,
                  {
                    raised: 0,
                    fees: 0,
                    refunded: 0,
                    allocated: 0,
                    paidOut: 0,
                    paidOutLocal: 0,
                    delivered: 0,
                    beneficiaries: 0,
                    gifts: 0,
                  },
                  0,
                );
            return { campaign, summary };
          }),
        );
        return { body: { campaigns: rows } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id',
      summary: 'A published campaign with its public totals',
      tag,
      params: campaignParams,
      responses: {
        200: {
          description: 'The campaign and its summary',
          schema: z.object({ campaign: campaignSnapshotSchema, summary: summarySchema }),
        },
        404: { description: 'Not published, or unknown', schema: problemSchema },
      },
      async handle({ params }) {
        // By `_id`: the pages of a campaign need not look for it in the list, whatever its place there.
        const campaign = await store.campaign(params.id);
        if (!campaign || campaign.status === 'draft') throw campaignNotFound(params.id);
        const log = await store.publicLogState(params.id);
        const summary = log
          ? summarize(campaign.campaignId, log.currency, log.totals, log.size, log.presented)
          : summarize(
              campaign.campaignId,
              campaign.goal.currency,
              {
                raised: 0,
                fees: 0,
                refunded: 0,
                allocated: 0,
                paidOut: 0,
                paidOutLocal: 0,
                delivered: 0,
                beneficiaries: 0,
                gifts: 0,
              },
              0,
            );
        return { body: { campaign, summary }, headers: publicFigures };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/summary',
      summary:
        "A campaign's money: raised, fees, refunded, net, allocated, paid out, delivered, share to local actors",
      tag,
      params: campaignParams,
      responses: {
        200: { description: 'The summary, money in minor units', schema: summarySchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params }) {
        const log = await store.publicLogState(params.id);
        if (!log) throw campaignNotFound(params.id);
        const { body, etag } = summaryOf(log);
        return { body, contentType: 'application/json; charset=utf-8', headers: { ...publicFigures, etag } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/timeseries',
      summary: "A campaign's daily movements (UTC days; amounts of each day, not cumulative)",
      tag,
      params: campaignParams,
      responses: {
        200: { description: 'Days with movement, oldest first', schema: timeseriesSchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params }) {
        const stored = await store.projections(params.id);
        if (!stored) throw campaignNotFound(params.id);
        return {
          body: { campaignId: params.id, currency: stored.currency, days: timeseries(stored) },
          headers: publicFigures,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/breakdowns',
      summary:
        'Where the money went by sector and recipient, and how many donors live in or come from each country (groups of at least 5 distinct consenting donors only)',
      tag,
      params: campaignParams,
      responses: {
        200: { description: 'The breakdowns, money in minor units', schema: breakdownsSchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params }) {
        const stored = await store.projections(params.id);
        if (!stored) throw campaignNotFound(params.id);
        const donorGeography = publicGeography(await store.geography(params.id));
        return {
          body: { campaignId: params.id, currency: stored.currency, ...breakdowns(stored), donorGeography },
          headers: publicFigures,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/export.json',
      summary: 'Open data: the campaign, its summary and every entry of its log, with stable ids',
      tag,
      params: campaignParams,
      responses: {
        200: { description: 'Streamed JSON', schema: exportJsonSchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, request }) {
        return streamExport(request, await exportJson(store, params.id), 'application/json; charset=utf-8', {
          'content-disposition': `attachment; filename="campaign-${params.id}.json"`,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/export.csv',
      summary:
        'Open data: one RFC 4180 row per entry, with a stable id (<campaignId>:<index>) and its leaf hash',
      tag,
      params: campaignParams,
      responses: {
        200: {
          description: `Streamed CSV with the columns ${csvColumns.join(', ')}`,
          schema: z.string(),
          contentType: 'text/csv',
        },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, request }) {
        return streamExport(request, await exportCsv(store, params.id), 'text/csv; charset=utf-8', {
          'content-disposition': `attachment; filename="campaign-${params.id}.csv"`,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/export.iati.xml',
      summary:
        'Open data: the campaign as an IATI 2.03 humanitarian activity with its incoming funds, disbursements and expenditure',
      tag,
      params: campaignParams,
      responses: {
        200: {
          description:
            'Streamed iati-activities document; sectors are DAC 5-digit codes mapped from our free-text sectors',
          schema: z.string(),
          contentType: 'application/xml',
        },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, request }) {
        return streamExport(
          request,
          await exportIati(store, iati, params.id, clock()),
          'application/xml; charset=utf-8',
          {
            'content-disposition': `attachment; filename="campaign-${params.id}.iati.xml"`,
          },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/entries',
      summary: "A page of a campaign's public log, or its latest entries, with the exact bytes of each entry",
      tag,
      params: campaignParams,
      query: entriesQuery,
      responses: {
        200: { description: 'Entries in index order', schema: z.object({ entries: z.array(entrySchema) }) },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, query }) {
        // The latest entries end at the head the summary shows (cached like it); a page from an index ends at the
        // stored head, so a verifier that read a checkpoint finds every entry it covers.
        const log =
          query.last === undefined ? await requireLog(params.id) : await store.publicLogState(params.id);
        if (!log) throw campaignNotFound(params.id);
        const from =
          query.last === undefined ? (query.from ?? 0) : Math.max(query.from ?? 0, log.size - query.last);
        const entries = await store.entriesRange(params.id, from, query.last ?? query.limit, log.size);
        return {
          body: {
            entries: entries.map((entry) => ({
              index: entry.index,
              leaf: entry.leaf.toString('base64'),
              entry: JSON.parse(entry.leaf.toString('utf8')) as unknown,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/trace/:receiptCode',
      summary: 'Where a gift went: its allocations, the disbursements they funded, payouts and deliveries',
      tag,
      params: receiptParams,
      responses: {
        200: { description: 'The trace' },
        404: { description: 'Unknown receipt code', schema: problemSchema },
      },
      async handle({ params }) {
        return {
          body: await traceReceipt(store, signer, origin, params.receiptCode),
          headers: { 'cache-control': 'no-store' },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/checkpoint',
      summary: "The campaign log's latest signed checkpoint (C2SP tlog-checkpoint signed note)",
      tag,
      params: campaignParams,
      responses: {
        200: { description: 'The signed note, as is', schema: z.string(), contentType: 'text/plain' },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params }) {
        const { note } = await campaignCheckpoint(store, signer, origin, params.id);
        return {
          body: note,
          contentType: 'text/plain; charset=utf-8',
          headers: { 'cache-control': 'no-cache' },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/proofs/inclusion',
      summary: 'RFC 6962 inclusion proof of an entry in a tree size',
      tag,
      params: campaignParams,
      query: z.object({ index: wholeNumber('index'), treeSize: wholeNumber('treeSize', 1) }),
      responses: {
        200: {
          description: 'The audit path',
          schema: proofSchema.extend({ leafIndex: z.number().int(), treeSize: z.number().int() }),
        },
        400: { description: 'Out of range', schema: problemSchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, query }) {
        return { body: await inclusionProof(store, params.id, query.index, query.treeSize) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/campaigns/:id/proofs/consistency',
      summary: 'RFC 6962 consistency proof between two tree sizes: the later log extends the earlier one',
      tag,
      params: campaignParams,
      query: z.object({ from: wholeNumber('from'), to: wholeNumber('to') }),
      responses: {
        200: {
          description: 'The proof',
          schema: proofSchema.extend({ first: z.number().int(), second: z.number().int() }),
        },
        400: { description: 'Out of range', schema: problemSchema },
        404: { description: 'No public record', schema: problemSchema },
      },
      async handle({ params, query }) {
        return { body: await consistencyProof(store, params.id, query.from, query.to) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/checkpoint',
      summary: "Signed global checkpoint committing to every campaign's head",
      tag,
      responses: { 200: { description: 'The signed note', schema: z.string(), contentType: 'text/plain' } },
      async handle() {
        const { note } = await latestGlobalCheckpoint();
        return {
          body: note,
          contentType: 'text/plain; charset=utf-8',
          headers: { 'cache-control': 'no-cache' },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/checkpoint/heads',
      summary: 'The campaign heads the global checkpoint commits to (its leaves, as canonical JSON)',
      tag,
      responses: {
        200: {
          description: 'Heads in campaign id order',
          schema: z.object({
            heads: z.array(z.object({ campaignId: z.string(), size: z.number().int(), root: z.string() })),
            checkpoint: z.string(),
          }),
        },
      },
      async handle() {
        const { heads, note } = await latestGlobalCheckpoint();
        return { body: { heads, checkpoint: note } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/verifier-key',
      summary: 'The signed-note verifier key that checks every checkpoint',
      tag,
      responses: {
        200: { description: '<name>+<hash>+<base64 key>', schema: z.string(), contentType: 'text/plain' },
      },
      async handle() {
        return { body: `${verifierKey(signer)}\n`, contentType: 'text/plain; charset=utf-8' };
      },
    }),
  ];
}
