import { defineRoute, type RequestWithRawBody } from '@aid/http-kit';
import { invalidWebhookSignature } from '../domain/errors.ts';
import { recordSubscriptionEnded } from '../use-cases/cancel-monthly-gift.ts';
import { stripeNoticeOf, type StripeNotice } from '../stripe/payment-notice.ts';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { recordChargeRefund } from '../use-cases/record-charge-refund.ts';
import { recordDispute } from '../use-cases/record-dispute.ts';
import { recordInstallment } from '../use-cases/record-installment.ts';
import { recordPaymentOutcome, type OutcomeResult } from '../use-cases/record-payment-outcome.ts';
import { problemSchema, webhookReceived } from './schemas.ts';

function apply(flows: DonationFlows, notice: StripeNotice): Promise<OutcomeResult> {
  switch (notice.kind) {
    case 'payment':
      return recordPaymentOutcome(flows, notice.notice);
    case 'charge-refunded':
      return recordChargeRefund(flows, notice.notice);
    case 'dispute':
      return recordDispute(flows, notice.notice);
    case 'invoice-paid':
      return recordInstallment(flows, notice.notice);
    case 'subscription-ended':
      return recordSubscriptionEnded(flows, notice.notice);
    default: {
      const unhandled: never = notice;
      throw new Error(`unhandled Stripe notice ${(unhandled as { kind: string }).kind}`);
    }
  }
}

export function webhookRoutes(flows: DonationFlows) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/webhooks/stripe',
      summary: 'Stripe webhook endpoint: payment outcomes, refunds, disputes and paid invoices, verified by the Stripe-Signature header',
      tag: 'webhooks',
      responses: {
        200: { description: 'Received (events this service does not act on are acknowledged and ignored)', schema: webhookReceived },
        400: { description: 'Missing, wrong or expired signature', schema: problemSchema },
      },
      async handle({ request }) {
        const rawBody = (request as RequestWithRawBody).rawBody;
        const signature = request.get('stripe-signature');
        if (!rawBody || !signature) throw invalidWebhookSignature('send the event body as JSON with its Stripe-Signature header');
        const event = flows.payments.verifyWebhook(rawBody, signature);
        const notice = stripeNoticeOf(event);
        if (notice) await apply(flows, notice);
        else flows.logger.debug({ stripeEventId: event.id, type: event.type }, 'Stripe event type not handled here');
        return { body: { received: true } };
      },
    }),
  ];
}
