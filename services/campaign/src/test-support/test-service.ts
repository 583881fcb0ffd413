import { randomBytes } from 'node:crypto';
import { startService, type RunningService } from '@aid/runtime';
import { limitsOutOfTheWay, testEndpoints, uniqueName } from '@aid/test-kit';
import type { z } from 'zod';
import { buildApp, type AppConfig } from '../app.ts';
import { loadConfig } from '../config.ts';
import {
  campaignResponse,
  newMemberResponse,
  problemResponse,
  registeredOrganizationResponse,
} from '../http/schemas.ts';

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** The problem document of an error answer, checked to be one. */
export function problemOf(answer: Answer): z.infer<typeof problemResponse> {
  if (!answer.contentType.startsWith('application/problem+json'))
    throw new Error(`not a problem answer: ${answer.contentType} ${JSON.stringify(answer.body)}`);
  return problemResponse.parse(answer.body);
}

export interface CallOptions {
  key?: string | undefined;
  body?: unknown;
  /** Sent as is, for malformed-JSON and content-type checks. */
  rawBody?: string;
  contentType?: string;
}

export interface TestService {
  service: RunningService;
  platformKey: string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Registers an organization and returns its id and its admin's key. */
  organization(name?: string): Promise<{ id: string; adminKey: string }>;
  member(
    organizationId: string,
    adminKey: string,
    role: 'admin' | 'approver' | 'field-officer',
  ): Promise<string>;
  campaign(adminKey: string, overrides?: Partial<CampaignInput>): Promise<z.infer<typeof campaignResponse>>;
  stop(): Promise<void>;
}

export interface CampaignInput {
  title: string;
  summary: string;
  goal: { amount: number; currency: string };
  crisis: { kind: string; countries: string[]; glide?: string };
}

export function campaignInput(overrides: Partial<CampaignInput> = {}): CampaignInput {
  return {
    title: 'Pakistan floods: clean water for Sindh',
    summary: 'Water filters and hygiene kits for families displaced by the floods.',
    goal: { amount: 5_000_000, currency: 'USD' },
    crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
    ...overrides,
  };
}

/** The service in-process on a free port, with its own database and consumer-group prefix. */
export async function startTestService(
  env: Record<string, string> = {},
  extra: Pick<AppConfig, 'mailer'> = {},
): Promise<TestService> {
  const endpoints = testEndpoints();
  const platformKey = `platform-${randomBytes(24).toString('hex')}`;
  const config = loadConfig({
    PORT: '0',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    KAFKA_GROUP_PREFIX: `${uniqueName('campaign-test')}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'warn',
    PLATFORM_ADMIN_KEY: platformKey,
    ...limitsOutOfTheWay,
    ...env,
  });
  const service = await startService({
    name: 'campaign',
    config,
    dbName: uniqueName('campaign'),
    build: (deps) => buildApp(deps, { ...config, ...extra }),
  });

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    return {
      status: response.status,
      contentType,
      body: text && contentType.includes('json') ? (JSON.parse(text) as unknown) : text,
    };
  }

  function expectStatus(answer: Answer, status: number, what: string): void {
    if (answer.status !== status)
      throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  return {
    service,
    platformKey,
    call,
    async organization(name = 'Sindh Relief Diaspora UK') {
      const answer = await call('POST', '/v1/organizations', {
        key: platformKey,
        body: {
          name,
          country: 'GB',
          kind: 'diaspora-association',
          admin: { name: 'Amina Shah', email: `amina.${randomBytes(3).toString('hex')}@example.org` },
        },
      });
      expectStatus(answer, 201, 'register organization');
      const registered = registeredOrganizationResponse.parse(answer.body);
      return { id: registered.id, adminKey: registered.apiKey };
    },
    async member(organizationId, adminKey, role) {
      const answer = await call('POST', `/v1/organizations/${organizationId}/members`, {
        key: adminKey,
        body: { name: `A ${role}`, email: `${role}.${randomBytes(3).toString('hex')}@example.org`, role },
      });
      expectStatus(answer, 201, `add ${role}`);
      return newMemberResponse.parse(answer.body).apiKey;
    },
    async campaign(adminKey, overrides = {}) {
      const answer = await call('POST', '/v1/campaigns', { key: adminKey, body: campaignInput(overrides) });
      expectStatus(answer, 201, 'create campaign');
      return campaignResponse.parse(answer.body);
    },
    stop: () => service.stop(),
  };
}
