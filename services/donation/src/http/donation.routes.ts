import { defineRoute } from '@aid/http-kit';
import type { Donation } from '../domain/donation.ts';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { recordDonation } from '../use-cases/record-donation.ts';
import { viewDonation } from '../use-cases/view-donation.ts';
import { createDonationBody, createDonationResponse, donationParams, donationResponse, problemSchema, type CreateDonationBody } from './schemas.ts';

const receiptHeader = 'x-receipt-code';

function donationJson(donation: Donation) {
  return {
    id: donation.id,
    campaignId: donation.campaignId,
    amount: donation.amount,
    currency: donation.currency,
    fee: donation.fee,
    net: donation.net,
    status: donation.status,
    interval: donation.interval,
    publicRef: donation.publicRef,
    showName: donation.showName,
    countryOfResidence: donation.countryOfResidence,
    countryOfHeritage: donation.countryOfHeritage,
    donor: donation.donor,
    createdAt: donation.createdAt.toISOString(),
    succeededAt: donation.succeededAt?.toISOString() ?? null,
  };
}

export function donationRoutes(flows: DonationFlows) {
  return [
    defineRoute<CreateDonationBody>({
      method: 'post',
      path: '/v1/donations',
      summary: 'Start a donation: returns the Stripe client secret to pay with and the receipt code (shown once)',
      tag: 'donations',
      body: createDonationBody,
      responses: {
        201: { description: 'Donation created, waiting for payment', schema: createDonationResponse },
        400: { description: 'A field is missing or malformed', schema: problemSchema },
        404: { description: 'Unknown campaign', schema: problemSchema },
        409: { description: 'The campaign does not take donations', schema: problemSchema },
        422: { description: 'Wrong currency for the campaign, or amount outside the allowed range', schema: problemSchema },
        503: { description: 'The payment provider cannot be reached; try again', schema: problemSchema },
      },
      async handle({ body }) {
        const recorded = await recordDonation(flows, {
          campaignId: body.campaignId,
          amount: body.amount,
          currency: body.currency,
          donor: { email: body.donor.email, name: body.donor.name ?? null },
          showName: body.showName,
          countryOfResidence: body.countryOfResidence ?? null,
          countryOfHeritage: body.countryOfHeritage ?? null,
          interval: body.interval,
        });
        // The receipt code is a bearer secret: no cache may keep it.
        return { status: 201, body: recorded, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
    defineRoute<undefined, { id: string }>({
      method: 'get',
      path: '/v1/donations/:id',
      summary: 'A donation, for the holder of its receipt code (sent in the X-Receipt-Code header, never in the URL)',
      tag: 'donations',
      params: donationParams,
      responses: {
        200: { description: 'The donation with the donor’s own contact details', schema: donationResponse },
        404: { description: 'No donation with this id and receipt code', schema: problemSchema },
      },
      async handle({ params, request }) {
        const donation = await viewDonation(flows, params.id, request.get(receiptHeader));
        return {
          body: donationJson(donation),
          headers: { 'X-Receipt-Code': donation.receiptCode, 'Cache-Control': 'no-store' },
        };
      },
    }),
  ];
}
