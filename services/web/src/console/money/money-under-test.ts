import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId, topics } from '@aid/contracts';
import { startTestService, type TestService } from '@aid/campaign-service/test-support/test-service.ts';
import {
  giftSucceeded,
  publishTwice,
  startServiceUnderTest,
  type ServiceUnderTest,
} from '@aid/disbursement-service/test-support/service-under-test.ts';
import { createLogger } from '@aid/telemetry';
import { eventually } from '@aid/test-kit';
import { expect } from 'vitest';
import { buildWebApp } from '../../app.ts';
import { campaignClient } from '../../campaign-client.ts';
import { formGuard } from '../../http/form-guard.ts';
import type { LedgerClient } from '../../ledger-client.ts';
import { consoleSessions, type ConsoleSession, type ConsoleSessions } from '../console-session.ts';

export { catchUpTimeoutMs } from '@aid/disbursement-service/test-support/service-under-test.ts';

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

export interface MoneyUnderTest {
  web: string;
  campaign: TestService;
  disbursement: ServiceUnderTest;
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
  /** The console session a sign-in would give the person (their API key as the bearer). */
  sessionOf(person: Person): ConsoleSession;
  stop(): Promise<void>;
}

/** The web with its console in front of real campaign and disbursement services in-process, and the donation service when given. */
export async function startMoneyUnderTest(services: { donation?: string } = {}): Promise<MoneyUnderTest> {
  const disbursement = await startServiceUnderTest();
  const campaign = await startTestService();
  const secret = randomBytes(32);
  const sessions = consoleSessions(secret);
  const app = buildWebApp({
    ledger: noLedger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns: campaignClient(campaign.service.url),
    console: {
      sessions,
      forms: formGuard(secret),
      services: {
        campaign: campaign.service.url,
        donation: services.donation ?? 'http://127.0.0.1:9',
        disbursement: disbursement.service.url,
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
    disbursement,
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
            expect((await disbursement.call('GET', `/v1/disbursements/${newId()}`, known.key)).status).toBe(
              404,
            ),
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
      const funds = async () => disbursement.call('GET', `/v1/campaigns/${created.id}/funds`, admin.key);
      await eventually(async () => expect((await funds()).status).toBe(200), { timeoutMs: 30_000 });
      await publishTwice(topics.donation, [
        giftSucceeded(created.id, { amount: raised, fee: Math.round(raised * 0.032) }),
      ]);
      await eventually(async () => expect(((await funds()).body as { raised: number }).raised).toBe(raised));
      return { id: created.id, title: created.title };
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
      await campaign.stop();
      await disbursement.stop();
    },
  };
}
