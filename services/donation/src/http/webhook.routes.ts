import { defineRoute, type RequestWithRawBody } from '@aid/http-kit';
import { invalidWebhookSignature } from '../domain/errors.ts';
import { paymentNoticeOf } from '../stripe/payment-notice.ts';
import type { DonationFlows } from '../use-cases/dependencies.ts';
import { recordPaymentOutcome } from '../use-cases/record-payment-outcome.ts';
import { problemSchema, webhookReceived } from './schemas.ts';

export function webhookRoutes(flows: DonationFlows) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/webhooks/stripe',
      summary: 'Stripe webhook endpoint: payment outcomes, verified by the Stripe-Signature header',
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
        const notice = paymentNoticeOf(event);
        if (notice) await recordPaymentOutcome(flows, notice);
        else flows.logger.debug({ stripeEventId: event.id, type: event.type }, 'Stripe event type not handled here');
        return { body: { received: true } };
      },
    }),
  ];
}
