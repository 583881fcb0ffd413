import { randomBytes } from 'node:crypto';
import {
  campaignSnapshotSchema,
  donationSucceeded,
  envelope,
  newId,
  receiptCodeHash,
  topics,
  type CampaignSnapshot,
} from '@aid/contracts';
import { startService, type RunningService } from '@aid/runtime';
import {
  campaignEventFixture,
  campaignSnapshotFixture,
  eventually,
  limitsOutOfTheWay,
  publishRaw,
  recordTopics,
  signStripeWebhook,
  testEndpoints,
  uniqueName,
} from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, serviceName, type DonationParts } from './app.ts';
import { loadConfig } from './config.ts';

const endpoints = testEndpoints();
const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
const donorDataKey = randomBytes(32).toString('base64');
const dbName = uniqueName('donation_test');
const email = 'amina.yusuf@example.org';
const name = 'Amina Yusuf';

function configWith(overrides: Record<string, string> = {}) {
  return loadConfig({
    PORT: '0',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    STRIPE_API_BASE: endpoints.stripeApiBase,
    // stripe-mock accepts any key that looks like a test key: letters and digits after sk_test_.
    STRIPE_SECRET_KEY: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    DONOR_DATA_KEY: donorDataKey,
    KAFKA_GROUP_PREFIX: `${uniqueName('donation_it')}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: process.env.AID_TEST_LOG_LEVEL ?? 'silent',
    ...limitsOutOfTheWay,
    ...overrides,
  });
}

/** The main instance's webhook pipeline: a delivery is checked once the inbox processor has tried it. */
let pipeline: DonationParts | undefined;

async function start(overrides: Record<string, string> = {}): Promise<RunningService> {
  const config = configWith(overrides);
  return startService({
    name: serviceName,
    config,
    dbName,
    build: async (deps) => {
      const parts = await buildApp(deps, config);
      pipeline ??= parts;
      return parts;
    },
  });
}

const organizationId = newId();
const campaigns = { active: newId(), draft: newId(), closed: newId(), unknown: newId() };

function snapshot(overrides: Partial<CampaignSnapshot>): CampaignSnapshot {
  return campaignSnapshotSchema.parse(
    campaignSnapshotFixture({ campaignId: campaigns.active, organizationId, ...overrides }),
  );
}

const campaignEvent = (verb: 'created' | 'published' | 'closed', campaign: CampaignSnapshot) =>
  campaignEventFixture(verb, campaign);

/** Every consumed event is delivered twice, to prove the projections take it once. */
async function publishTwice(events: { subject: string }[]): Promise<void> {
  const messages = events.map((event) => ({ key: event.subject, value: JSON.stringify(event) }));
  await publishRaw(endpoints.kafkaBrokers, topics.campaign, [...messages, ...messages]);
}

let service: RunningService;
let recorder: Awaited<ReturnType<typeof recordTopics>>;

const collection = (collectionName: string) =>
  service.deps.db.collection<{ _id: string } & Record<string, unknown>>(collectionName);

beforeAll(async () => {
  recorder = await recordTopics(endpoints.kafkaBrokers, [topics.donation]);
  service = await start();
  await publishTwice([
    campaignEvent('created', snapshot({ status: 'draft', revision: 1, publishedAt: null })),
    campaignEvent('published', snapshot({})),
    campaignEvent(
      'created',
      snapshot({ campaignId: campaigns.draft, status: 'draft', revision: 1, publishedAt: null }),
    ),
    // Closed first, then the older "published" arrives late: the projection must stay closed.
    campaignEvent(
      'closed',
      snapshot({
        campaignId: campaigns.closed,
        status: 'closed',
        revision: 3,
        closedAt: '2026-02-20T10:00:00.000Z',
      }),
    ),
    campaignEvent('published', snapshot({ campaignId: campaigns.closed, revision: 2 })),
  ]);
  await eventually(
    async () => {
      expect(await collection('campaigns').findOne({ _id: campaigns.active })).toMatchObject({
        status: 'active',
        revision: 2,
      });
      expect(await collection('campaigns').findOne({ _id: campaigns.draft })).toMatchObject({
        status: 'draft',
      });
      expect(await collection('campaigns').findOne({ _id: campaigns.closed })).toMatchObject({
        status: 'closed',
        revision: 3,
      });
    },
    { timeoutMs: 45_000 },
  );
});

afterAll(async () => {
  await recorder?.stop();
  await service?.stop();
});

async function donate(overrides: Record<string, unknown> = {}, url = service.url) {
  const response = await fetch(`${url}/v1/donations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignId: campaigns.active,
      amount: 2500,
      currency: 'USD',
      donor: { email, name },
      ...overrides,
    }),
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

async function newDonation(
  overrides: Record<string, unknown> = {},
): Promise<{ donationId: string; receiptCode: string }> {
  const { response, body } = await donate(overrides);
  expect(response.status).toBe(201);
  return body as { donationId: string; receiptCode: string };
}

function paymentIntentEvent(type: string, donationId: string, id = `evt_${randomBytes(12).toString('hex')}`) {
  return {
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    // The same PaymentIntent id for every gift, as stripe-mock answers: donations are found by metadata only.
    data: {
      object: {
        id: 'pi_fixture',
        object: 'payment_intent',
        amount: 2500,
        currency: 'usd',
        metadata: { donationId },
      },
    },
  };
}

async function deliver(
  event: object,
  options: { signature?: string | null; timestamp?: number; secret?: string } = {},
) {
  const body = JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? signStripeWebhook(body, options.secret ?? webhookSecret, options.timestamp)
      : options.signature;
  const response = await fetch(`${service.url}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    body,
  });
  // The answer means "durably received"; the change follows from the inbox processor.
  await pipeline?.inbox.idle();
  return { response, body: (await response.json()) as Record<string, unknown> };
}

async function view(donationId: string, receiptCode?: string) {
  const response = await fetch(`${service.url}/v1/donations/${donationId}`, {
    headers: receiptCode ? { 'x-receipt-code': receiptCode } : {},
  });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

/**
 * The donation's events on the topic, one per CloudEvents id. The outbox relay publishes at least once: if the
 * broker times out after storing a message, the relay sends the same event (same id, same bytes) again, and
 * consumers drop the copy by id. Copies are checked to be identical; a second decision would have a new id.
 */
function eventsOf(donationId: string) {
  const copies = recorder.messages.filter(
    (message) => (message.value as { data?: { donationId?: string } }).data?.donationId === donationId,
  );
  const byId = new Map<string, (typeof copies)[number]>();
  for (const copy of copies) {
    const id = (copy.value as { id: string }).id;
    if (byId.has(id)) expect(copy.value).toEqual(byId.get(id)?.value);
    else byId.set(id, copy);
  }
  return [...byId.values()];
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('POST /v1/donations', () => {
  it('when a donor gives to an active campaign, then the answer has a client secret and a receipt code, and the gift is pending', async () => {
    const { response, body } = await donate({
      geographyConsent: true,
      countryOfResidence: 'GB',
      countryOfHeritage: 'PK',
    });
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ status: 'pending' });
    expect(body.donationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.clientSecret).toMatch(/^pi_\w+_secret_\w+$/);
    expect(body.receiptCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('when a donation is stored, then the donor’s email and name are encrypted and only the receipt code’s hash is kept', async () => {
    const { donationId, receiptCode } = await newDonation();
    const raw = await collection('donations').findOne({ _id: donationId });
    expect(raw).toMatchObject({
      status: 'pending',
      amount: 2500,
      currency: 'USD',
      receiptHash: receiptCodeHash(receiptCode),
    });
    expect(raw?.paymentIntentId).toMatch(/^pi_/);
    expect(raw?.publicRef).toMatch(/^d_[0-9a-f]{24}$/);
    const stored = JSON.stringify(raw);
    expect(stored).not.toContain(email);
    expect(stored).not.toContain('Amina');
    expect(stored).not.toContain(receiptCode);
    expect(stored).not.toContain(receiptCode.replaceAll('-', ''));
  });

  it.each([
    {
      when: 'the campaign is unknown',
      body: { campaignId: campaigns.unknown },
      status: 404,
      field: 'campaignId',
    },
    {
      when: 'the campaign is a draft',
      body: { campaignId: campaigns.draft },
      status: 409,
      field: 'campaignId',
    },
    {
      when: 'the campaign is closed (its late "published" event notwithstanding)',
      body: { campaignId: campaigns.closed },
      status: 409,
      field: 'campaignId',
    },
    {
      when: 'the currency is neither the campaign’s nor one donors may pay in',
      body: { currency: 'PKR' },
      status: 422,
      field: 'currency',
    },
    { when: 'the amount is below Stripe’s minimum', body: { amount: 49 }, status: 422, field: 'amount' },
    { when: 'the amount is above the maximum', body: { amount: 100_000_001 }, status: 422, field: 'amount' },
    {
      when: 'the email is malformed',
      body: { donor: { email: 'amina-at-example', name } },
      status: 400,
      field: 'donor.email',
    },
    {
      when: 'the country of residence is two letters but no country',
      body: { geographyConsent: true, countryOfResidence: 'ZZ' },
      status: 400,
      field: 'countryOfResidence',
    },
    {
      when: 'the country of heritage is AA',
      body: { geographyConsent: true, countryOfHeritage: 'AA' },
      status: 400,
      field: 'countryOfHeritage',
    },
    {
      when: 'a country is given without consent to count it',
      body: { countryOfHeritage: 'PK' },
      status: 400,
      field: 'countryOfHeritage',
    },
    {
      when: 'the name is only bidirectional and invisible controls',
      body: { showName: true, donor: { email, name: '\u202E\u2066\u200B \u2069' } },
      status: 400,
      field: 'donor.name',
    },
    {
      when: 'the name is longer than 100 characters',
      body: { donor: { email, name: 'A'.repeat(101) } },
      status: 400,
      field: 'donor.name',
    },
  ])(
    'when $when, then the answer is a $status problem naming $field and nothing is stored',
    async ({ body, status, field }) => {
      const before = await collection('donations').countDocuments();
      const { response, body: problem } = await donate(body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(problem).toMatchObject({ status, field });
      expect(await collection('donations').countDocuments()).toBe(before);
    },
  );

  it('when a monthly gift is asked for, then it is recorded as a monthly plan with a Stripe subscription instead of a PaymentIntent', async () => {
    const { donationId, receiptCode } = await newDonation({ interval: 'month' });
    const { body } = await view(donationId, receiptCode);
    expect(body).toMatchObject({
      interval: 'month',
      status: 'pending',
      subscriptionStatus: 'active',
      related: [],
    });
    const raw = await collection('donations').findOne({ _id: donationId });
    expect(raw).toMatchObject({ paymentIntentId: null });
    expect(raw?.subscriptionId).toMatch(/^sub_/);
  });

  it('when Stripe cannot be reached, then the answer is 503 and no donation is recorded', async () => {
    const offline = await start({ STRIPE_API_BASE: 'http://127.0.0.1:9' });
    try {
      const before = await collection('donations').countDocuments({});
      const { response, body } = await donate({}, offline.url);
      expect(response.status).toBe(503);
      expect(body).toMatchObject({ code: 'payment-provider-unavailable' });
      expect(await collection('donations').countDocuments({})).toBe(before);
    } finally {
      await offline.stop();
    }
  });
});

describe('POST /v1/webhooks/stripe', () => {
  it('when payment_intent.succeeded is delivered twice, then the gift succeeds once and exactly one public event is published', async () => {
    const { donationId, receiptCode } = await newDonation({
      geographyConsent: true,
      countryOfHeritage: 'PK',
    });
    const event = paymentIntentEvent('payment_intent.succeeded', donationId);
    expect((await deliver(event)).body).toEqual({ received: true });
    expect((await deliver(event)).response.status).toBe(200);

    const [published] = await eventually(() => {
      const found = eventsOf(donationId);
      expect(found).toHaveLength(1);
      return found;
    });
    await settle();
    expect(eventsOf(donationId)).toHaveLength(1);
    expect(published?.key).toBe(campaigns.active);
    const parsed = donationSucceeded.parse(published?.value);
    expect(parsed.subject).toBe(campaigns.active);
    expect(parsed.data).toMatchObject({
      donationId,
      campaignId: campaigns.active,
      amount: 2500,
      fee: 0,
      net: 2500,
      currency: 'USD',
      receiptHash: receiptCodeHash(receiptCode),
    });
    // Countries stay in this service: the public announcement of a gift carries none, consent or not.
    expect(parsed.data.donor).toEqual({
      publicRef: expect.stringMatching(/^d_[0-9a-f]{24}$/),
      displayName: null,
    });
    expect(JSON.stringify(published?.value)).not.toMatch(/amina/i);
    expect(JSON.stringify(published?.value)).not.toContain(receiptCode);

    const { body } = await view(donationId, receiptCode);
    expect(body).toMatchObject({ status: 'succeeded', fee: 0, net: 2500 });
    expect(body.succeededAt).toEqual(parsed.data.succeededAt);
  });

  it('when the same event is delivered several times at once, then still exactly one event is published', async () => {
    const { donationId } = await newDonation();
    const event = paymentIntentEvent('payment_intent.succeeded', donationId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(answers.map(({ response }) => response.status)).toEqual([200, 200, 200, 200, 200]);
    await eventually(() => expect(eventsOf(donationId)).toHaveLength(1));
    await settle();
    expect(eventsOf(donationId)).toHaveLength(1);
  });

  it('when the donor chose to show their name, then the public event carries the name but never the email nor a country', async () => {
    const { donationId } = await newDonation({
      showName: true,
      geographyConsent: true,
      countryOfResidence: 'GB',
    });
    await deliver(paymentIntentEvent('payment_intent.succeeded', donationId));
    const [published] = await eventually(() => {
      const found = eventsOf(donationId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(donationSucceeded.parse(published?.value).data.donor).toEqual({
      publicRef: expect.any(String),
      displayName: name,
    });
    expect(JSON.stringify(published?.value)).not.toContain(email);
  });

  it('when payment_failed arrives after succeeded, then the gift stays succeeded and nothing more is published', async () => {
    const { donationId, receiptCode } = await newDonation();
    await deliver(paymentIntentEvent('payment_intent.succeeded', donationId));
    await eventually(() => expect(eventsOf(donationId)).toHaveLength(1));
    const late = await deliver(paymentIntentEvent('payment_intent.payment_failed', donationId));
    const canceled = await deliver(paymentIntentEvent('payment_intent.canceled', donationId));
    expect([late.response.status, canceled.response.status]).toEqual([200, 200]);
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'succeeded', net: 2500 });
    await settle();
    expect(eventsOf(donationId)).toHaveLength(1);
  });

  it('when a card is declined and the donor then pays with another card, then the gift ends succeeded', async () => {
    const { donationId, receiptCode } = await newDonation();
    await deliver(paymentIntentEvent('payment_intent.payment_failed', donationId));
    expect((await view(donationId, receiptCode)).body).toMatchObject({
      status: 'failed',
      fee: null,
      net: null,
    });
    await deliver(paymentIntentEvent('payment_intent.succeeded', donationId));
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'succeeded' });
    await eventually(() => expect(eventsOf(donationId)).toHaveLength(1));
  });

  it('when the PaymentIntent is canceled, then the gift is canceled and nothing is published', async () => {
    const { donationId, receiptCode } = await newDonation();
    await deliver(paymentIntentEvent('payment_intent.canceled', donationId));
    expect((await view(donationId, receiptCode)).body).toMatchObject({
      status: 'canceled',
      succeededAt: null,
    });
    await settle();
    expect(eventsOf(donationId)).toHaveLength(0);
  });

  it.each([
    { when: 'the signature is garbage', options: { signature: 't=1,v1=deadbeef' } },
    { when: 'the signature header is missing', options: { signature: null } },
    {
      when: 'it is signed with another secret',
      options: { secret: `whsec_${randomBytes(16).toString('hex')}` },
    },
    { when: 'the signature is ten minutes old', options: { timestamp: Math.floor(Date.now() / 1000) - 600 } },
  ])(
    'when $when, then the answer is 400 naming stripe-signature and the gift is untouched',
    async ({ options }) => {
      const { donationId, receiptCode } = await newDonation();
      const { response, body } = await deliver(
        paymentIntentEvent('payment_intent.succeeded', donationId),
        options,
      );
      expect(response.status).toBe(400);
      expect(body).toMatchObject({ code: 'invalid-webhook-signature', field: 'stripe-signature' });
      expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'pending' });
    },
  );

  it('when an event type this service does not handle arrives, then it is acknowledged and ignored', async () => {
    const { donationId, receiptCode } = await newDonation();
    for (const type of ['payment_intent.created', 'payment_intent.processing', 'charge.succeeded']) {
      const { response, body } = await deliver(paymentIntentEvent(type, donationId));
      expect(response.status).toBe(200);
      expect(body).toEqual({ received: true });
    }
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'pending' });
  });

  it('when the event names a donation this service does not know, then it is acknowledged so Stripe stops retrying', async () => {
    const { response, body } = await deliver(paymentIntentEvent('payment_intent.succeeded', newId()));
    expect(response.status).toBe(200);
    expect(body).toEqual({ received: true });
  });
});

describe('GET /v1/donations/:id', () => {
  it('when the right receipt code is sent, then the donor sees the gift with their own details, and the code is echoed back', async () => {
    const { donationId, receiptCode } = await newDonation({
      showName: true,
      geographyConsent: true,
      countryOfResidence: 'GB',
    });
    const { response, body } = await view(donationId, receiptCode);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-receipt-code')).toBe(receiptCode);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      id: donationId,
      campaignId: campaigns.active,
      amount: 2500,
      currency: 'USD',
      fee: null,
      net: null,
      status: 'pending',
      interval: 'once',
      showName: true,
      geographyConsent: true,
      countryOfResidence: 'GB',
      succeededAt: null,
      donor: { email, name },
    });
    expect(body.publicRef).toMatch(/^d_[0-9a-f]{24}$/);
    expect(Date.parse(String(body.createdAt))).not.toBeNaN();
  });

  it('when the donor names a language, then it is kept with the gift and shown to them, but never published', async () => {
    const { donationId, receiptCode } = await newDonation({ locale: 'ar-SY' });
    expect((await view(donationId, receiptCode)).body.locale).toBe('ar');
    const stored = await service.deps.db
      .collection<{ _id: string; locale?: string }>('donations')
      .findOne({ _id: donationId });
    expect(stored?.locale).toBe('ar');
    await deliver(paymentIntentEvent('payment_intent.succeeded', donationId));
    const [published] = await eventually(() => {
      const found = eventsOf(donationId);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(JSON.stringify(published?.value)).not.toMatch(/locale|"ar"/);
  });

  it('when the donor names no language, then English is kept', async () => {
    const { donationId, receiptCode } = await newDonation();
    expect((await view(donationId, receiptCode)).body.locale).toBe('en');
  });

  it('when the language is one the platform does not speak, then the answer is 400 naming the field, and no donation is made', async () => {
    const { response, body } = await donate({ locale: 'de-DE' });
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ field: 'locale' });
    expect(String(body.detail)).toContain('en, fr, ar, ur, so, es, uk, ht');
  });

  it('when the code is typed in lower case with spaces, then it still opens the receipt', async () => {
    const { donationId, receiptCode } = await newDonation();
    const { response } = await view(donationId, receiptCode.toLowerCase().replaceAll('-', ' '));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-receipt-code')).toBe(receiptCode);
  });

  it('when the code is wrong, missing or belongs to another gift, then the answer is the same 404 as for an unknown id', async () => {
    const { donationId } = await newDonation();
    const other = await newDonation();
    const wrongCode = other.receiptCode.replace(/^./, (first) => (first === 'A' ? 'B' : 'A'));
    const answers = await Promise.all([
      view(donationId, wrongCode),
      view(donationId),
      view(donationId, other.receiptCode),
      view(newId(), other.receiptCode),
    ]);
    const withoutInstance = ({ instance: _instance, traceId: _traceId, ...rest }: Record<string, unknown>) =>
      rest;
    for (const { response, body } of answers) {
      expect(response.status).toBe(404);
      expect(body).toMatchObject({ code: 'donation-not-found' });
      expect(withoutInstance(body)).toEqual(withoutInstance(answers[3]?.body ?? {}));
    }
  });
});

describe('campaign events', () => {
  it('when a member-added event is delivered twice, then the member is kept once for later admin checks', async () => {
    const memberId = newId();
    const apiKeyHash = randomBytes(32).toString('hex');
    const event = envelope({
      type: 'org.diaspora-aid.campaign.member-added',
      source: '/services/campaign',
      subject: organizationId,
      data: { organizationId, memberId, role: 'admin', apiKeyHash },
      time: new Date(),
    });
    await publishTwice([event]);
    await eventually(async () =>
      expect(await collection('members').findOne({ _id: memberId })).toMatchObject({
        organizationId,
        role: 'admin',
        apiKeyHash,
      }),
    );
    expect(await collection('members').countDocuments({ apiKeyHash })).toBe(1);
  });
});
