import { randomBytes, randomUUID } from 'node:crypto';
import { envelope, newId } from '@aid/contracts';
import { eventually, platformClient, publishRaw, type PlatformClient } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectReconciled,
  expectSummarySettles,
  GiftTraffic,
  LogMonitor,
  openCampaign,
  sleep,
  untilAnswered,
  type CampaignTeam,
  type SpentFigures,
} from './harness/gift-traffic.ts';
import { startRestartableInfra, type RestartableInfra } from './harness/restartable-infra.ts';
import {
  startServiceProcesses,
  type ServiceName,
  type ServiceProcesses,
} from './harness/service-processes.ts';

/**
 * Faults while money flows, on a platform of its own (every service a process, its own Kafka broker and
 * database): processes killed with SIGKILL, the broker killed and restarted, the database killed and restarted,
 * and two instances of the donation, disbursement and ledger services sharing their consumer groups. After each: every
 * gift Stripe was told we received is in the public ledger exactly once with the right money, the ledger agrees
 * with each service's own totals, and the campaign's log is an extension of what a monitor saw before the fault.
 */
describe('faults while money flows', () => {
  let infra: RestartableInfra;
  let platform: ServiceProcesses;
  let api: PlatformClient;

  beforeAll(async () => {
    infra = await startRestartableInfra();
    platform = await startServiceProcesses({
      // A member killed without leaving holds its partitions for the session timeout: 6 s keeps the test short.
      env: {
        ...infra.env,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        RECONCILE_INTERVAL_MS: '5000',
        RECONCILE_GRACE_MS: '2000',
        // A donation instance that dies for good leaves its inbox to the other after this (and its minute).
        INBOX_ORPHAN_AFTER_MS: '5000',
      },
    });
    api = platformClient(platform.urls, platform.secrets);
  });

  afterAll(async () => {
    await platform?.stop();
    await infra?.stop();
  });

  /** Opens a campaign with a first gift recorded and seen by a monitor, starts donors giving, runs the fault, and checks. */
  async function underTraffic(
    name: string,
    fault: (team: CampaignTeam, traffic: GiftTraffic) => Promise<SpentFigures>,
    /** Donors' requests and Stripe's confirmations go to these in turn (instances of the donation service). */
    donationClients: PlatformClient[] = [api],
  ) {
    const team = await openCampaign(api, name);
    let turn = 0;
    const traffic = new GiftTraffic(
      () => donationClients[turn++ % donationClients.length] ?? api,
      team.campaignId,
    );
    // The donation service learns of the published campaign from its event.
    await eventually(() => traffic.give(), { timeoutMs: 60_000, intervalMs: 500 });
    const monitor = new LogMonitor(platform.urls.ledger, team.campaignId);
    await expectSummarySettles(api, team.campaignId, traffic, {
      allocated: 0,
      paidOut: 0,
      delivered: 0,
      beneficiaries: 0,
    });
    const sizeBefore = await monitor.look();

    traffic.start();
    const spent = await fault(team, traffic).finally(() => traffic.stop());

    expect(traffic.acknowledged.size).toBeGreaterThan(3);
    await expectSummarySettles(api, team.campaignId, traffic, spent);
    await expectReconciled(api, platform.urls.ledger);
    expect(await monitor.look()).toBeGreaterThan(sizeBefore);
  }

  /**
   * A disbursement requested, approved, paid out and delivered, each step retried until a service answers, with
   * one Idempotency-Key per step as a careful client sends: an answer lost in a fault must not double the step.
   */
  async function spend(
    team: CampaignTeam,
    amount: number,
    between: { afterApproval?: () => Promise<void>; afterPayout?: () => Promise<void> } = {},
  ) {
    const once = () => ({ idempotencyKey: randomUUID() });
    await untilAnswered(
      async () =>
        expect((await api.funds(team.admin, team.campaignId)).available).toBeGreaterThanOrEqual(amount),
      'funds',
    );
    const requestOnce = once();
    const request = await untilAnswered(
      () =>
        api.requestDisbursement(
          team.officer,
          {
            campaignId: team.campaignId,
            amount,
            currency: 'USD',
            recipient: { name: 'Jérémie Water Committee', country: 'HT', local: true },
            purpose: 'Water filters',
            sector: 'WASH',
          },
          requestOnce,
        ),
      'disbursement request',
    );
    const approvalOnce = once();
    await untilAnswered(
      () => api.approve(team.approver, request.id, 'checked the quotes', approvalOnce),
      'approval',
    );
    await between.afterApproval?.();
    const payoutOnce = once();
    await untilAnswered(
      () => api.payout(team.admin, request.id, `BRH-${request.id.slice(-6)}`, payoutOnce),
      'payout',
    );
    await between.afterPayout?.();
    const deliveryOnce = once();
    await untilAnswered(
      () =>
        api.reportDelivery(
          team.officer,
          request.id,
          {
            deliveredAt: '2026-11-20T10:00:00Z',
            beneficiaries: 120,
            description: '60 household water filters',
            location: { country: 'HT', area: 'Jérémie' },
            evidence: [],
          },
          deliveryOnce,
        ),
      'delivery report',
    );
    return { allocated: amount, paidOut: amount, delivered: amount, beneficiaries: 120 };
  }

  it('when each service in turn is killed with SIGKILL and started again, and the ledger dies during a disbursement, then nothing is lost or doubled', async () => {
    await underTraffic('Crash test association', async (team) => {
      for (const victim of ['donation', 'ledger', 'disbursement', 'campaign'] satisfies ServiceName[]) {
        await sleep(1_000);
        await platform.kill(victim);
        await sleep(500);
        await platform.restart(victim);
      }
      const crashLedger = async () => {
        await platform.kill('ledger');
        await platform.restart('ledger');
      };
      return spend(team, 3_000, { afterApproval: crashLedger, afterPayout: crashLedger });
    });
  });

  it('when the Kafka broker is killed and restarted while gifts and a disbursement flow, then nothing is lost or doubled', async () => {
    await underTraffic('Broker restart association', async (team) => {
      await sleep(1_500);
      await infra.killBroker();
      // Gifts keep being acknowledged while the broker is away: their events wait in the services' outboxes.
      await sleep(5_000);
      await infra.startBroker();
      return spend(team, 3_000);
    });
  });

  it('when the database is killed and restarted while gifts and a disbursement flow, then nothing is lost or doubled', async () => {
    await underTraffic('Database restart association', async (team) => {
      await sleep(1_500);
      await infra.killDatabase();
      await sleep(3_000);
      await infra.startDatabase();
      return spend(team, 3_000);
    });
  });

  it('when two instances of the donation, disbursement and ledger services share their database and consumer groups, and one of each dies, then approvals never overspend and nothing is lost or doubled', async () => {
    const disbursement = await platform.addInstance('disbursement');
    const ledger = await platform.addInstance('ledger');
    const donation = await platform.addInstance('donation');
    // Each gift is started and confirmed through both donation instances in turn.
    const viaSecondDonation = platformClient({ ...platform.urls, donation: donation.url }, platform.secrets);
    try {
      await underTraffic(
        'Two instances association',
        async (team, traffic) => {
          await untilAnswered(
            async () =>
              expect((await api.funds(team.admin, team.campaignId)).available).toBeGreaterThanOrEqual(10_000),
            'funds',
            180_000,
          );
          const available = (await api.funds(team.admin, team.campaignId)).available;
          // Twenty approvals at once through both instances, each for a third of what is available: three can pass.
          const second = platformClient(
            { ...platform.urls, disbursement: disbursement.url },
            platform.secrets,
          );
          const third = Math.floor(available / 3);
          const requests = await Promise.all(
            Array.from({ length: 20 }, (_, index) =>
              untilAnswered(
                () =>
                  (index % 2 === 0 ? api : second).requestDisbursement(team.officer, {
                    campaignId: team.campaignId,
                    amount: third,
                    currency: 'USD',
                    recipient: { name: `Partner ${index}`, country: 'HT', local: index % 3 === 0 },
                    purpose: 'Food parcels',
                    sector: 'Food Security',
                  }),
                `request ${index}`,
              ),
            ),
          );
          const outcomes = await Promise.all(
            requests.map((request, index) =>
              (index % 2 === 0 ? api : second)
                .approve(index % 4 < 2 ? team.approver : team.secondApprover, request.id, 'ok')
                .then(
                  () => 'approved',
                  (error: { status?: number }) => error.status,
                ),
            ),
          );
          // Gifts keep arriving, so a fourth may find money by the time it runs; never more than the account holds.
          const approved = outcomes.filter((outcome) => outcome === 'approved').length;
          expect(approved).toBeGreaterThanOrEqual(3);
          expect(outcomes.filter((outcome) => outcome !== 'approved').every((status) => status === 409)).toBe(
            true,
          );
          const funds = await api.funds(team.admin, team.campaignId);
          expect(funds.available).toBeGreaterThanOrEqual(0);
          expect(approved * third).toBeLessThanOrEqual(funds.net);

          // One instance of each dies; the other takes over their partitions, and the donation inbox it leaves.
          await disbursement.kill();
          await ledger.kill();
          await donation.kill();
          await sleep(2_000);
          expect(traffic.acknowledged.size).toBeGreaterThan(0);
          return { allocated: approved * third, paidOut: 0, delivered: 0, beneficiaries: 0 };
        },
        [api, viaSecondDonation],
      );
    } finally {
      await disbursement.stop();
      await ledger.stop();
      await donation.stop();
    }
  });

  // Last: the planted gift stays a difference for good, as it should.
  it('when a gift the donation service never took is planted on its topic, then reconciliation reports the difference by endpoint and metric', async () => {
    const team = await openCampaign(api, 'Planted difference association');
    const traffic = new GiftTraffic(() => api, team.campaignId);
    await eventually(() => traffic.give(), { timeoutMs: 60_000, intervalMs: 500 });
    await expectSummarySettles(api, team.campaignId, traffic, {
      allocated: 0,
      paidOut: 0,
      delivered: 0,
      beneficiaries: 0,
    });

    const forged = envelope({
      type: 'org.diaspora-aid.donation.succeeded',
      source: '/services/donation',
      subject: team.campaignId,
      time: new Date(),
      data: {
        donationId: newId(),
        campaignId: team.campaignId,
        receiptHash: randomBytes(32).toString('hex'),
        donor: {
          publicRef: `d_${randomBytes(12).toString('hex')}`,
          displayName: null,
          countryOfResidence: null,
          countryOfHeritage: null,
        },
        amount: 7_700,
        fee: 0,
        net: 7_700,
        currency: 'USD',
        interval: 'once',
        succeededAt: new Date().toISOString(),
      },
    });
    await publishRaw([infra.env.KAFKA_BROKERS], 'donation.events.v1', [
      { key: team.campaignId, value: JSON.stringify(forged) },
    ]);

    const report = await eventually(
      async () => {
        const current = await api.call<{
          differences: {
            campaignId: string;
            source: string;
            field: string;
            ledger: number;
            service: number;
          }[];
        }>('GET', `${platform.urls.ledger}/v1/reconciliation?fresh=true`);
        expect(
          current.differences.filter(
            (difference) => difference.campaignId === team.campaignId && difference.field === 'raised',
          ),
        ).toEqual([
          expect.objectContaining({
            source: 'donation',
            ledger: traffic.raised + 7_700,
            service: traffic.raised,
          }),
        ]);
        return current;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(
      report.differences.every(
        (difference) => difference.campaignId === team.campaignId && difference.source === 'donation',
      ),
    ).toBe(true);
    const metrics = await (
      await fetch(`${platform.metricsUrls.ledger}/metrics`, {
        headers: { authorization: `Bearer ${platform.secrets.metricsToken}` },
      })
    ).text();
    expect(metrics).toMatch(
      new RegExp(
        `aid_reconciliation_differences\\{[^}]*source="donation"[^}]*\\} ${report.differences.length}\\b`,
      ),
    );
  });
});
