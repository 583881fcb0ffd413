import { envelope, newId, type CampaignSnapshot } from '@aid/contracts';

/** A valid, published campaign snapshot as the campaign service announces it; override what a test cares about. */
export function campaignSnapshotFixture(overrides: Partial<CampaignSnapshot> = {}): CampaignSnapshot {
  return {
    campaignId: newId(),
    organizationId: newId(),
    organizationName: 'Sindh Diaspora Relief',
    title: 'Sindh flood relief',
    summary: 'Clean water and shelter for flooded villages',
    goal: { amount: 5_000_000, currency: 'USD' },
    crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
    status: 'active',
    revision: 2,
    publishedAt: '2026-01-01T00:00:00.000Z',
    closedAt: null,
    ...overrides,
  };
}

/** The campaign service's event for a snapshot: created, changed, published or closed. */
export function campaignEventFixture(
  verb: 'created' | 'changed' | 'published' | 'closed',
  campaign: CampaignSnapshot,
  time = new Date(),
) {
  return envelope({
    type: `org.diaspora-aid.campaign.${verb}`,
    source: '/services/campaign',
    subject: campaign.campaignId,
    data: { campaign },
    time,
  });
}
