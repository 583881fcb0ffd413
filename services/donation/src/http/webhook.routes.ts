import { createHash } from 'node:crypto';
import { defineRoute, type RequestWithRawBody } from '@aid/http-kit';
import { currentTraceCarrier, type Logger } from '@aid/telemetry';
import type Stripe from 'stripe';
import { invalidWebhookSignature, malformedWebhookEvent } from '../domain/errors.ts';
import type { RejectedWebhooks } from '../store/rejected-webhooks.store.ts';
import type { InboxEvent, StripeInbox } from '../store/stripe-inbox.store.ts';
import { malformedEventReason, stripeNoticeOf } from '../stripe/payment-notice.ts';
import type { PaymentGateway } from '../stripe/stripe-gateway.ts';
import { problemSchema, stripeWebhookHeaders, webhookReceived } from './schemas.ts';

/**
 * Stripe's advice, followed: acknowledge fast, process asynchronously. The answer is 200 only once the verified
 * event is durably in the inbox (group-committed with the other webhooks arriving meanwhile); the inbox
 * processor applies it. Event types this service does not act on are acknowledged without being stored. A signed
 * event that cannot be read is refused with a 400 naming the field, recorded for the operator, and never enters
 * the inbox, where it could only fail again and again.
 */
export function webhookRoutes(deps: {
  payments: PaymentGateway;
  inbox: StripeInbox;
  rejected: RejectedWebhooks;
  received(event: InboxEvent): void;
  logger: Logger;
  bodyLimit: string;
  now: () => Date;
}) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/webhooks/stripe',
      summary:
        'Stripe webhook endpoint: payment outcomes, refunds (and failed refunds), disputes, paid invoices and ended subscriptions, verified by the Stripe-Signature header',
      tag: 'webhooks',
      bodyLimit: deps.bodyLimit,
      headers: stripeWebhookHeaders,
      // Stripe authenticates itself by the signature: without one, nothing else of the request is looked at.
      authenticate: async (request) => {
        if (!request.get('stripe-signature'))
          throw invalidWebhookSignature('send the event body as JSON with its Stripe-Signature header');
      },
      responses: {
        200: {
          description:
            'Durably received (events this service does not act on are acknowledged and ignored); applied shortly after',
          schema: webhookReceived,
        },
        400: {
          description:
            'Missing, wrong, expired or future signature; or a signed event missing what its type needs (recorded, named in `field`)',
          schema: problemSchema,
        },
        413: { description: `The body is larger than ${deps.bodyLimit}`, schema: problemSchema },
      },
      async handle({ request }) {
        const rawBody = (request as RequestWithRawBody).rawBody;
        const signature = request.get('stripe-signature');
        if (!rawBody || !signature)
          throw invalidWebhookSignature('send the event body as JSON with its Stripe-Signature header');
        const event = deps.payments.verifyWebhook(rawBody, signature);
        const reason = malformedEventReason(event);
        if (reason) {
          const { id, type } = ((typeof event === 'object' && event) || {}) as Partial<Stripe.Event>;
          const eventId =
            typeof id === 'string' && id.length > 0
              ? id
              : `unnamed:${createHash('sha256').update(rawBody).digest('hex')}`;
          await deps.rejected.record(
            {
              id: eventId,
              type: typeof type === 'string' ? type : '(none)',
              reason,
              body: rawBody.toString('utf8'),
            },
            deps.now(),
          );
          deps.logger.warn(
            { stripeEventId: eventId, type, reason },
            'signed Stripe event refused: it cannot be read',
          );
          throw malformedWebhookEvent(reason, reason.split(':')[0] ?? '(event)');
        }
        if (!stripeNoticeOf(event)) {
          deps.logger.debug(
            { stripeEventId: event.id, type: event.type },
            'Stripe event type not handled here',
          );
          return { body: { received: true as const } };
        }
        // The request's trace goes into the inbox with the event: the batch that applies it runs apart from any request.
        const stored = await deps.inbox.receive({
          id: event.id,
          type: event.type,
          body: rawBody.toString('utf8'),
          trace: currentTraceCarrier(),
        });
        deps.received(stored);
        return { body: { received: true as const } };
      },
    }),
  ];
}
