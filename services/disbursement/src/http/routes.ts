import { bearerMember } from '@aid/access';
import { attachmentDisposition, defineRoute, type Route } from '@aid/http-kit';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Member } from '../domain/disbursement.ts';
import { evidenceTypes } from '../domain/evidence.ts';
import { approveDisbursement } from '../use-cases/approve-disbursement.ts';
import { cancelDisbursement } from '../use-cases/cancel-disbursement.ts';
import { readEvidence, uploadEvidence } from '../use-cases/evidence.ts';
import { readCampaignAudit } from '../use-cases/read-audit.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { readingEachCampaignOnce, type CampaignStore } from '../store/campaigns.store.ts';
import { loadVisibleDisbursement } from '../use-cases/load-visible.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import { listCampaignDisbursements } from '../use-cases/list-disbursements.ts';
import { readFunds, readPublicTotals } from '../use-cases/read-funds.ts';
import { recordPayout } from '../use-cases/record-payout.ts';
import { rejectDisbursement } from '../use-cases/reject-disbursement.ts';
import { changeOnce } from '../use-cases/answer-once.ts';
import { reportDelivery } from '../use-cases/report-delivery.ts';
import { requestDisbursement } from '../use-cases/request-disbursement.ts';
import { evidencePath, readEvidenceUpload } from './evidence-body.ts';
import { idempotencyNote, idempotencyProblems, respondOnce } from './idempotency.ts';
import {
  presentAudit,
  presentDelivery,
  presentDisbursement,
  presentDisbursements,
  presentEvidence,
  presentFunds,
  presentPublicTotals,
} from './present.ts';
import {
  auditQuery,
  auditResponse,
  decisionBody,
  evidenceParams,
  evidenceQuery,
  evidenceResponse,
  deliveryBody,
  deliveryResponse,
  disbursementResponse,
  disbursementsQuery,
  disbursementsResponse,
  fundsResponse,
  idParams,
  payoutBody,
  problemResponse,
  publicTotalsResponse,
  requestBody,
} from './schemas.ts';

const tag = 'Disbursements';
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'problem details naming the field at fault', schema: problemResponse },
    ]),
  );

