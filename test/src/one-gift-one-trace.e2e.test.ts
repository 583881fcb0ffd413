import { topics } from '@aid/contracts';
import {
  eventually,
  platformClient,
  recordTopics,
  testEndpoints,
  type PlatformClient,
  type RecordedMessage,
} from '@aid/test-kit';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformInProcess, type InProcessPlatform } from './harness/in-process-platform.ts';

/**
 * One gift is one trace: Stripe's webhook starts it, and every service that acts on the gift continues it
 * through the outbox and Kafka headers. The services run in this process so that their spans can be read here,
 * with the OpenTelemetry instrumentations loaded as in production (vitest.config.ts). The instrumentations
 * report through the process's one global tracer provider, the first service's, so HTTP server spans are told
 * apart by their route rather than by service name; the bus's Kafka spans keep each service's name.
 *
 * Between services the chain follows the OpenTelemetry messaging conventions: the webhook's request applies
 * its event in a span of its own, each event is sent under a producer span (`send <topic>`) whose context the
 * Kafka message carries, and every consumer's span is the child of that send span.
 */
describe('one gift, one trace', () => {
  const spans = new InMemorySpanExporter();
  let platform: InProcessPlatform;
  let api: PlatformClient;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;
  let campaignId: string;
  let alone: string;
  const together: string[] = [];
  let confirmationsFrom: number;

  const finished = () => spans.getFinishedSpans();
  const serviceOf = (span: ReadableSpan) => span.resource.attributes['service.name'];
  const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const startMs = (span: ReadableSpan) => span.startTime[0] * 1000 + span.startTime[1] / 1e6;
  const traceparent = (headers: Record<string, string>) => {
    const [, traceId, spanId] =
      /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(headers.traceparent ?? '') ?? [];
    return { traceId, spanId };
  };

  const webhookSpans = () =>
    finished()
      .filter(
        (span) =>
          span.kind === SpanKind.SERVER &&
          span.name === 'POST /v1/webhooks/stripe' &&
          startMs(span) >= confirmationsFrom,
      )
      .sort((a, b) => startMs(a) - startMs(b));
  /** The lone gift was confirmed (and waited for) before the others: its webhook span is the first. */
  const aloneWebhook = () => webhookSpans()[0] as ReadableSpan;

  const spanWithId = (spanId: string | undefined) =>
    spanId ? finished().find((span) => idOf(span) === spanId) : undefined;

  /** The donation.succeeded message this platform's donation service published for a gift. */
  function succeededMessageOf(donationId: string): RecordedMessage {
    const message = recorder.messages.find((candidate) => {
      const event = candidate.value as { type?: string; data?: { donationId?: string } };
      return (
        candidate.topic === topics.donation &&
        event.type === 'org.diaspora-aid.donation.succeeded' &&
        event.data?.donationId === donationId
      );
    });
    if (!message) throw new Error(`no donation.succeeded published yet for ${donationId}`);
    return message;
  }

  /**
   * How a gift's donation.succeeded left: the context its message carries, the send span that context names, and
   * the span that applied the gift's webhook event (the send span's parent).
   */
  function sendOf(donationId: string) {
    const message = succeededMessageOf(donationId);
    const carried = traceparent(message.headers);
    const send = spanWithId(carried.spanId);
    const apply = spanWithId(send && parentOf(send));
    return { carried, send, apply, eventId: (message.value as { id?: string }).id };
  }

  /** The send span of a gift's donation.succeeded is a donation producer span, under the applying of a webhook's event. */
  function expectSentAfterApplying(chain: ReturnType<typeof sendOf>): void {
    const { send, apply, eventId } = chain;
    expect(send && serviceOf(send)).toBe('donation');
    expect(send?.name).toBe(`send ${topics.donation}`);
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topics.donation,
      'messaging.message.id': eventId,
    });
    expect(apply && serviceOf(apply)).toBe('donation');
    expect(apply?.name).toBe('apply payment_intent.succeeded');
  }

  /**
   * The ledger.entries.v1 messages announcing a gift's entry. Every ledger on the broker announces it: this
   * process's, and the one the suite's global setup runs as a process, which consumes the same topics.
   */
  function ledgerAnnouncementsOf(donationId: string): RecordedMessage[] {
    return recorder.messages.filter((candidate) => {
      const data = (candidate.value as { data?: { leaf?: string } }).data;
      if (candidate.topic !== topics.ledger || !data?.leaf) return false;
      const entry = JSON.parse(Buffer.from(data.leaf, 'base64').toString('utf8')) as {
        kind: string;
        donationId?: string;
      };
      return entry.kind === 'gift' && entry.donationId === donationId;
    });
  }

  /** Spans of a service that consumed donation events (one message, or a batch named by its first message). */
  const donationConsumeSpans = (service: string) =>
    finished().filter(
      (span) =>
        serviceOf(span) === service &&
        span.name.startsWith('consume ') &&
        span.attributes['messaging.destination.name'] === topics.donation,
    );
  const messagesIn = (span: ReadableSpan) => Number(span.attributes['messaging.batch.message_count'] ?? 1);

  async function confirmAndWait(donationIds: string[], amount: number): Promise<void> {
    await Promise.all(
      donationIds.map((donationId) => api.confirmPayment({ donationId, amount, currency: 'EUR', fee: 61 })),
    );
    const expected = (alone === donationIds[0] ? 0 : 1) + donationIds.length;
    await eventually(
      async () => {
        const { entries } = await api.call<{ entries: { entry: { kind: string; donationId?: string } }[] }>(
          'GET',
          `${platform.urls.ledger}/v1/campaigns/${campaignId}/entries?from=0&limit=50`,
        );
        for (const donationId of donationIds) {
          expect(entries.some(({ entry }) => entry.kind === 'gift' && entry.donationId === donationId)).toBe(
            true,
          );
          succeededMessageOf(donationId);
        }
        // Every consumption of these gifts has ended (and so has been exported).
        expect(donationConsumeSpans('disbursement').length).toBeGreaterThanOrEqual(expected);
        expect(
          donationConsumeSpans('ledger').reduce((sum, span) => sum + messagesIn(span), 0),
        ).toBeGreaterThanOrEqual(expected);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  beforeAll(async () => {
    recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.donation, topics.ledger]);
    platform = await startPlatformInProcess({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    api = platformClient(platform.urls, platform.secrets);
    const organization = await api.createOrganization({
      name: 'Sahel Diaspora Network',
      country: 'FR',
      kind: 'diaspora-association',
    });
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Drought response in the Sahel',
      summary: 'Water trucking and seed stock for farming families.',
      goal: { amount: 500_000, currency: 'EUR' },
      crisis: { kind: 'drought', countries: ['NE'] },
    });
    campaignId = campaign.id;
    await api.publishCampaign(organization.apiKey, campaignId);
    const donate = (index: number) =>
      eventually(
        () =>
          api.donate({
            campaignId,
            amount: 2_500,
            currency: 'EUR',
            donor: { email: `donor-${index}@example.org` },
            interval: 'once',
          }),
        {
          timeoutMs: 30_000,
          intervalMs: 250,
        },
      );
    alone = (await donate(0)).donationId;
    for (let index = 1; index <= 5; index += 1) together.push((await donate(index)).donationId);

    confirmationsFrom = Date.now();
    await confirmAndWait([alone], 2_500);
    await confirmAndWait(together, 2_500);
  });

  afterAll(async () => {
    await recorder?.stop();
    await platform?.stop();
  });

  it('when Stripe confirms payments, then each webhook request starts a trace of its own, apart from the donation form', () => {
    const webhooks = webhookSpans();
    expect(webhooks).toHaveLength(6);
    for (const webhook of webhooks) {
      // Stripe sends no trace context; this test's own call (a traced fetch, at the root) stands in for it.
      const caller = spanWithId(parentOf(webhook));
      expect(caller && [caller.kind, parentOf(caller)]).toEqual([SpanKind.CLIENT, undefined]);
      expect(webhook.attributes['http.response.status_code']).toBe(200);
    }
    expect(new Set(webhooks.map(traceOf)).size).toBe(6);
    const forms = finished().filter(
      (span) =>
        span.kind === SpanKind.SERVER &&
        span.name === 'POST /v1/donations' &&
        span.attributes['http.response.status_code'] === 201,
    );
    expect(forms).toHaveLength(6);
    for (const form of forms) expect(webhooks.map(traceOf)).not.toContain(traceOf(form));
  });

  it('when a gift is confirmed alone, then donation.succeeded is sent in its webhook trace under the applying of its webhook event, and the disbursement and ledger consume it as children of that send', () => {
    const root = aloneWebhook();
    const chain = sendOf(alone);
    expect(chain.carried.traceId).toBe(traceOf(root));
    expectSentAfterApplying(chain);
    expect(chain.send && traceOf(chain.send)).toBe(traceOf(root));
    expect(chain.apply && parentOf(chain.apply)).toBe(idOf(root));
    for (const service of ['disbursement', 'ledger']) {
      const consumed = donationConsumeSpans(service).filter((span) => traceOf(span) === traceOf(root));
      expect(consumed).toHaveLength(1);
      const [consume] = consumed as [ReadableSpan];
      expect(String(consume.attributes['messaging.consumer.group.name'])).toMatch(
        new RegExp(`\\.${service}$`),
      );
      expect(consume.attributes['messaging.system']).toBe('kafka');
      // The producer span that sent the event, as the messaging conventions have it (no separate create span).
      expect(parentOf(consume)).toBe(chain.carried.spanId);
      expect(startMs(consume)).toBeGreaterThanOrEqual(startMs(root));
    }
  });

  // The donation service applies webhooks from its inbox in batches, and the ledger consumes in batches: each
  // gift of a batch must still be applied, sent and consumed in the trace of its own webhook.
  it('when gifts are confirmed at the same moment, then each one is its own trace, carried by its donation.succeeded to one disbursement and one ledger consumption', () => {
    const webhooks = webhookSpans().slice(1);
    const chains = together.map(sendOf);
    for (const chain of chains) expectSentAfterApplying(chain);
    // Each gift's event was applied under one of these webhooks, in that webhook's trace, and sent in it.
    expect(
      chains.map(({ carried, send, apply }) =>
        webhooks.some(
          (span) =>
            traceOf(span) === carried.traceId &&
            apply &&
            parentOf(apply) === idOf(span) &&
            send &&
            traceOf(send) === traceOf(span),
        ),
      ),
    ).toEqual(together.map(() => true));
    const carried = chains.map((chain) => chain.carried);
    expect(new Set(carried.map(({ traceId }) => traceId)).size).toBe(together.length);
    for (const { traceId, spanId } of carried) {
      for (const service of ['disbursement', 'ledger']) {
        const consumed = donationConsumeSpans(service).filter(
          (span) => span.spanContext().traceId === traceId,
        );
        expect(consumed.map(messagesIn)).toEqual([1]);
        expect(consumed.map(parentOf)).toEqual([spanId]);
      }
    }
  });

  // The ledger announces entries from its commit records in a background loop, after the append: each entry
  // keeps the context of the consumption that appended it for its announcement.
  it("when the ledger appends a gift, then the entry's announcement continues the gift's trace from the span that appended it", async () => {
    const traceId = traceOf(aloneWebhook());
    const [ledgerConsume] = donationConsumeSpans('ledger').filter((span) => traceOf(span) === traceId);
    expect(ledgerConsume).toBeDefined();
    await eventually(() => expect(ledgerAnnouncementsOf(alone).length).toBeGreaterThan(0));
    const announced = ledgerAnnouncementsOf(alone).map((message) => traceparent(message.headers));
    for (const context of announced) expect(context.traceId).toBe(traceId);
    // This platform's ledger announces from the consume span or from a span under it (the announcement's send span).
    const consumeId = idOf(ledgerConsume as ReadableSpan);
    const appendIds = finished()
      .filter((span) => serviceOf(span) === 'ledger' && parentOf(span) === consumeId)
      .map(idOf);
    expect(announced.some(({ spanId }) => spanId === consumeId || appendIds.includes(spanId ?? ''))).toBe(
      true,
    );
  });
});
