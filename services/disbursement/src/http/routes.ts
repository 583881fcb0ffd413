import { defineRoute, type Route } from '@aid/http-kit';
import type { Request } from 'express';
import type { Member } from '../domain/disbursement.ts';
import { approveDisbursement } from '../use-cases/approve-disbursement.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { loadVisibleDisbursement } from '../use-cases/load-visible.ts';
import { readFunds } from '../use-cases/read-funds.ts';
import { recordPayout } from '../use-cases/record-payout.ts';
import { rejectDisbursement } from '../use-cases/reject-disbursement.ts';
import { reportDelivery } from '../use-cases/report-delivery.ts';
import { requestDisbursement } from '../use-cases/request-disbursement.ts';
import { memberAuthenticator } from './auth.ts';
import { presentDelivery, presentDisbursement, presentFunds } from './present.ts';
import {
  decisionBody,
  deliveryBody,
  deliveryResponse,
  disbursementResponse,
  fundsResponse,
  idParams,
  payoutBody,
  problemResponse,
  requestBody,
} from './schemas.ts';

const tag = 'Disbursements';
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: 'problem details naming the field at fault', schema: problemResponse }]));

export function disbursementRoutes(context: UseCaseContext): Route[] {
  const authenticate: (request: Request) => Promise<Member> = memberAuthenticator(context.members);
  const secured = { authenticate, security: 'bearer' as const, tag };

  return [
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements',
      summary: 'Request a disbursement from a campaign’s funds (field officer or admin)',
      body: requestBody,
      responses: { 201: { description: 'the requested disbursement', schema: disbursementResponse }, ...problems(400, 401, 403, 404, 409, 422) },
      handle: async ({ body, auth }) => ({ status: 201, body: presentDisbursement(await requestDisbursement(context, auth, body)) }),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/approve',
      summary: 'Approve a disbursement, reserving and allocating its funds first in first out (approver or admin, never the requester)',
      params: idParams,
      body: decisionBody,
      responses: { 200: { description: 'the approved disbursement with its allocations', schema: disbursementResponse }, ...problems(400, 401, 403, 404, 409) },
      handle: async ({ params, body, auth }) => ({ body: presentDisbursement(await approveDisbursement(context, auth, params.id, body.comment)) }),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/reject',
      summary: 'Reject a requested disbursement (approver or admin, never the requester)',
      params: idParams,
      body: decisionBody,
      responses: { 200: { description: 'the rejected disbursement', schema: disbursementResponse }, ...problems(400, 401, 403, 404, 409) },
      handle: async ({ params, body, auth }) => ({ body: presentDisbursement(await rejectDisbursement(context, auth, params.id, body.comment)) }),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/payout',
      summary: 'Record that an approved disbursement was paid out (admin)',
      params: idParams,
      body: payoutBody,
      responses: { 200: { description: 'the paid disbursement', schema: disbursementResponse }, ...problems(400, 401, 403, 404, 409) },
      handle: async ({ params, body, auth }) => ({ body: presentDisbursement(await recordPayout(context, auth, params.id, body.reference)) }),
    }),
    defineRoute({
      ...secured,
      method: 'post',
      path: '/v1/disbursements/:id/deliveries',
      summary: 'Report aid delivered from a paid disbursement, with evidence hashes (field officer or admin)',
      params: idParams,
      body: deliveryBody,
      responses: { 201: { description: 'the delivery report', schema: deliveryResponse }, ...problems(400, 401, 403, 404, 409, 422) },
      handle: async ({ params, body, auth }) => {
        const reported = await reportDelivery(context, auth, params.id, { ...body, deliveredAt: new Date(body.deliveredAt) });
        return { status: 201, body: presentDelivery(reported.delivery, reported.disbursementId, reported.campaignId) };
      },
    }),
    defineRoute({
      ...secured,
      method: 'get',
      path: '/v1/disbursements/:id',
      summary: 'A disbursement of your organization, with its approvals, allocations, payout and deliveries',
      params: idParams,
      responses: { 200: { description: 'the disbursement', schema: disbursementResponse }, ...problems(400, 401, 404) },
      handle: async ({ params, auth }) => ({ body: presentDisbursement(await loadVisibleDisbursement(context, auth, params.id)) }),
    }),
    defineRoute({
      ...secured,
      tag: 'Funds',
      method: 'get',
      path: '/v1/campaigns/:id/funds',
      summary: 'The funds account of one of your organization’s campaigns (minor units)',
      params: idParams,
      responses: { 200: { description: 'raised, fees, refunded, net, allocated, paid out and available', schema: fundsResponse }, ...problems(400, 401, 404) },
      handle: async ({ params, auth }) => ({ body: presentFunds(await readFunds(context, auth, params.id)) }),
    }),
  ];
}
