import { topics, type AnyEvent } from '@aid/contracts';
import { eventually, publishRaw, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  donorRef,
  geographyReleased,
  giftSucceeded,
} from '@aid/test-kit/record-events';
import { canonicalBytes, leafHash } from './domain/leaf.ts';
import { iatiSchemaErrors } from './test-support/iati-schema.ts';
import { startLedgerForTest } from './test-support/start-ledger.ts';

type Ledger = Awaited<ReturnType<typeof startLedgerForTest>>;

const topicOf = (event: AnyEvent) =>
  event.type.includes('.campaign.')
    ? topics.campaign
    : event.type.includes('.donation.')
      ? topics.donation
      : topics.disbursement;

/** Publishes each event twice, as an at-least-once producer may. */
async function deliverTwice(events: AnyEvent[]): Promise<void> {
  const { kafkaBrokers } = testEndpoints();
  for (const event of events) {
    const message = { key: event.subject, value: JSON.stringify(event) };
    await publishRaw(kafkaBrokers, topicOf(event), [message, message]);
  }
}

async function get(ledger: Ledger, path: string) {
  const response = await fetch(`${ledger.url}${path}`);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: (): any => JSON.parse(text) };
}

describe('dashboard projections and open-data exports', () => {
  let ledger: Ledger;
  const snapshot = campaignSnapshot();
  const campaignId = snapshot.campaignId;
  const chain = disbursementChain(campaignId, '019a0000-0000-7000-8000-0000000000d1', 2000, true);
  // Gifts as they were announced before countries left gift events (five in GB with PK heritage, one in FR),
  // then gifts as they are announced now, without countries.
  const gifts = [
    ...[1, 2, 3, 4, 5].map((seed) =>
      giftSucceeded(campaignId, {
        amount: 1000,
        fee: 50,
        minute: seed,
        donor: { publicRef: donorRef(seed), countryOfResidence: 'GB', countryOfHeritage: 'PK' },
      }),
    ),
    giftSucceeded(campaignId, {
      amount: 700,
      fee: 0,
      minute: 1440 + 5,
      donor: { publicRef: donorRef(6), countryOfResidence: 'FR', countryOfHeritage: null },
    }),
    giftSucceeded(campaignId, { amount: 300, fee: 0, minute: 1440 + 6, donor: { publicRef: donorRef(7) } }),
  ];
  // The donation service's releases, the newer delivered before the older.
  const releases = [
    geographyReleased(
      campaignId,
      2,
      {
        residence: { groups: [{ country: 'IS', donors: 6 }], other: 5 },
        heritage: { groups: [], other: null },
      },
      40,
    ),
    geographyReleased(
      campaignId,
      1,
      {
        residence: { groups: [{ country: 'IS', donors: 5 }], other: 0 },
        heritage: { groups: [], other: null },
      },
      35,
    ),
  ];

  beforeAll(async () => {
    ledger = await startLedgerForTest();
    await deliverTwice([
      campaignPublished(snapshot),
      ...gifts,
      ...releases,
      chain.approved,
      chain.allocated,
      chain.paid,
      chain.delivered(40),
      chain.delivered(10),
    ]);
    await eventually(async () =>
      expect((await get(ledger, `/v1/campaigns/${campaignId}/summary`)).json().entries).toBe(13),
    );
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('when every event arrived twice, then each UTC day holds only its own movements, counted once', async () => {
    const { status, json } = await get(ledger, `/v1/campaigns/${campaignId}/timeseries`);
    expect(status).toBe(200);
    expect(json()).toEqual({
      campaignId,
      currency: 'USD',
      days: [
        {
          date: '2026-01-02',
          raised: 5000,
          fees: 250,
          refunded: 0,
          allocated: 2000,
          paidOut: 2000,
          delivered: 2000,
          beneficiaries: 50,
        },
        {
          date: '2026-01-03',
          raised: 1000,
          fees: 0,
          refunded: 0,
          allocated: 0,
          paidOut: 0,
          delivered: 0,
          beneficiaries: 0,
        },
      ],
    });
  });

  it('when breakdowns are read, then sectors and recipients carry each amount once, and donor geography is the newest release, never counted from entries', async () => {
    // Releases come on the donation topic, the disbursement on its own: wait for both.
    const body = await eventually(async () => {
      const { status, json } = await get(ledger, `/v1/campaigns/${campaignId}/breakdowns`);
      expect(status).toBe(200);
      expect(json().donorGeography.release).toBe(2);
      return json();
    });
    expect(body.bySector).toEqual([{ sector: 'WASH', allocated: 2000, paidOut: 2000, delivered: 2000 }]);
    expect(body.byRecipient).toEqual([
      {
        name: 'Hyderabad Water Committee',
        country: 'PK',
        local: true,
        allocated: 2000,
        paidOut: 2000,
        delivered: 2000,
        beneficiaries: 50,
      },
    ]);
    // The countries older gift entries carry (GB, PK, FR) are not counted; release 1, arriving late, changes nothing.
    expect(body.donorGeography).toEqual({
      minimumGroup: 5,
      release: 2,
      releasedAt: '2026-01-02T00:40:00.000Z',
      byResidence: [{ country: 'IS', donors: 6 }],
      byHeritage: [],
      otherResidence: 5,
      otherHeritage: null,
    });
  });

  it('when the JSON export is read, then it has the summary and every entry with a stable id and its leaf hash', async () => {
    const { status, headers, json } = await get(ledger, `/v1/campaigns/${campaignId}/export.json`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    const body = json();
    expect(body.campaign).toMatchObject({ campaignId, title: snapshot.title });
    expect(body.summary).toMatchObject({ raised: 6000, entries: 13 });
    expect(body.entries.map((row: { id: string }) => row.id)).toEqual(
      Array.from({ length: 13 }, (_, index) => `${campaignId}:${index}`),
    );
    const page = (await get(ledger, `/v1/campaigns/${campaignId}/entries?from=0&limit=13`)).json();
    expect(body.entries.map((row: { entry: unknown }) => row.entry)).toEqual(
      page.entries.map((row: { entry: unknown }) => row.entry),
    );
    // Each entry is the leaf its hash covers: a reader re-hashes it without asking the ledger.
    for (const row of body.entries as { leafHash: string; entry: unknown }[])
      expect(leafHash(canonicalBytes(row.entry)).toString('hex')).toBe(row.leafHash);
    expect(body.entries[0].leafHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the CSV export is read, then it is one RFC 4180 row per entry under a header, as a named download', async () => {
    const { status, headers, text } = await get(ledger, `/v1/campaigns/${campaignId}/export.csv`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe(`attachment; filename="campaign-${campaignId}.csv"`);
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'id,index,time,kind,amount,currency,donationId,disbursementId,recipient,recipientCountry,recipientLocal,sector,beneficiaries,leafHash',
    );
    expect(lines).toHaveLength(15);
    const delivery = lines.find((line) => line.includes(',delivery,'));
    expect(delivery).toMatch(
      new RegExp(
        `^${campaignId}:\\d+,\\d+,2026-01-02T00:12:00.000Z,delivery,,,,${chain.disbursementId},Hyderabad Water Committee,PK,true,WASH,(40|10),[0-9a-f]{64}$`,
      ),
    );
  });

  it('when the IATI export is read, then it validates against the official 2.03 schema with the GLIDE number and each transaction type', async () => {
    const { status, headers, text } = await get(ledger, `/v1/campaigns/${campaignId}/export.iati.xml`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await iatiSchemaErrors(text)).toEqual([]);
    expect(text).toContain(`<iati-identifier>XI-DIASPORA-AID-${campaignId}</iati-identifier>`);
    expect(text).toContain('<humanitarian-scope type="1" vocabulary="1-2" code="FL-2022-000254-PAK">');
    expect(text).toContain('<recipient-country code="PK"/>');
    expect(text).toContain('<sector vocabulary="1" code="14030"/>');
    const types = [...text.matchAll(/<transaction-type code="(\d)"\/>/g)].map((match) => match[1]);
    expect(types.sort()).toEqual(['1', '1', '1', '1', '1', '1', '1', '3', '4']);
    expect(text).toMatch(
      /<transaction-type code="4"\/>\n<transaction-date iso-date="2026-01-02"\/>\n<value currency="USD" value-date="2026-01-02">20.00<\/value>/,
    );
  });

  it.each([
    ['/v1/campaigns/unknown-campaign/timeseries', 404, 'campaignId'],
    ['/v1/campaigns/unknown-campaign/breakdowns', 404, 'campaignId'],
    ['/v1/campaigns/unknown-campaign/export.json', 404, 'campaignId'],
    ['/v1/campaigns/unknown-campaign/export.csv', 404, 'campaignId'],
    ['/v1/campaigns/unknown-campaign/export.iati.xml', 404, 'campaignId'],
    ['/v1/campaigns/not%20an%20id/breakdowns', 400, 'params.id'],
    ['/v1/campaigns/not%20an%20id/export.csv', 400, 'params.id'],
  ])('when %s is requested, then it answers %i naming %s', async (path, status, field) => {
    const response = await get(ledger, path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.json().field).toBe(field);
  });

  it('when the OpenAPI document is read, then every new route is in it and the series says it is not cumulative', async () => {
    const document = (await get(ledger, '/openapi.json')).json();
    for (const path of ['timeseries', 'breakdowns', 'export.json', 'export.csv', 'export.iati.xml'])
      expect(document.paths).toHaveProperty([`/v1/campaigns/{id}/${path}`]);
    expect(JSON.stringify(document.paths['/v1/campaigns/{id}/timeseries'])).toContain('NOT cumulative');
  });
});
