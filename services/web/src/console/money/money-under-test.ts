import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId, topics } from '@aid/contracts';
import { createLogger } from '@aid/telemetry';
import {
  eventually,
  newStripeId,
  publishRaw,
  signStripeWebhook,
  succeededWithFee,
  testEndpoints,
} from '@aid/test-kit';
import { giftSucceeded } from '@aid/test-kit/record-events';
import { startDisbursementProcess, startDonationProcess } from '@aid/test-kit/service-processes';
import { expect } from 'vitest';
import { buildWebApp } from '../../app.ts';
import { campaignClient } from '../../campaign-client.ts';
import { formGuard } from '../../http/form-guard.ts';
import type { LedgerClient } from '../../ledger-client.ts';
import { consoleSessions, type ConsoleSession, type ConsoleSessions } from '../console-session.ts';
import { startCampaignUnderTest, type CampaignUnderTest } from '../test-support/campaign-under-test.ts';

/** Three services start as processes and their consumers join Kafka groups before they answer ready. */
export const startTimeoutMs = 120_000;

const noLedger = new Proxy({} as LedgerClient, {
  get: () => () => Promise.reject(new Error('the money console reads no ledger')),
});

export interface Person {
  key: string;
  memberId: string;
  name: string;
  role: 'admin' | 'approver' | 'field-officer';
  organizationId: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

export interface MoneyUnderTest {
  web: string;
  campaign: CampaignUnderTest;
  /** A call to the disbursement service as the holder of `key`. */
  disbursement(method: string, path: string, key: string): Promise<Answer>;
  sessions: ConsoleSessions;
  /** An organization with an admin, an approver and a field officer, each with their API key. */
  organizationWithPeople(): Promise<{
    organizationId: string;
    admin: Person;
    approver: Person;
    officer: Person;
  }>;
  /** A published campaign the disbursement service knows, with one gift of `raised` (minor units) credited, and the approval threshold given. */
  fundedCampaign(
    admin: Person,
    raised: number,
    approvalThreshold?: number,
  ): Promise<{ id: string; title: string }>;
  /**
   * A gift to the campaign paid through the donation service (its donation, then Stripe's signed webhook);
   * returns once the donation service shows it succeeded with its fee. Only with the donation service started.
   */
  paidGift(campaignId: string, amount: number, fee: number): Promise<{ donationId: string }>;
  /** The console session a sign-in would give the person (their API key as the bearer). */
  sessionOf(person: Person): ConsoleSession;
  stop(): Promise<void>;
}

async function call(url: string, method: string, key?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Starts the services side by side; if one fails, those that started are stopped before its error is thrown. */
async function startServices(withDonation: boolean) {
  const [campaign, disbursement, donation] = await Promise.allSettled([
    startCampaignUnderTest(),
    startDisbursementProcess(),
    withDonation ? startDonationProcess() : Promise.resolve(undefined),
  ]);
  if (
    campaign.status === 'fulfilled' &&
    disbursement.status === 'fulfilled' &&
    donation.status === 'fulfilled'
  )
    return { campaign: campaign.value, disbursement: disbursement.value, donation: donation.value };
  const results = [campaign, disbursement, donation];
  for (const result of results) if (result.status === 'fulfilled') await result.value?.stop();
  throw results.find((result) => result.status === 'rejected')?.reason;
}

/**
 * The web with its console in-process, in front of real campaign and disbursement services run as processes,
 * and the donation service too when asked for.
 */
export async function startMoneyUnderTest(options: { donation?: boolean } = {}): Promise<MoneyUnderTest> {
  const { campaign, disbursement, donation } = await startServices(options.donation ?? false);
  const toDisbursement = (method: string, path: string, key: string) =>
    call(`${disbursement.url}${path}`, method, key);
  const secret = randomBytes(32);
  const sessions = consoleSessions(secret);
  const app = buildWebApp({
    ledger: noLedger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns: campaignClient(campaign.url),
    console: {
      sessions,
      forms: formGuard(secret),
      services: {
        campaign: campaign.url,
        donation: donation?.url ?? 'http://127.0.0.1:9',
        disbursement: disbursement.url,
      },
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const web = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    web,
    campaign,
    disbursement: toDisbursement,
    sessions,
    async organizationWithPeople() {
      const organization = await campaign.organization();
      const person = async (role: Person['role'], key: string): Promise<Person> => {
        const me = (await campaign.call('GET', '/v1/me', { key })).body as {
          member: { id: string; name: string };
        };
        return { key, role, organizationId: organization.id, memberId: me.member.id, name: me.member.name };
      };
      const admin = await person('admin', organization.adminKey);
      const approver = await person(
        'approver',
        await campaign.member(organization.id, organization.adminKey, 'approver'),
      );
      const officer = await person(
        'field-officer',
        await campaign.member(organization.id, organization.adminKey, 'field-officer'),
      );
      // The disbursement service knows people from the campaign service's events: until then their keys are unknown there.
      for (const known of [admin, approver, officer]) {
        await eventually(
          async () =>
            expect((await toDisbursement('GET', `/v1/disbursements/${newId()}`, known.key)).status).toBe(404),
          { timeoutMs: 30_000 },
        );
      }
      return { organizationId: organization.id, admin, approver, officer };
    },
    async fundedCampaign(admin, raised, approvalThreshold) {
      const created = await campaign.campaign(admin.key);
      if (approvalThreshold !== undefined) {
        // Set before publishing, so the published campaign the disbursement service learns already carries it.
        expect(
          (
            await campaign.call('PATCH', `/v1/campaigns/${created.id}`, {
              key: admin.key,
              body: { approvalThreshold },
            })
          ).status,
        ).toBe(200);
      }
      expect(
        (await campaign.call('POST', `/v1/campaigns/${created.id}/publish`, { key: admin.key })).status,
      ).toBe(200);
      // The disbursement service learns of the campaign and its members from the campaign service's events.
      const funds = async () => toDisbursement('GET', `/v1/campaigns/${created.id}/funds`, admin.key);
      await eventually(async () => expect((await funds()).status).toBe(200), { timeoutMs: 30_000 });
      // A gift as the donation service announces it, delivered twice as Kafka may.
      const gift = giftSucceeded(created.id, { amount: raised, fee: Math.round(raised * 0.032) });
      const message = { key: gift.subject, value: JSON.stringify(gift) };
      await publishRaw(testEndpoints().kafkaBrokers, topics.donation, [message, message]);
      await eventually(async () => expect(((await funds()).body as { raised: number }).raised).toBe(raised));
      return { id: created.id, title: created.title };
    },
    async paidGift(campaignId, amount, fee) {
      if (!donation)
        throw new Error('the donation service was not started: startMoneyUnderTest({ donation: true })');
      const { url, webhookSecret } = donation;
      // The donation service learns of the campaign from the campaign service's events, then takes gifts to it.
      const created = await eventually(
        async () => {
          const answer = await call(`${url}/v1/donations`, 'POST', undefined, {
            campaignId,
            amount,
            currency: 'USD',
            donor: { email: `donor.${randomBytes(3).toString('hex')}@example.org`, name: 'Amina Yusuf' },
          });
          expect(answer.status).toBe(201);
          return answer.body as { donationId: string; receiptCode: string };
        },
        { timeoutMs: 45_000 },
      );
      const payload = JSON.stringify(
        succeededWithFee(created.donationId, { amount, fee, chargeId: newStripeId('ch') }),
      );
      const delivered = await fetch(`${url}/v1/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signStripeWebhook(payload, webhookSecret),
        },
        body: payload,
      });
      expect(delivered.status).toBe(200);
      // 200 means the webhook is kept; the gift changes once the service has processed it, as its donor sees.
      await eventually(async () => {
        const view = await fetch(`${url}/v1/donations/${created.donationId}`, {
          headers: { 'x-receipt-code': created.receiptCode },
        });
        expect((await view.json()) as unknown).toMatchObject({ status: 'succeeded', fee });
      });
      return { donationId: created.donationId };
    },
    sessionOf(person) {
      return {
        token: person.key,
        memberId: person.memberId,
        name: person.name,
        email: null,
        role: person.role,
        organizationId: person.organizationId,
        organizationName: 'Sindh Relief Diaspora UK',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        lastSeenAt: new Date().toISOString(),
      };
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([campaign.stop(), disbursement.stop(), donation?.stop()]);
    },
  };
}