export function disbursementRoutes(context: UseCaseContext): Route[] {
  const authenticate: (request: Request) => Promise<Member> = bearerMember(
    context.members,
    context.sessionKey,
  );
  // With how many approvals it needs under its campaign's rule as it stands (two reads by _id, or none when the
  // request's use case read the campaign already).
  const presented = async (disbursement: Disbursement, campaigns: CampaignStore = context.campaigns) =>
    presentDisbursement(disbursement, await campaigns.find(disbursement.campaignId));
  // For a request whose use case reads the campaign: the answer reuses that read. No request changes a campaign
  // (only its events do), so a second read would find the same.
  const readingCampaignOnce = (): UseCaseContext => ({
    ...context,
    campaigns: readingEachCampaignOnce(context.campaigns),
  });
  const secured = { authenticate, security: 'bearer' as const, tag };

  return [
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements',
      summary: `Request a disbursement from a campaign’s funds (field officer or admin). ${idempotencyNote} (the same disbursement)`,
      body: requestBody,
      responses: {
        201: {
          description:
            'the requested disbursement (or the first answer again, for a repeated Idempotency-Key)',
          schema: disbursementResponse,
        },
        ...problems(401, 403, 404, 422),
        ...idempotencyProblems,
      },
      handle: ({ body, auth, request }) => {
        const scoped = readingCampaignOnce();
        return respondOnce(scoped, auth, request, body, async (attempt) => ({
          status: 201,
          body: await presented(
            await requestDisbursement(scoped, auth, body, attempt.resourceId),
            scoped.campaigns,
          ),
        }));
      },
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/approve',
      summary: `Approve a disbursement, reserving and allocating its funds first in first out (approver or admin, never the requester). ${idempotencyNote}`,
      params: idParams,
      body: decisionBody,
      responses: {
        200: {
          description:
            'the approved disbursement with its allocations (or the first answer again, for a repeated Idempotency-Key)',
          schema: disbursementResponse,
        },
        ...problems(401, 403, 404),
        ...idempotencyProblems,
      },
      handle: ({ params, body, auth, request }) => {
        const scoped = readingCampaignOnce();
        return respondOnce(scoped, auth, request, body, async (attempt) => ({
          status: 200,
          body: await presented(
            await changeOnce(scoped, auth, params.id, 'approve', attempt, () =>
              approveDisbursement(scoped, auth, params.id, body.comment),
            ),
            scoped.campaigns,
          ),
        }));
      },
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/reject',
      summary: `Reject a requested disbursement (approver or admin, never the requester). ${idempotencyNote}`,
      params: idParams,
      body: decisionBody,
      responses: {
        200: {
          description:
            'the rejected disbursement (or the first answer again, for a repeated Idempotency-Key)',
          schema: disbursementResponse,
        },
        ...problems(401, 403, 404),
        ...idempotencyProblems,
      },
      handle: ({ params, body, auth, request }) =>
        respondOnce(context, auth, request, body, async (attempt) => ({
          status: 200,
          body: await presented(
            await changeOnce(context, auth, params.id, 'reject', attempt, () =>
              rejectDisbursement(context, auth, params.id, body.comment),
            ),
          ),
        })),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/payout',
      summary: `Pay out an approved disbursement (admin): record a manual bank reference, or transfer to the partner’s Stripe connected account. ${idempotencyNote}`,
      params: idParams,
      body: payoutBody,
      responses: {
        200: {
          description: 'the paid disbursement (or the first answer again, for a repeated Idempotency-Key)',
          schema: disbursementResponse,
        },
        ...problems(401, 403, 404, 422, 503),
        ...idempotencyProblems,
      },
      handle: ({ params, body, auth, request }) => {
        const command =
          body.method === 'manual'
            ? { method: body.method, reference: body.reference ?? '' }
            : { method: body.method, destination: body.destination ?? '' };
        return respondOnce(context, auth, request, body, async (attempt) => ({
          status: 200,
          body: await presented(
            await changeOnce(context, auth, params.id, 'payout', attempt, () =>
              recordPayout(context, auth, params.id, command),
            ),
          ),
        }));
      },
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/cancel',
      summary: `Cancel a disbursement before payout (admin or the requester); an approved one gives its reserved money back to the gifts. ${idempotencyNote}`,
      params: idParams,
      body: decisionBody,
      responses: {
        200: {
          description:
            'the cancelled disbursement (or the first answer again, for a repeated Idempotency-Key)',
          schema: disbursementResponse,
        },
        ...problems(401, 403, 404),
        ...idempotencyProblems,
      },
      handle: ({ params, body, auth, request }) =>
        respondOnce(context, auth, request, body, async (attempt) => ({
          status: 200,
          body: await presented(
            await changeOnce(context, auth, params.id, 'cancel', attempt, () =>
              cancelDisbursement(context, auth, params.id, body.comment),
            ),
          ),
        })),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: evidencePath,
      summary: `Upload an evidence file as the raw body (application/pdf, image/jpeg, image/png or text/csv, at most ${context.evidenceLimitBytes} bytes; field officer or admin); the file stays private, its SHA-256 can go on the public record. ${idempotencyNote} (the same file)`,
      params: idParams,
      query: evidenceQuery,
      rawBody: {
        description: 'the file itself; its bytes must be of the type it is sent as',
        contentTypes: evidenceTypes,
      },
      responses: {
        201: {
          description:
            'the stored file’s description (or the first answer again, for a repeated Idempotency-Key)',
          schema: evidenceResponse,
        },
        ...problems(401, 403, 404, 413, 415),
        ...idempotencyProblems,
      },
      handle: async ({ params, query, auth, request }) => {
        // Read only now, after authentication: a stranger's upload is refused without being taken in.
        const upload = await readEvidenceUpload(request, context.evidenceLimitBytes);
        // The same file under the same name and type is the same upload.
        const payload = {
          sha256: createHash('sha256').update(upload.bytes).digest('hex'),
          contentType: upload.contentType,
          name: query.name ?? null,
        };
        return respondOnce(context, auth, request, payload, async (attempt) => ({
          status: 201,
          body: presentEvidence(
            await uploadEvidence(
              context,
              auth,
              params.id,
              { ...upload, name: query.name },
              attempt.resourceId,
            ),
          ),
        }));
      },
    }),
    defineRoute({
      ...secured,
      method: 'get',
      path: `${evidencePath}/:evidenceId`,
      summary: 'Download an evidence file (members of the disbursement’s organization only)',
      params: evidenceParams,
      responses: {
        200: {
          description: 'the file, with its SHA-256 in the X-Content-SHA256 header',
          contentType: 'application/octet-stream',
        },
        ...problems(400, 401, 404),
      },
      handle: async ({ params, auth }) => {
        const { file, bytes } = await readEvidence(context, auth, params.id, params.evidenceId);
        return {
          body: bytes,
          contentType: file.contentType,
          headers: {
            'content-disposition': attachmentDisposition(file.name),
            'x-content-sha256': file.sha256,
            'cache-control': 'private, no-store',
          },
        };
      },
    }),
    defineRoute({
      ...secured,
      tag: 'Audit',
      method: 'get',
      path: '/v1/campaigns/:id/audit',
      summary:
        'Who did what and when on the campaign’s disbursements, newest first, paged (admins of its organization)',
      params: idParams,
      query: auditQuery,
      responses: {
        200: { description: 'a page of audit entries', schema: auditResponse },
        ...problems(400, 401, 403, 404),
      },
      handle: async ({ params, query, auth }) => ({
        body: presentAudit(await readCampaignAudit(context, auth, params.id, query)),
      }),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/deliveries',
      summary: `Report aid delivered from a paid disbursement, with evidence hashes (field officer or admin). ${idempotencyNote} (the same delivery, counted once)`,
      params: idParams,
      body: deliveryBody,
      responses: {
        201: {
          description: 'the delivery report (or the first answer again, for a repeated Idempotency-Key)',
          schema: deliveryResponse,
        },
        ...problems(401, 403, 404, 422),
        ...idempotencyProblems,
      },
      handle: ({ params, body, auth, request }) =>
        respondOnce(context, auth, request, body, async (attempt) => {
          const reported = await reportDelivery(
            context,
            auth,
            params.id,
            { ...body, deliveredAt: new Date(body.deliveredAt) },
            attempt.resourceId,
          );
          return {
            status: 201,
            body: presentDelivery(reported.delivery, reported.disbursementId, reported.campaignId),
          };
        }),
    }),
    defineRoute({
      ...secured,
      method: 'get',
      path: '/v1/disbursements/:id',
      summary: 'A disbursement of your organization, with its approvals, allocations, payout and deliveries',
      params: idParams,
      responses: {
        200: { description: 'the disbursement', schema: disbursementResponse },
        ...problems(400, 401, 404),
      },
      handle: async ({ params, auth }) => ({
        body: await presented(await loadVisibleDisbursement(context, auth, params.id)),
      }),
    }),
    defineRoute({
      ...secured,
      method: 'get',
      path: '/v1/campaigns/:id/disbursements',
      summary: 'The disbursements of one of your organization’s campaigns, newest first, paged',
      params: idParams,
      query: disbursementsQuery,
      responses: {
        200: { description: 'a page of disbursements', schema: disbursementsResponse },
        ...problems(400, 401, 404),
      },
      handle: async ({ params, query, auth }) => {
        const scoped = readingCampaignOnce();
        return {
          body: presentDisbursements(
            await listCampaignDisbursements(scoped, auth, params.id, query),
            await scoped.campaigns.find(params.id),
          ),
        };
      },
    }),
    defineRoute({
      ...secured,
      tag: 'Funds',
      method: 'get',
      path: '/v1/campaigns/:id/funds',
      summary: 'The funds account of one of your organization’s campaigns (minor units)',
      params: idParams,
      responses: {
        200: {
          description: 'raised, fees, refunded, net, allocated, paid out and available',
          schema: fundsResponse,
        },
        ...problems(400, 401, 404),
      },
      handle: async ({ params, auth }) => ({ body: presentFunds(await readFunds(context, auth, params.id)) }),
    }),
    defineRoute({
      tag: 'Funds',
      method: 'get',
      path: '/v1/campaigns/:id/totals',
      summary:
        'A campaign’s public totals as this service keeps them, by the public ledger’s definitions (minor units); the ledger reconciles its own against them',
      params: idParams,
      responses: {
        200: {
          description:
            'raised, fees, refunded, net, allocated, paid out and the refund shortfall within refunded',
          schema: publicTotalsResponse,
        },
        ...problems(400, 404),
      },
      handle: async ({ params }) => ({
        body: presentPublicTotals(await readPublicTotals(context, params.id)),
      }),
    }),
  ];
}
