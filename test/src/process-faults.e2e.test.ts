import type { MonitorState } from '@aid/log-verifier';
import { auditOnce, httpClient } from '@aid/log-verifier/audit';
import { eventually, platformClient, type PlatformClient } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcesses, type ServiceName, type ServiceProcesses } from './harness/service-processes.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks until the service answers, as Stripe retries a webhook and a person retries a button: a dead service is not an answer. */
async function untilAnswered<T>(attempt: () => Promise<T>, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== undefined && status < 500) throw error;
      if (Date.now() > deadline) throw new Error(`${what} never succeeded`, { cause: error });
      await sleep(200);
    }
  }
}

/**
 * Crashes: each service in turn is killed with SIGKILL (no shutdown hook runs: outbox messages half published,
 * consumer offsets uncommitted, approvals half done) while gifts keep arriving, then started again. Afterwards
 * every acknowledged gift must be in the ledger exactly once, the ledger must agree with the services' own
 * totals, and the campaign's log must still be an extension of what a monitor saw before the crashes.
 */
describe('when services are killed and restarted while money flows', () => {
  let platform: ServiceProcesses;
  let api: PlatformClient;
  let admin: string;
  let approver: string;
  let officer: string;
  let campaignId: string;
  let monitor: MonitorState | null = null;
  const acknowledged = new Map<string, number>();

  const audit = async () => {
    const result = await auditOnce({ ledgerUrl: platform.urls.ledger, campaignId, key: null, entries: [] }, monitor, httpClient(platform.urls.ledger), () => new Date());
    expect(result.alerts).toEqual([]);
    monitor = result.state ?? monitor;
    return result;
  };

  /** One donor's gift, confirmed by Stripe twice; counted once Stripe's webhook was acknowledged. */
  const give = async (index: number) => {
    const amount = 1_000 + ((index * 379) % 4_000);
    const donation = await untilAnswered(
      () => api.donate({ campaignId, amount, currency: 'USD', donor: { email: `crash${index}@example.org`, name: `Donor ${index}` }, showName: false, countryOfResidence: 'CA', countryOfHeritage: 'HT', interval: 'once' }),
      `gift ${index}`,
    );
    await untilAnswered(() => api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD', fee: 59 }), `confirmation of gift ${index}`);
    acknowledged.set(donation.donationId, amount);
    await untilAnswered(() => api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD', fee: 59 }), `second confirmation of gift ${index}`);
  };

  beforeAll(async () => {
    platform = await startServiceProcesses();
    api = platformClient(platform.urls, platform.secrets);
    const organization = await api.createOrganization({ name: 'Montreal Haitian Mutual Aid', country: 'CA', kind: 'diaspora-association' });
    admin = organization.apiKey;
    approver = (await api.addMember(organization.id, admin, { name: 'Nadia Pierre', email: 'nadia@example.org', role: 'approver' })).apiKey;
    officer = (await api.addMember(organization.id, admin, { name: 'Luc Etienne', email: 'luc@example.org', role: 'field-officer' })).apiKey;
    campaignId = (
      await api.createCampaign(admin, {
        title: 'Hurricane recovery in Jérémie',
        summary: 'Roof repairs and water for families in the Grand Anse.',
        goal: { amount: 5_000_000, currency: 'USD' },
        crisis: { kind: 'storm', countries: ['HT'] },
      })
    ).id;
    await api.publishCampaign(admin, campaignId);
    await eventually(() => give(0), { timeoutMs: 30_000, intervalMs: 250 });
    await eventually(async () => expect((await api.summary(campaignId)).gifts).toBe(1), { timeoutMs: 30_000 });
    await audit();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('then no gift is lost or counted twice, the totals reconcile and the log only grew', async () => {
    let next = 1;
    let flowing = true;
    const traffic = (async () => {
      while (flowing) await give(next++);
    })();

    for (const victim of ['donation', 'ledger', 'disbursement', 'campaign'] satisfies ServiceName[]) {
      await sleep(1_500);
      await platform.kill(victim);
      await sleep(500);
      await platform.restart(victim);
    }

    // An approval, a payout and a delivery while the ledger is killed mid-way through recording them.
    await eventually(async () => expect((await api.funds(admin, campaignId)).available).toBeGreaterThan(3_000), { timeoutMs: 60_000 });
    const request = await untilAnswered(
      () => api.requestDisbursement(officer, { campaignId, amount: 3_000, currency: 'USD', recipient: { name: 'Jérémie Water Committee', country: 'HT', local: true }, purpose: 'Water filters', sector: 'WASH' }),
      'disbursement request',
    );
    await untilAnswered(() => api.approve(approver, request.id, 'checked the quotes'), 'approval');
    await platform.kill('ledger');
    await untilAnswered(() => api.payout(admin, request.id, 'BRH-2026-0042'), 'payout');
    await platform.restart('ledger');
    await untilAnswered(
      () => api.reportDelivery(officer, request.id, { deliveredAt: '2026-11-20T10:00:00Z', beneficiaries: 120, description: '60 household water filters', location: { country: 'HT', area: 'Jérémie' }, evidence: [] }),
      'delivery report',
    );

    flowing = false;
    await traffic;
    const raised = [...acknowledged.values()].reduce((total, amount) => total + amount, 0);
    expect(acknowledged.size).toBeGreaterThan(5);

    const summary = await eventually(
      async () => {
        const current = await api.summary(campaignId);
        expect(current).toMatchObject({ gifts: acknowledged.size, raised, fees: 59 * acknowledged.size, allocated: 3_000, paidOut: 3_000, delivered: 3_000 });
        return current;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(summary.net).toBe(raised - 59 * acknowledged.size);

    const report = await eventually(
      async () => {
        const current = await api.call<{ differences: unknown[]; unreachable: { source: string }[] }>('GET', `${platform.urls.ledger}/v1/reconciliation?fresh=true`);
        expect(current.differences).toEqual([]);
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(report).toMatchObject({ sources: ['donation', 'disbursement'] });
    expect(report.unreachable.filter((miss) => miss.source === 'disbursement')).toEqual([]);

    // The monitor's baseline from before the crashes: the new checkpoint must be consistent with it.
    const after = await audit();
    expect(after.state?.checkpoint?.size).toBeGreaterThan(acknowledged.size);
  });
});
