import { randomBytes } from 'node:crypto';
import { startCampaignProcess } from '@aid/test-kit/service-processes';

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

export interface CallOptions {
  key?: string | undefined;
  body?: unknown;
}

/** The campaign service as a process, and the calls the console's tests make to it directly. */
export interface CampaignUnderTest {
  url: string;
  platformKey: string;
  /** Its database's name, for a test that reads it through its own connection. */
  database: string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Registers an organization and returns its id and its admin's key. */
  organization(name?: string): Promise<{ id: string; adminKey: string }>;
  /** Adds a member with the role and returns their API key. */
  member(
    organizationId: string,
    adminKey: string,
    role: 'admin' | 'approver' | 'field-officer',
  ): Promise<string>;
  /** Creates a draft campaign of the organization whose admin `adminKey` is. */
  campaign(adminKey: string): Promise<{ id: string; title: string }>;
  stop(): Promise<void>;
}

/** Starts the campaign service as a process; `env` adds to its settings (mail, the console's address). */
export async function startCampaignUnderTest(env: Record<string, string> = {}): Promise<CampaignUnderTest> {
  const service = await startCampaignProcess(env);

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers['authorization'] = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    return {
      status: response.status,
      contentType,
      body: text && contentType.includes('json') ? (JSON.parse(text) as unknown) : text,
    };
  }

  async function expectCreated(answer: Promise<Answer>, what: string): Promise<unknown> {
    const { status, body } = await answer;
    if (status !== 201) throw new Error(`${what}: expected 201, got ${status} ${JSON.stringify(body)}`);
    return body;
  }

  return {
    url: service.url,
    platformKey: service.platformKey,
    database: service.database,
    call,
    async organization(name = 'Sindh Relief Diaspora UK') {
      const registered = (await expectCreated(
        call('POST', '/v1/organizations', {
          key: service.platformKey,
          body: {
            name,
            country: 'GB',
            kind: 'diaspora-association',
            admin: { name: 'Amina Shah', email: `amina.${randomBytes(3).toString('hex')}@example.org` },
          },
        }),
        'register organization',
      )) as { id: string; apiKey: string };
      return { id: registered.id, adminKey: registered.apiKey };
    },
    async member(organizationId, adminKey, role) {
      const added = (await expectCreated(
        call('POST', `/v1/organizations/${organizationId}/members`, {
          key: adminKey,
          body: { name: `A ${role}`, email: `${role}.${randomBytes(3).toString('hex')}@example.org`, role },
        }),
        `add ${role}`,
      )) as { apiKey: string };
      return added.apiKey;
    },
    async campaign(adminKey) {
      return (await expectCreated(
        call('POST', '/v1/campaigns', {
          key: adminKey,
          body: {
            title: 'Pakistan floods: clean water for Sindh',
            summary: 'Water filters and hygiene kits for families displaced by the floods.',
            goal: { amount: 5_000_000, currency: 'USD' },
            crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
          },
        }),
        'create campaign',
      )) as { id: string; title: string };
    },
    stop: () => service.stop(),
  };
}
