import { defineRoute } from '@aid/http-kit';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { campaignTotals } from '../use-cases/campaign-totals.ts';
import { campaignParams, campaignTotalsResponse, problemSchema } from './schemas.ts';

export function campaignTotalsRoutes(flows: DonationFlows) {
  return [
    defineRoute<undefined, { id: string }>({
      method: 'get',
      path: '/v1/campaigns/:id/totals',
      summary:
        'The donation service’s own money totals for a campaign (public, read-only), for reconciliation with the ledger',
      tag: 'campaigns',
      params: campaignParams,
      responses: {
        200: {
          description:
            'Totals in minor units of the campaign’s currency, from the same decisions as the published donation events',
          schema: campaignTotalsResponse,
        },
        404: { description: 'No campaign with this id is known here', schema: problemSchema },
      },
      async handle({ params }) {
        return { body: await campaignTotals(flows, params.id) };
      },
    }),
  ];
}
