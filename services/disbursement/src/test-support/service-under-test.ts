import { randomBytes } from 'node:crypto';
import {
  apiKeyHash,
  campaignEventSchema,
  donationEventSchema,
  envelope,
  newId,
  receiptCodeHash,
  topics,
  type CampaignSnapshot,
  type MemberRole,
} from '@aid/contracts';
import { startService, type RunningService } from '@aid/runtime';
import {
  campaignSnapshotFixture,
  eventually,
  limitsOutOfTheWay,
  publishRaw,
  recordTopics,
  testEndpoints,
  uniqueName,
} from '@aid/test-kit';
import { expect } from 'vitest';
import { buildApp, serviceName } from '../app.ts';
import { loadConfig } from '../config.ts';

export interface ServiceUnderTest {
  service: RunningService;
  call(
    method: string,
    path: string,
    key: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  recorded: Awaited<ReturnType<typeof recordTopics>>;
  stop(): Promise<void>;
}

export async function startServiceUnderTest(
  logLevel = 'silent',
  env: Record<string, string> = {},
): Promise<ServiceUnderTest> {
  const endpoints = testEndpoints();
  const config = loadConfig({
    ...limitsOutOfTheWay,
    ...env,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    PORT: '0',
    KAFKA_GROUP_PREFIX: `${uniqueName('t')}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: logLevel,
  });
  const service = await startService({
    name: serviceName,
    config,
    dbName: uniqueName('disbursement'),
    build: (deps) => buildApp(deps, config),
  });
  const recorded = await recordTopics(endpoints.kafkaBrokers, [topics.disbursement]);
  const sut: ServiceUnderTest = {
    service,
    recorded,
    async call(method, path, key, body, headers = {}) {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
        headers: response.headers,
      };
    },
    async stop() {
      await recorded.stop();
      await service.stop();
    },
  };
  // The consumer group starts at the end of the topics (earlier tests' events are not this test's business);
  // one campaign seeded and seen proves the consumer has joined before any test relies on it.
  await seedCampaign(sut, { gifts: [{ amount: 1 }], timeoutMs: catchUpTimeoutMs });
  return sut;
}

export const catchUpTimeoutMs = 60_000;

/** Every consumed event is delivered twice, as Kafka may after a crash or rebalance. */
export async function publishTwice(topic: string, events: { subject: string }[]): Promise<void> {
  const messages = events.map((event) => ({ key: event.subject, value: JSON.stringify(event) }));
  await publishRaw(testEndpoints().kafkaBrokers, topic, [...messages, ...messages]);
}

export const campaignSource = '/services/campaign';
export const donationSource = '/services/donation';

export const campaignSnapshot = campaignSnapshotFixture;

export function campaignPublished(campaign: CampaignSnapshot) {
  const type =
    campaign.status === 'closed'
      ? 'org.diaspora-aid.campaign.closed'
      : campaign.status === 'draft'
        ? 'org.diaspora-aid.campaign.created'
        : 'org.diaspora-aid.campaign.published';
  return campaignEventSchema.parse(
    envelope({
      type,
      source: campaignSource,
      subject: campaign.campaignId,
      data: { campaign },
      time: new Date(),
    }),
  );
}

export function memberAdded(organizationId: string, role: MemberRole) {
  const key = `key_${randomBytes(24).toString('hex')}`;
  const memberId = newId();
  const event = campaignEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.campaign.member-added',
      source: campaignSource,
      subject: organizationId,
      data: { organizationId, memberId, role, apiKeyHash: apiKeyHash(key) },
      time: new Date(),
    }),
  );
  return { key, memberId, event };
}

export function memberKeyRotated(
  organizationId: string,
  memberId: string,
  role: MemberRole,
  keyRevision: number,
) {
  const key = `key_${randomBytes(24).toString('hex')}`;
  const event = campaignEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.campaign.member-key-rotated',
      source: campaignSource,
      subject: organizationId,
      data: {
        organizationId,
        memberId,
        role,
        apiKeyHash: apiKeyHash(key),
        keyRevision,
        rotatedAt: new Date().toISOString(),
      },
      time: new Date(),
    }),
  );
  return { key, event };
}

export function memberRevoked(organizationId: string, memberId: string, revokedBy: string) {
  return campaignEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.campaign.member-revoked',
      source: campaignSource,
      subject: organizationId,
      data: { organizationId, memberId, revokedBy, revokedAt: new Date().toISOString() },
      time: new Date(),
    }),
  );
}

export interface GiftFixture {
  donationId?: string;
  amount: number;
  fee?: number;
  currency?: string;
  succeededAt?: string;
}

export function giftSucceeded(campaignId: string, gift: GiftFixture) {
  const donationId = gift.donationId ?? newId();
  const fee = gift.fee ?? 0;
  return donationEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.donation.succeeded',
      source: donationSource,
      subject: campaignId,
      data: {
        donationId,
        campaignId,
        receiptHash: receiptCodeHash(donationId),
        donor: {
          publicRef: `d_${randomBytes(12).toString('hex')}`,
          displayName: null,
          countryOfResidence: 'GB',
          countryOfHeritage: 'PK',
        },
        amount: gift.amount,
        fee,
        net: gift.amount - fee,
        currency: gift.currency ?? 'USD',
        interval: 'once',
        succeededAt: gift.succeededAt ?? new Date().toISOString(),
      },
      time: new Date(),
    }),
  );
}

export function giftRefunded(
  campaignId: string,
  donationId: string,
  amount: number,
  currency = 'USD',
  refundId = `re_${randomBytes(8).toString('hex')}`,
) {
  return donationEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.donation.refunded',
      source: donationSource,
      subject: campaignId,
      data: { donationId, campaignId, refundId, amount, currency, refundedAt: new Date().toISOString() },
      time: new Date(),
    }),
  );
}

/** A counted refund that failed at the bank; the donation service names it by the processor's refund id. */
export function refundReversed(
  campaignId: string,
  donationId: string,
  amount: number,
  currency = 'USD',
  refundId = `re_${randomBytes(8).toString('hex')}`,
) {
  return donationEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.donation.refund-reversed',
      source: donationSource,
      subject: campaignId,
      data: { donationId, campaignId, refundId, amount, currency, reversedAt: new Date().toISOString() },
      time: new Date(),
    }),
  );
}

/** A dispute the bank closed; a lost one takes `amount` (the disputed gross amount) back like a refund. */
export function disputeClosed(
  campaignId: string,
  donationId: string,
  amount: number,
  outcome: 'won' | 'lost',
  currency = 'USD',
) {
  return donationEventSchema.parse(
    envelope({
      type: 'org.diaspora-aid.donation.dispute-closed',
      source: donationSource,
      subject: campaignId,
      data: {
        donationId,
        campaignId,
        disputeId: `du_${randomBytes(8).toString('hex')}`,
        outcome,
        amount,
        currency,
        closedAt: new Date().toISOString(),
      },
      time: new Date(),
    }),
  );
}

export interface SeededCampaign {
  campaignId: string;
  organizationId: string;
  keys: Record<'admin' | 'approver' | 'approver2' | 'officer', string>;
  members: Record<'admin' | 'approver' | 'approver2' | 'officer', string>;
  donationIds: string[];
}

/**
 * An organization with a campaign, an admin, two approvers and a field officer, and the given gifts, all
 * delivered twice through Kafka; returns once the account shows every gift.
 */
export async function seedCampaign(
  sut: ServiceUnderTest,
  options: { gifts?: GiftFixture[]; campaign?: Partial<CampaignSnapshot>; timeoutMs?: number } = {},
): Promise<SeededCampaign> {
  const campaign = campaignSnapshot(options.campaign);
  const roles = {
    admin: 'admin',
    approver: 'approver',
    approver2: 'approver',
    officer: 'field-officer',
  } as const;
  const added = Object.fromEntries(
    Object.entries(roles).map(([name, role]) => [name, memberAdded(campaign.organizationId, role)]),
  ) as Record<keyof typeof roles, ReturnType<typeof memberAdded>>;
  await publishTwice(topics.campaign, [
    campaignPublished(campaign),
    ...Object.values(added).map((member) => member.event),
  ]);
  const gifts = (options.gifts ?? []).map((gift) => giftSucceeded(campaign.campaignId, gift));
  if (gifts.length > 0) await publishTwice(topics.donation, gifts);
  const raised = gifts.reduce(
    (sum, gift) => sum + (gift.type === 'org.diaspora-aid.donation.succeeded' ? gift.data.amount : 0),
    0,
  );
  await eventually(
    async () => {
      for (const member of Object.values(added)) {
        const funds = await sut.call('GET', `/v1/campaigns/${campaign.campaignId}/funds`, member.key);
        expect(funds.status).toBe(200);
        expect(funds.body.raised).toBe(raised);
      }
    },
    { timeoutMs: options.timeoutMs ?? 30_000 },
  );
  return {
    campaignId: campaign.campaignId,
    organizationId: campaign.organizationId,
    keys: {
      admin: added.admin.key,
      approver: added.approver.key,
      approver2: added.approver2.key,
      officer: added.officer.key,
    },
    members: {
      admin: added.admin.memberId,
      approver: added.approver.memberId,
      approver2: added.approver2.memberId,
      officer: added.officer.memberId,
    },
    donationIds: gifts.map((gift) => (gift.data as { donationId: string }).donationId),
  };
}

export function disbursementRequest(campaignId: string, overrides: Record<string, unknown> = {}) {
  return {
    campaignId,
    amount: 1000,
    currency: 'USD',
    recipient: { name: 'Dadu Women’s Water Committee', country: 'PK', local: true },
    purpose: 'Water purification tablets for 400 families',
    sector: 'WASH',
    ...overrides,
  };
}

/** The disbursement events published for one campaign, in the order they were published. */
export function eventsOf(sut: ServiceUnderTest, campaignId: string): { type: string; data: any }[] {
  return sut.recorded.messages
    .filter((message) => message.key === campaignId)
    .map((message) => message.value as { type: string; data: any });
}
