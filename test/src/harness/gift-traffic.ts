import type { MonitorState } from '@aid/log-verifier';
import { auditOnce, httpClient } from '@aid/log-verifier/audit';
import { eventually, type PlatformClient } from '@aid/test-kit';
import { expect } from 'vitest';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks until the service answers, as Stripe retries a webhook and a person retries a button: a dead service, a
 * 5xx, a timeout or "this Idempotency-Key is still being worked on" is not an answer; any other 4xx is, and
 * fails the test.
 */
export async function untilAnswered<T>(
  attempt: () => Promise<T>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const { status, body } = error as { status?: number; body?: { code?: string } };
      if (status !== undefined && status < 500 && body?.code !== 'idempotency-key-in-use') throw error;
      if (Date.now() > deadline) throw new Error(`${what} never succeeded`, { cause: error });
      await sleep(250);
    }
  }
}

export const GIFT_FEE = 59;

export interface CampaignTeam {
  campaignId: string;
  admin: string;
  approver: string;
  secondApprover: string;
  officer: string;
}

/** An organization with its admin, two approvers and a field officer, and a published campaign. */
export async function openCampaign(api: PlatformClient, name: string): Promise<CampaignTeam> {
  const organization = await untilAnswered(
    () => api.createOrganization({ name, country: 'CA', kind: 'diaspora-association' }),
    'organization',
  );
  const admin = organization.apiKey;
  const member = (role: string, person: string) =>
    untilAnswered(
      () =>
        api.addMember(organization.id, admin, {
          name: person,
          email: `${person.split(' ')[0]?.toLowerCase()}@example.org`,
          role,
        }),
      person,
    );
  const approver = (await member('approver', 'Nadia Pierre')).apiKey;
  const secondApprover = (await member('approver', 'Joseph Baptiste')).apiKey;
  const officer = (await member('field-officer', 'Luc Etienne')).apiKey;
  const { id: campaignId } = await untilAnswered(
    () =>
      api.createCampaign(admin, {
        title: `${name}: hurricane recovery in Jérémie`,
        summary: 'Roof repairs and water for families in the Grand Anse.',
        goal: { amount: 50_000_000, currency: 'USD' },
        crisis: { kind: 'storm', countries: ['HT'] },
      }),
    'campaign',
  );
  await untilAnswered(() => api.publishCampaign(admin, campaignId), 'publication');
  return { campaignId, admin, approver, secondApprover, officer };
}

/**
 * Donors giving one after another, each payment confirmed by Stripe twice. A gift is counted as acknowledged
 * once Stripe's webhook got a 2xx: from then on the platform owes it to the record exactly once.
 */
export class GiftTraffic {
  readonly acknowledged = new Map<string, number>();
  private next = 0;
  private flowing = false;
  private running: Promise<void> | undefined;
  private readonly api: () => PlatformClient;
  private readonly campaignId: string;

  constructor(api: () => PlatformClient, campaignId: string) {
    this.api = api;
    this.campaignId = campaignId;
  }

  async give(): Promise<void> {
    const index = this.next++;
    const amount = 1_000 + ((index * 379) % 4_000);
    const donation = await untilAnswered(
      () =>
        this.api().donate({
          campaignId: this.campaignId,
          amount,
          currency: 'USD',
          donor: { email: `donor${index}@example.org`, name: `Donor ${index}` },
          showName: false,
          geographyConsent: true,
          countryOfResidence: 'CA',
          countryOfHeritage: 'HT',
          interval: 'once',
        }),
      `gift ${index}`,
    );
    const confirm = () =>
      this.api().confirmPayment({ donationId: donation.donationId, amount, currency: 'USD', fee: GIFT_FEE });
    await untilAnswered(confirm, `confirmation of gift ${index}`);
    this.acknowledged.set(donation.donationId, amount);
    await untilAnswered(confirm, `second confirmation of gift ${index}`);
  }

  start(): void {
    this.flowing = true;
    this.running = (async () => {
      while (this.flowing) await this.give();
    })();
  }

  async stop(): Promise<void> {
    this.flowing = false;
    await this.running;
  }

  get raised(): number {
    return [...this.acknowledged.values()].reduce((total, amount) => total + amount, 0);
  }
}

/** A campaign's disbursed money and the people it reached, as its public summary must show them. */
export interface SpentFigures {
  allocated: number;
  paidOut: number;
  delivered: number;
  beneficiaries: number;
}

/** What a campaign's public summary must come to once every acknowledged gift and disbursement step is recorded. */
export async function expectSummarySettles(
  api: PlatformClient,
  campaignId: string,
  traffic: GiftTraffic,
  spent: SpentFigures,
): Promise<void> {
  const gifts = traffic.acknowledged.size;
  await eventually(
    async () => {
      expect(await api.summary(campaignId)).toMatchObject({
        gifts,
        raised: traffic.raised,
        fees: GIFT_FEE * gifts,
        net: traffic.raised - GIFT_FEE * gifts,
        ...spent,
      });
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  // Late redeliveries must not add anything once the figures are right.
  await sleep(2_000);
  expect(await api.summary(campaignId)).toMatchObject({ gifts, raised: traffic.raised });
}

/**
 * The ledger's comparison with the donation and disbursement services' own totals finds nothing amiss, and the
 * public record keeps every conservation rule.
 */
export async function expectReconciled(api: PlatformClient, ledgerUrl: string): Promise<void> {
  await eventually(
    async () => {
      const report = await api.call<{
        status: string;
        sources: string[];
        differences: unknown[];
        breaches: unknown[];
        unreachable: unknown[];
      }>('GET', `${ledgerUrl}/v1/reconciliation?fresh=true`);
      expect(report).toMatchObject({
        status: 'clean',
        sources: ['donation', 'disbursement'],
        differences: [],
        breaches: [],
        unreachable: [],
      });
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );
}

/**
 * A monitor of one campaign's log, as an outside verifier would run it: each look checks the signed checkpoint
 * and that the log only grew since the checkpoint it saw last.
 */
export class LogMonitor {
  private state: MonitorState | null = null;
  private readonly ledgerUrl: string;
  private readonly campaignId: string;

  constructor(ledgerUrl: string, campaignId: string) {
    this.ledgerUrl = ledgerUrl;
    this.campaignId = campaignId;
  }

  async look(): Promise<number> {
    const result = await auditOnce(
      { ledgerUrl: this.ledgerUrl, campaignId: this.campaignId, key: null, entries: [] },
      this.state,
      httpClient(this.ledgerUrl),
      () => new Date(),
    );
    expect(result.alerts).toEqual([]);
    this.state = result.state ?? this.state;
    return this.state?.checkpoint?.size ?? 0;
  }
}
