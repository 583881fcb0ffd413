import { disbursementEventSchema, envelope, newId, type AnyEvent } from '@aid/contracts';
import { eventually, platformClient, publishRaw, type PlatformClient } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectReconciled,
  expectSummarySettles,
  GIFT_FEE,
  GiftTraffic,
  openCampaign,
  type CampaignTeam,
} from './harness/gift-traffic.ts';
import { startRestartableInfra, type RestartableInfra } from './harness/restartable-infra.ts';
import { startServiceProcesses, type ServiceProcesses } from './harness/service-processes.ts';

interface Breach {
  campaignId: string;
  invariant: string;
  donationId?: string;
  value: number;
  limit: number;
}

/**
 * Breaches of the conservation rules planted on the public record: forged, schema-valid events on the
 * disbursement topic (as a faulty or compromised disbursement service would publish them) that allocate more than
 * a campaign's net, pay out more than was allocated, deliver more than was paid out, and allocate one gift beyond
 * its net while the campaign holds enough. The ledger records them faithfully; its reconciliation must report
 * each, by endpoint and metric, and report clean before any was planted.
 */
describe('breaches of the conservation rules on the public record', () => {
  let infra: RestartableInfra;
  let platform: ServiceProcesses;
  let api: PlatformClient;

  beforeAll(async () => {
    infra = await startRestartableInfra();
    platform = await startServiceProcesses({
      env: { ...infra.env, RECONCILE_INTERVAL_MS: '5000', RECONCILE_GRACE_MS: '2000' },
    });
    api = platformClient(platform.urls, platform.secrets);
  });

  afterAll(async () => {
    await platform?.stop();
    await infra?.stop();
  });

  /** A campaign with a few real gifts (through Stripe's webhooks), all on the public record. */
  async function campaignWithGifts(name: string, gifts: number) {
    const team = await openCampaign(api, name);
    const traffic = new GiftTraffic(() => api, team.campaignId);
    await eventually(() => traffic.give(), { timeoutMs: 60_000, intervalMs: 500 });
    for (let index = 1; index < gifts; index += 1) await traffic.give();
    await expectSummarySettles(api, team.campaignId, traffic, {
      allocated: 0,
      paidOut: 0,
      delivered: 0,
      beneficiaries: 0,
    });
    const [first] = traffic.acknowledged;
    return {
      team,
      traffic,
      net: traffic.raised - GIFT_FEE * traffic.acknowledged.size,
      firstGift: { donationId: first![0], net: first![1] - GIFT_FEE },
    };
  }

  /** Forged events of one disbursement of `team`'s campaign, each valid against the contract. */
  function forgedDisbursement(team: CampaignTeam, amount: number) {
    const disbursementId = newId();
    const base = { disbursementId, campaignId: team.campaignId };
    const recipient = { name: 'Forged Partner', country: 'HT', local: true };
    const at = () => new Date();
    // Parsed as the contract says, so a forgery is exactly what a valid producer could have sent.
    const event = (type: string, data: Record<string, unknown>): AnyEvent =>
      disbursementEventSchema.parse(
        envelope({
          type,
          source: '/services/disbursement',
          subject: team.campaignId,
          time: at(),
          data: { ...base, ...data },
        }),
      );
    return {
      approved: () =>
        event('org.diaspora-aid.disbursement.approved', {
          amount,
          currency: 'USD',
          recipient,
          purpose: 'Forged',
          sector: 'Shelter',
          approvedBy: newId(),
          approvedAt: at().toISOString(),
        }),
      allocated: (donationId: string, slice: number) =>
        event('org.diaspora-aid.disbursement.allocated', {
          donationId,
          amount: slice,
          currency: 'USD',
          allocatedAt: at().toISOString(),
        }),
      paid: (paid: number) =>
        event('org.diaspora-aid.disbursement.paid', {
          amount: paid,
          currency: 'USD',
          reference: 'FORGED-1',
          recipient,
          paidAt: at().toISOString(),
        }),
      delivered: () =>
        event('org.diaspora-aid.disbursement.delivered', {
          deliveryId: newId(),
          deliveredAt: at().toISOString(),
          beneficiaries: 10,
          description: 'Forged delivery',
          location: { country: 'HT', area: 'Nowhere' },
          evidence: [],
          reportedAt: at().toISOString(),
        }),
    };
  }

  const plant = (events: AnyEvent[]) =>
    publishRaw(
      [infra.env.KAFKA_BROKERS],
      'disbursement.events.v1',
      events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    );

  const reconciliation = () =>
    api.call<{ status: string; breaches: Breach[] }>(
      'GET',
      `${platform.urls.ledger}/v1/reconciliation?fresh=true`,
    );

  it('when the platform only did what it was asked, then reconciliation is clean, with no breach by endpoint or metric', async () => {
    const { team, net } = await campaignWithGifts('Honest books association', 3);
    const request = await api.requestDisbursement(team.officer, {
      campaignId: team.campaignId,
      amount: net,
      currency: 'USD',
      recipient: { name: 'Les Cayes Kitchen', country: 'HT', local: true },
      purpose: 'Meals',
      sector: 'Food Security',
    });
    await api.approve(team.approver, request.id, 'ok');
    await eventually(
      async () => expect(await api.summary(team.campaignId)).toMatchObject({ allocated: net }),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await expectReconciled(api, platform.urls.ledger);
    const metrics = await (
      await fetch(`${platform.metricsUrls.ledger}/metrics`, {
        headers: { authorization: `Bearer ${platform.secrets.metricsToken}` },
      })
    ).text();
    expect(metrics).toMatch(
      /aid_reconciliation_breaches\{[^}]*invariant="campaign-allocated-within-net"[^}]*\} 0\b/,
    );
  });

  it('when events breaking each rule are planted on the disbursement topic, then reconciliation reports each breach by endpoint and metric', async () => {
    const overAllocated = await campaignWithGifts('Over-allocated books association', 2);
    const overPaid = await campaignWithGifts('Over-paid books association', 2);
    const unpaidDelivery = await campaignWithGifts('Undelivered books association', 2);
    const oneGift = await campaignWithGifts('One gift over association', 3);

    const a = forgedDisbursement(overAllocated.team, overAllocated.net + 1);
    const b = forgedDisbursement(overPaid.team, 500);
    const c = forgedDisbursement(unpaidDelivery.team, 500);
    const d = forgedDisbursement(oneGift.team, oneGift.firstGift.net + 1);
    await plant([
      a.approved(),
      a.allocated(overAllocated.firstGift.donationId, overAllocated.net + 1),
      b.approved(),
      b.allocated(overPaid.firstGift.donationId, 500),
      b.paid(900),
      c.approved(),
      c.allocated(unpaidDelivery.firstGift.donationId, 500),
      c.delivered(),
      d.approved(),
      d.allocated(oneGift.firstGift.donationId, oneGift.firstGift.net + 1),
    ]);

    const of = (breaches: Breach[], campaignId: string) =>
      breaches.filter((breach) => breach.campaignId === campaignId);
    const report = await eventually(
      async () => {
        const current = await reconciliation();
        expect(current.status).toBe('breaches');
        expect(of(current.breaches, overAllocated.team.campaignId)).toEqual([
          expect.objectContaining({
            invariant: 'campaign-allocated-within-net',
            value: overAllocated.net + 1,
            limit: overAllocated.net,
          }),
          expect.objectContaining({
            invariant: 'gift-allocated-within-net',
            donationId: overAllocated.firstGift.donationId,
            value: overAllocated.net + 1,
            limit: overAllocated.firstGift.net,
          }),
        ]);
        expect(of(current.breaches, overPaid.team.campaignId)).toEqual([
          expect.objectContaining({
            invariant: 'campaign-paid-out-within-allocated',
            value: 900,
            limit: 500,
          }),
        ]);
        expect(of(current.breaches, unpaidDelivery.team.campaignId)).toEqual([
          expect.objectContaining({ invariant: 'campaign-delivered-within-paid-out', value: 500, limit: 0 }),
        ]);
        expect(of(current.breaches, oneGift.team.campaignId)).toEqual([
          expect.objectContaining({
            invariant: 'gift-allocated-within-net',
            donationId: oneGift.firstGift.donationId,
            value: oneGift.firstGift.net + 1,
            limit: oneGift.firstGift.net,
          }),
        ]);
        return current;
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    // Nothing else breaks a rule: the honest campaign stays out of the report.
    expect(report.breaches).toHaveLength(5);

    const metrics = await (
      await fetch(`${platform.metricsUrls.ledger}/metrics`, {
        headers: { authorization: `Bearer ${platform.secrets.metricsToken}` },
      })
    ).text();
    const counted = (invariant: string) =>
      Number(
        new RegExp(`aid_reconciliation_breaches\\{[^}]*invariant="${invariant}"[^}]*\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    expect(counted('campaign-allocated-within-net')).toBe(1);
    expect(counted('campaign-paid-out-within-allocated')).toBe(1);
    expect(counted('campaign-delivered-within-paid-out')).toBe(1);
    expect(counted('gift-allocated-within-net')).toBe(2);
  });
});
