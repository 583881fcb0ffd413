import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import type { CampaignClient, CampaignDetails } from './campaign-client.ts';
import { NotOnLedger, type LedgerClient, type Summary } from './ledger-client.ts';

const summary: Summary = {
  campaignId: 'c1',
  currency: 'USD',
  raised: 0,
  fees: 0,
  refunded: 0,
  net: 0,
  allocated: 0,
  paidOut: 0,
  delivered: 0,
  beneficiaries: 0,
  gifts: 0,
  localShare: 0,
  entries: 0,
};
const campaign = {
  campaignId: 'c1',
  organizationName: 'Sindh Relief',
  title: 'Sindh floods',
  summary: 'Water',
  goal: { amount: 1_000_000, currency: 'USD' },
  crisis: { kind: 'flood', countries: ['PK'] },
  status: 'active',
  publishedAt: '2026-01-01T00:00:00Z',
};
const sha256 = 'cd'.repeat(32);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

const ledger = {
  campaigns: async () => ({ campaigns: [{ campaign, summary }] }),
  campaign: async (id: string) => (id === 'c1' ? campaign : null),
  campaignWithSummary: async (id: string) => (id === 'c1' ? { campaign, summary } : null),
  summary: async (id: string) => {
    if (id !== 'c1') throw new NotOnLedger(id);
    return summary;
  },
  entries: async () => ({ entries: [] }),
  latestEntries: async () => ({ entries: [] }),
  timeseries: async () => ({ campaignId: 'c1', currency: 'USD', days: [] }),
  breakdowns: async () => ({
    campaignId: 'c1',
    currency: 'USD',
    bySector: [],
    byRecipient: [],
    donorGeography: {
      minimumGroup: 5,
      byResidence: [],
      byHeritage: [],
      otherResidence: 0,
      otherHeritage: null,
    },
  }),
  verifierKey: async () => 'ledger.test+12345678+AQ',
  trace: async () => {
    throw new NotOnLedger('trace');
  },
  ready: async () => true,
} as unknown as LedgerClient;

const details: CampaignDetails = {
  id: 'c1',
  status: 'active',
  goal: { amount: 1_000_000, currency: 'USD' },
  updates: [
    {
      id: 'u1',
      title: 'Filters arrived',
      body: '200 filters.',
      postedAt: '2026-01-05T00:00:00Z',
      photo: { contentType: 'image/jpeg', size: jpeg.length, sha256 },
    },
    { id: 'u2', title: 'Text only', body: 'No photo.', postedAt: '2026-01-04T00:00:00Z', photo: null },
  ],
  organization: null,
};

const campaigns: CampaignClient = {
  details: async (id) => (id === 'c1' ? details : null),
  organization: async () => null,
  photo: async (campaignId, updateId) =>
    campaignId === 'c1' && updateId === 'u1' ? { bytes: jpeg, contentType: 'image/jpeg', sha256 } : null,
};

let server: Server;
let base = '';

beforeAll(async () => {
  const app = buildWebApp({
    ledger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns,
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
});

describe('update photos on the public campaign page', () => {
  it('when an update has a photo, then the page shows it from this site with its SHA-256; an update without one shows none', async () => {
    const page = await (await fetch(`${base}/campaigns/c1`, { headers: { 'accept-language': 'en' } })).text();
    expect(page).toContain('<img class="update-photo" src="/campaigns/c1/updates/u1/photo"');
    expect(page).toContain(sha256);
    expect(page).not.toContain('/updates/u2/photo');
  });

  it('when the photo is fetched, then it comes with its type, nosniff and its hash; a missing one is a 404 page', async () => {
    const response = await fetch(`${base}/campaigns/c1/updates/u1/photo`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-content-sha256')).toBe(sha256);
    expect(Buffer.from(await response.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await fetch(`${base}/campaigns/c1/updates/u2/photo`)).status).toBe(404);
  });
});
