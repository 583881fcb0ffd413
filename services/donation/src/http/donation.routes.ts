import { bearerToken, defineRoute, idempotencyKey, type RouteRateLimit } from '@aid/http-kit';
import { defaultLocale } from '@aid/i18n';
import type { Donation } from '../domain/donation.ts';
import { cancelMonthlyGift } from '../use-cases/cancel-monthly-gift.ts';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { erasePersonalData } from '../use-cases/erase-personal-data.ts';
import { giftsOfReceipt } from '../use-cases/gifts-of-receipt.ts';
import { recordDonation } from '../use-cases/record-donation.ts';
import { requestRefund } from '../use-cases/request-refund.ts';
import { viewDonation } from '../use-cases/view-donation.ts';
import {
  cancelResponse,
  createDonationBody,
  createDonationResponse,
  donationParams,
  donationResponse,
  problemSchema,
  receiptCodeHeaders,
  refundBody,
  receiptGiftsResponse,
  refundResponse,
  type CreateDonationBody,
  type RefundBody,
} from './schemas.ts';

const receiptHeader = 'x-receipt-code';
const noStore = { 'Cache-Control': 'no-store' };

function relatedJson(donation: Donation) {
  return {
    id: donation.id,
    amount: donation.amount,
    currency: donation.currency,
    fee: donation.fee,
    net: donation.net,
    refunded: donation.refunded,
    status: donation.status,
    publicRef: donation.publicRef,
    succeededAt: donation.succeededAt?.toISOString() ?? null,
  };
}

function donationJson(donation: Donation, related: Donation[]) {
  return {
    ...relatedJson(donation),
    campaignId: donation.campaignId,
    interval: donation.interval,
    showName: donation.showName,
    geographyConsent: donation.geographyConsent,
    countryOfResidence: donation.countryOfResidence,
    countryOfHeritage: donation.countryOfHeritage,
    locale: donation.locale,
    // The sealed receipt code is for the receipt email; the holder sent it, it is not echoed in the body.
    donor: donation.donor ? { email: donation.donor.email, name: donation.donor.name } : null,
    createdAt: donation.createdAt.toISOString(),
    settlement: {
      currency: donation.settlementCurrency,
      amount: donation.settledAmount,
      exchangeRate: donation.exchangeRate,
      refunded: donation.settledRefunded,
      hold: donation.settlementHold,
    },
    refunds: donation.refunds.map((refund) => ({
      refundId: refund.refundId,
      amount: refund.amount,
      status: refund.status,
      at: refund.at.toISOString(),
    })),
    disputes: donation.disputes.map((dispute) => ({
      disputeId: dispute.disputeId,
      amount: dispute.amount,
      status: dispute.status,
      openedAt: dispute.openedAt.toISOString(),
      closedAt: dispute.closedAt?.toISOString() ?? null,
    })),
    subscriptionStatus: donation.subscriptionStatus,
    parentId: donation.parentId,
    related: related.map(relatedJson),
    erased: donation.erasedAt !== null,
  };
}

/** The limits of the public routes: starting donations, and everything that takes a receipt code. */
export interface DonationRouteLimits {
  create: RouteRateLimit[];
  receipt: RouteRateLimit[];
}

/** The donation id and receipt code of a new donation open it: the operations a donor may call next. */
const receiptLinks = Object.fromEntries(
  (
    [
      ['ViewDonation', 'get'],
      ['CancelMonthlyGift', 'post', '/cancel'],
      ['ErasePersonalData', 'delete', '/personal-data'],
    ] as const
  ).map(([name, method, suffix]) => [
    name,
    {
      operationRef: `#/paths/~1v1~1donations~1{id}${(suffix ?? '').replaceAll('/', '~1')}/${method}`,
      parameters: {
        'path.id': '$response.body#/donationId',
        'header.x-receipt-code': '$response.body#/receiptCode',
      },
    },
  ]),
);

