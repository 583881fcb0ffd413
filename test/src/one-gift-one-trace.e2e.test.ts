import { topics } from '@aid/contracts';
import { eventually, platformClient, recordTopics, testEndpoints, type PlatformClient } from '@aid/test-kit';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformInProcess, type InProcessPlatform } from './harness/in-process-platform.ts';

/**
 * One gift is one trace: Stripe's webhook starts it, and every service that acts on the gift continues it
 * through the outbox and Kafka headers. The services run in this process so that their spans can be read here;
 * the exporter is wired explicitly because auto-instrumentation hooks do not run under the test runner.
 */
describe('one gift, one trace', () => {
  const spans = new InMemorySpanExporter();
  let platform: InProcessPlatform;
  let api: PlatformClient;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;
  let campaignId: string;
  const gifts: { donationId: string; amount: number }[] = [];

  const finished = () => spans.getFinishedSpans();
  const serviceOf = (span: ReadableSpan) => span.resource.attributes['service.name'];
  const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const traceparent = (headers: Record<string, string>) => {
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(headers.traceparent ?? '') ?? [];
    return { traceId, spanId };
  };

  /** The webhook request span that recorded a gift's success: the root of that gift's trace. */
  function webhookSpanOf(donationId: string): ReadableSpan {
    const message = recorder.messages.find(
      (candidate) => candidate.topic === topics.donation && (candidate.value as { type?: string; data?: { donationId?: string } }).type === 'org.diaspora-aid.donation.succeeded' && (candidate.value as { data: { donationId: string } }).data.donationId === donationId,
    );
    if (!message) throw new Error(`no donation.succeeded published yet for ${donationId}`);
    const { spanId } = traceparent(message.headers);
    const span = finished().find((candidate) => idOf(candidate) === spanId);
    if (!span) throw new Error(`the span that queued donation.succeeded (${spanId}) was not exported`);
    return span;
  }

  /**
   * The ledger.entries.v1 messages announcing a gift's entry. Every ledger on the broker announces it: this
   * process's, and the one the suite's global setup runs as a process, which consumes the same topics.
   */
  function ledgerAnnouncementsOf(donationId: string) {
    const announced = recorder.messages.filter((candidate) => {
      if (candidate.topic !== topics.ledger) return false;
      const leaf = (candidate.value as { data: { leaf: string } }).data.leaf;
      const entry = JSON.parse(Buffer.from(leaf, 'base64').toString('utf8')) as { kind: string; donationId?: string };
      return entry.kind === 'gift' && entry.donationId === donationId;
    });
    if (announced.length === 0) throw new Error(`no ledger entry announced yet for ${donationId}`);
    return announced;
  }

  const consumeSpansIn = (traceId: string | undefined, service: string) =>
    finished().filter((span) => traceOf(span) === traceId && serviceOf(span) === service && span.name === 'consume org.diaspora-aid.donation.succeeded');

  beforeAll(async () => {
    recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.donation, topics.ledger]);
    platform = await startPlatformInProcess({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    api = platformClient(platform.urls, platform.secrets);
    const organization = await api.createOrganization({ name: 'Sahel Diaspora Network', country: 'FR', kind: 'diaspora-association' });
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Drought response in the Sahel',
      summary: 'Water trucking and seed stock for farming families.',
      goal: { amount: 500_000, currency: 'EUR' },
      crisis: { kind: 'drought', countries: ['NE'] },
    });
    campaignId = campaign.id;
    await api.publishCampaign(organization.apiKey, campaignId);
    for (const amount of [2_500, 7_000]) {
      const donation = await eventually(
        () => api.donate({ campaignId, amount, currency: 'EUR', donor: { email: `donor-${amount}@example.org` }, countryOfResidence: 'FR', interval: 'once' }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      gifts.push({ donationId: donation.donationId, amount });
    }
    for (const gift of gifts) await api.confirmPayment({ ...gift, currency: 'EUR', fee: 61 });
    // Done when the ledger shows both gifts and every span of their journey has ended.
    await eventually(
      async () => {
        const { entries } = await api.call<{ entries: { entry: { kind: string; donationId?: string } }[] }>('GET', `${platform.urls.ledger}/v1/campaigns/${campaignId}/entries?from=0&limit=50`);
        for (const gift of gifts) {
          expect(entries.some(({ entry }) => entry.kind === 'gift' && entry.donationId === gift.donationId)).toBe(true);
          const traceId = traceOf(webhookSpanOf(gift.donationId));
          expect(consumeSpansIn(traceId, 'disbursement')).toHaveLength(1);
          expect(consumeSpansIn(traceId, 'ledger')).toHaveLength(1);
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  afterAll(async () => {
    await recorder?.stop();
    await platform?.stop();
  });

  it('when Stripe confirms a payment, then the webhook request that records it starts a trace of its own', () => {
    for (const gift of gifts) {
      const webhook = webhookSpanOf(gift.donationId);
      expect(serviceOf(webhook)).toBe('donation');
      expect(webhook.name).toBe('POST /v1/webhooks/stripe');
      expect(webhook.attributes['http.response.status_code']).toBe(200);
      expect(webhook.parentSpanContext).toBeUndefined();
    }
  });

  it('when the gift is published, then donation.succeeded leaves the outbox carrying the webhook span as its trace context', () => {
    for (const gift of gifts) {
      const webhook = webhookSpanOf(gift.donationId);
      const published = recorder.messages.filter((message) => message.topic === topics.donation && (message.value as { data?: { donationId?: string } }).data?.donationId === gift.donationId);
      expect(published.map((message) => (message.value as { type: string }).type)).toEqual(['org.diaspora-aid.donation.succeeded']);
      expect(traceparent(published[0]?.headers ?? {})).toEqual({ traceId: traceOf(webhook), spanId: idOf(webhook) });
    }
  });

  it('when the disbursement and ledger services consume the gift, then each consume span is in the webhook trace, as the child of the span that queued the message', () => {
    for (const gift of gifts) {
      const webhook = webhookSpanOf(gift.donationId);
      for (const service of ['disbursement', 'ledger']) {
        const [consume] = consumeSpansIn(traceOf(webhook), service);
        expect(consume?.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topics.donation });
        expect(String(consume?.attributes['messaging.consumer.group.name'])).toMatch(new RegExp(`\\.${service}$`));
        // The outbox relay publishes under no span of its own, so the parent is the request that queued the
        // event. With a publish span (withPublishSpans in the relay), this becomes that span's id.
        expect(parentOf(consume as ReadableSpan)).toBe(idOf(webhook));
        expect(consume?.startTime[0]).toBeGreaterThanOrEqual(webhook.startTime[0]);
      }
    }
  });

  it('when the ledger appends the gift, then the append happens inside the ledger consume span of that trace and its entry event carries it on', async () => {
    for (const gift of gifts) {
      const webhook = webhookSpanOf(gift.donationId);
      const [ledgerConsume] = consumeSpansIn(traceOf(webhook), 'ledger');
      const ours = { traceId: traceOf(webhook), spanId: idOf(ledgerConsume as ReadableSpan) };
      const announced = await eventually(() => {
        const found = ledgerAnnouncementsOf(gift.donationId).map((message) => traceparent(message.headers));
        expect(found).toContainEqual(ours);
        return found;
      });
      // The ledger of the process-based suite, another process, continues the very same trace.
      for (const context of announced) expect(context.traceId).toBe(traceOf(webhook));
    }
  });

  it('when two gifts are confirmed, then they are two traces, each holding only its own gift, apart from the trace of the donation form', () => {
    const [first, second] = gifts.map((gift) => webhookSpanOf(gift.donationId));
    expect(traceOf(first as ReadableSpan)).not.toBe(traceOf(second as ReadableSpan));
    for (const webhook of [first, second] as ReadableSpan[]) {
      const members = finished().filter((span) => traceOf(span) === traceOf(webhook));
      expect(members.map((span) => `${String(serviceOf(span))}: ${span.name}`).sort()).toEqual([
        'disbursement: consume org.diaspora-aid.donation.succeeded',
        'donation: POST /v1/webhooks/stripe',
        'ledger: consume org.diaspora-aid.donation.succeeded',
      ]);
    }
    const donationForms = finished().filter((span) => serviceOf(span) === 'donation' && span.name === 'POST /v1/donations' && span.attributes['http.response.status_code'] === 201);
    expect(donationForms).toHaveLength(2);
    for (const form of donationForms) expect([traceOf(first as ReadableSpan), traceOf(second as ReadableSpan)]).not.toContain(traceOf(form));
  });
});
