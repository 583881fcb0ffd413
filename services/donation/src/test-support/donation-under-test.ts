import { randomBytes } from 'node:crypto';
import {
  apiKeyHash,
  campaignSnapshotSchema,
  envelope,
  newId,
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
  signStripeWebhook,
  testEndpoints,
  uniqueName,
} from '@aid/test-kit';
import { expect } from 'vitest';
import { buildApp, serviceName, type DonationParts } from '../app.ts';
import { loadConfig } from '../config.ts';

const endpoints = testEndpoints();

/** What a second instance shares with the first. */
interface SharedInstance {
  webhookSecret: string;
  donorDataKey: string;
  groupPrefix: string;
  dbName: string;
}

/**
 * The donation service in-process against the shared Kafka, database and stripe-mock, with its test secrets.
 * With `beside`, a second instance of that one: the same database, secrets and consumer groups, its own inbox.
 */
export async function startDonationForTest(overrides: Record<string, string> = {}, beside?: SharedInstance) {
  const webhookSecret = beside?.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
  const donorDataKey = beside?.donorDataKey ?? randomBytes(32).toString('base64');
  const groupPrefix = beside?.groupPrefix ?? `${uniqueName('donation_it')}.`;
  const dbName = beside?.dbName ?? uniqueName('donation_test');
  const config = loadConfig({
    PORT: '0',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    STRIPE_API_BASE: endpoints.stripeApiBase,
    STRIPE_SECRET_KEY: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    DONOR_DATA_KEY: donorDataKey,
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'silent',
    // Port 0 would give every instance of one host the same inbox.
    INSTANCE_ID: `test-${newId()}`,
    ...limitsOutOfTheWay,
    ...overrides,
  });
  let pipeline: DonationParts | undefined;
  const service: RunningService = await startService({
    name: serviceName,
    config,
    dbName,
    build: async (deps) => (pipeline = await buildApp(deps, config)),
  });
  if (!pipeline) throw new Error('the donation service was not built');
  return { service, webhookSecret, donorDataKey, groupPrefix, dbName, url: service.url, pipeline };
}

export type DonationUnderTest = Awaited<ReturnType<typeof startDonationForTest>>;

export async function deliver(donation: DonationUnderTest, event: object, expectedStatus = 200) {
  const body = JSON.stringify(event);
  const response = await fetch(`${donation.url}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signStripeWebhook(body, donation.webhookSecret),
    },
    body,
  });
  expect(response.status).toBe(expectedStatus);
  // 200 means "durably received"; the change follows from the inbox processor, which has tried it once idle.
  await donation.pipeline.inbox.idle();
}

/** Every webhook is delivered twice, as Stripe may. */
export async function deliverTwice(donation: DonationUnderTest, ...events: object[]) {
  for (const event of events) {
    await deliver(donation, event);
    await deliver(donation, event);
  }
}

/** A published campaign both services know, and an admin API key of its organization known to the donation service. */
export async function publishedCampaign(
  donation: DonationUnderTest,
  overrides: Partial<CampaignSnapshot> = {},
) {
  const organizationId = newId();
  const snapshot = campaignSnapshotSchema.parse(
    campaignSnapshotFixture({ campaignId: newId(), organizationId, ...overrides }),
  );
  const adminKey = `key_${randomBytes(24).toString('hex')}`;
  const adminId = newId();
  const memberAdded = envelope({
    type: 'org.diaspora-aid.campaign.member-added',
    source: '/services/campaign',
    subject: organizationId,
    data: { organizationId, memberId: adminId, role: 'admin', apiKeyHash: apiKeyHash(adminKey) },
    time: new Date(),
  });
  const messages = [campaignEventFixture('published', snapshot), memberAdded].map((event) => ({
    key: event.subject,
    value: JSON.stringify(event),
  }));
  await publishRaw(endpoints.kafkaBrokers, topics.campaign, [...messages, ...messages]);
  const collection = donation.service.deps.db.collection<{ _id: string }>('campaigns');
  await eventually(
    async () =>
      expect(await collection.findOne({ _id: snapshot.campaignId })).toMatchObject({ status: 'active' }),
    { timeoutMs: 45_000 },
  );
  return { campaignId: snapshot.campaignId, organizationId, adminKey, adminId };
}

export async function donate(
  donation: DonationUnderTest,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${donation.url}/v1/donations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      amount: 2500,
      currency: 'USD',
      donor: { email: 'amina.yusuf@example.org', name: 'Amina Yusuf' },
      ...body,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function newGift(donation: DonationUnderTest, body: Record<string, unknown>) {
  const { status, body: created } = await donate(donation, body);
  expect(status).toBe(201);
  return created as { donationId: string; receiptCode: string; clientSecret: string };
}

export async function publishDisbursementTwice(events: { subject: string }[]) {
  const messages = events.map((event) => ({ key: event.subject, value: JSON.stringify(event) }));
  await publishRaw(endpoints.kafkaBrokers, topics.disbursement, [...messages, ...messages]);
}

export async function publishCampaignEventsTwice(events: { subject: string }[]) {
  const messages = events.map((event) => ({ key: event.subject, value: JSON.stringify(event) }));
  await publishRaw(endpoints.kafkaBrokers, topics.campaign, [...messages, ...messages]);
}