export function donationRoutes(flows: DonationFlows, limits: DonationRouteLimits) {
  return [
    defineRoute<CreateDonationBody>({
      method: 'post',
      path: '/v1/donations',
      summary:
        'Start a donation: returns the Stripe client secret to pay with and the receipt code (shown once). An Idempotency-Key header makes retries safe',
      tag: 'donations',
      body: createDonationBody,
      rateLimits: limits.create,
      responses: {
        201: {
          description:
            'Donation created, waiting for payment (or the first answer again, for a repeated Idempotency-Key)',
          schema: createDonationResponse,
          links: receiptLinks,
        },
        400: {
          description:
            'A field is missing or malformed (the problem names it): a country that is not ISO 3166-1 alpha-2, a country without geographyConsent, a name with nothing visible or over 100 characters',
          schema: problemSchema,
        },
        404: { description: 'Unknown campaign', schema: problemSchema },
        409: {
          description:
            'The campaign does not take donations, or the Idempotency-Key was used with another body',
          schema: problemSchema,
        },
        422: {
          description: 'Wrong currency for the campaign, or amount outside the allowed range',
          schema: problemSchema,
        },
        503: { description: 'The payment provider cannot be reached; try again', schema: problemSchema },
      },
      async handle({ body, request }) {
        const key = idempotencyKey(request);
        const recorded = await recordDonation(
          flows,
          {
            campaignId: body.campaignId,
            amount: body.amount,
            currency: body.currency,
            donor: { email: body.donor.email, name: body.donor.name ?? null },
            showName: body.showName,
            geographyConsent: body.geographyConsent,
            countryOfResidence: body.countryOfResidence ?? null,
            countryOfHeritage: body.countryOfHeritage ?? null,
            locale: body.locale ?? defaultLocale,
            interval: body.interval,
          },
          key,
        );
        // The receipt code is a bearer secret: no cache may keep it.
        return { status: 201, body: recorded, headers: noStore };
      },
    }),
    defineRoute<undefined, { id: string }>({
      method: 'get',
      path: '/v1/donations/:id',
      summary:
        'A donation, for the holder of its receipt code (sent in the X-Receipt-Code header, never in the URL)',
      tag: 'donations',
      params: donationParams,
      rateLimits: limits.receipt,
      headers: receiptCodeHeaders,
      responses: {
        200: {
          description:
            'The donation with the donor’s own contact details, and the other gifts of the same receipt code',
          schema: donationResponse,
        },
        404: { description: 'No donation with this id and receipt code', schema: problemSchema },
      },
      async handle({ params, request }) {
        const { donation, related } = await viewDonation(flows, params.id, request.get(receiptHeader));
        return {
          body: donationJson(donation, related),
          headers: { 'X-Receipt-Code': donation.receiptCode, ...noStore },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/receipt',
      summary:
        'The gifts of the receipt code in X-Receipt-Code (a one-off gift, or a monthly plan and its installments), for a donor who kept only the code',
      tag: 'donations',
      rateLimits: limits.receipt,
      headers: receiptCodeHeaders,
      responses: {
        200: { description: 'The gifts of this receipt code, oldest first', schema: receiptGiftsResponse },
        404: { description: 'No gift has this receipt code (or none was given)', schema: problemSchema },
      },
      async handle({ request }) {
        const gifts = await giftsOfReceipt(flows, request.get(receiptHeader));
        return {
          body: {
            gifts: gifts.map((gift) => ({
              ...relatedJson(gift),
              campaignId: gift.campaignId,
              interval: gift.interval,
              subscriptionStatus: gift.subscriptionStatus,
              parentId: gift.parentId,
              createdAt: gift.createdAt.toISOString(),
            })),
          },
          headers: noStore,
        };
      },
    }),
    defineRoute<RefundBody, { id: string }, undefined, string>({
      method: 'post',
      path: '/v1/donations/:id/refund',
      summary:
        'Refund a gift, fully or in part (org admin of the campaign’s organization), within its unallocated net. An Idempotency-Key header makes retries safe (the same refund)',
      tag: 'refunds',
      params: donationParams,
      body: refundBody,
      security: 'bearer',
      authenticate: (request) => Promise.resolve(bearerToken(request)),
      responses: {
        202: {
          description: 'Stripe accepted the refund; it counts once Stripe reports it done (charge.refunded)',
          schema: refundResponse,
        },
        400: { description: 'A field is malformed', schema: problemSchema },
        401: { description: 'No API key, or one no member holds', schema: problemSchema },
        403: { description: 'The key is not an organization admin’s', schema: problemSchema },
        404: { description: 'No donation of the caller’s organization has this id', schema: problemSchema },
        409: {
          description:
            'The gift cannot be refunded, or not by this much: its unallocated net is smaller; or the Idempotency-Key was used with another body, or is still in use',
          schema: problemSchema,
        },
        422: {
          description:
            'More than what is left to refund on the gift, or an amount in another currency than the gift’s',
          schema: problemSchema,
        },
        503: { description: 'The payment provider cannot be reached; try again', schema: problemSchema },
      },
      async handle({ params, body, auth, request }) {
        const refund = await requestRefund(
          flows,
          {
            donationId: params.id,
            credential: auth,
            amount: body.amount,
            currency: body.currency,
            reason: body.reason,
          },
          idempotencyKey(request),
        );
        return { status: 202, body: refund };
      },
    }),
    defineRoute<undefined, { id: string }>({
      method: 'post',
      path: '/v1/donations/:id/cancel',
      summary: 'Stop a monthly gift (receipt code in X-Receipt-Code); months already paid stay given',
      tag: 'donations',
      params: donationParams,
      rateLimits: limits.receipt,
      headers: receiptCodeHeaders,
      responses: {
        200: { description: 'The subscription is canceled at Stripe', schema: cancelResponse },
        404: { description: 'No donation with this id and receipt code', schema: problemSchema },
        409: { description: 'Not a monthly gift', schema: problemSchema },
        503: { description: 'The payment provider cannot be reached; try again', schema: problemSchema },
      },
      async handle({ params, request }) {
        return {
          body: await cancelMonthlyGift(flows, params.id, request.get(receiptHeader)),
          headers: noStore,
        };
      },
    }),
    defineRoute<undefined, { id: string }>({
      method: 'delete',
      path: '/v1/donations/:id/personal-data',
      summary:
        'Erase the donor’s name and email (receipt code in X-Receipt-Code); the gift and the public ledger stay as they are',
      tag: 'donations',
      params: donationParams,
      rateLimits: limits.receipt,
      headers: receiptCodeHeaders,
      responses: {
        204: { description: 'Erased (or already erased)' },
        404: { description: 'No donation with this id and receipt code', schema: problemSchema },
      },
      async handle({ params, request }) {
        await erasePersonalData(flows, params.id, request.get(receiptHeader));
        return { status: 204, headers: noStore };
      },
    }),
  ];
}
