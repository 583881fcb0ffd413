import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { deadLetterTopic, topics, type AnyEvent } from '@aid/contracts';
import { eventually, publishRaw, recordTopics, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
  refundPair,
} from '@aid/test-kit/record-events';
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

/**
 * A cache's conditional GET. Not with fetch: for a request carrying If-None-Match it adds `Cache-Control:
 * no-cache` (as the Fetch standard says), which rightly makes the server answer in full.
 */
function revalidate(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'if-none-match': etag } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

async function getJson(
  ledger: Ledger,
  path: string,
): Promise<{ status: number; body: any; type: string | null }> {
  const response = await fetch(`${ledger.url}${path}`);
  return { status: response.status, body: await response.json(), type: response.headers.get('content-type') };
}

describe('ledger service', () => {
  let ledger: Ledger;
  const snapshot = campaignSnapshot();
  const campaignId = snapshot.campaignId;
  const receiptCode = 'RCPT-TEST-ABCDEFGHIJKLMNOP';
  const donationId = '019a0000-0000-7000-8000-000000000001';
  const chain = disbursementChain(campaignId, donationId, 1000, true);

  beforeAll(async () => {
    ledger = await startLedgerForTest();
    await deliverTwice([
      campaignPublished(snapshot),
      giftSucceeded(campaignId, { donationId, amount: 2500, fee: 100, receiptCode }),
      chain.approved,
      chain.allocated,
      chain.paid,
      chain.delivered(40),
    ]);
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('when every event arrives twice, then the summary counts each once', async () => {
    const summary = await eventually(async () => {
      const { body } = await getJson(ledger, `/v1/campaigns/${campaignId}/summary`);
      expect(body.entries).toBe(6);
      return body;
    });
    expect(summary).toMatchObject({
      campaignId,
      currency: 'USD',
      raised: 2500,
      fees: 100,
      refunded: 0,
      net: 2400,
      allocated: 1000,
      paidOut: 1000,
      delivered: 1000,
      beneficiaries: 40,
      localShare: 1,
    });
  });

  it('when entries are read, then indexes are contiguous and each leaf is the canonical bytes of its entry', async () => {
    const { body } = await getJson(ledger, `/v1/campaigns/${campaignId}/entries?from=0&limit=100`);
    expect(body.entries.map((row: { index: number }) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const row of body.entries as { leaf: string; entry: unknown }[]) {
      expect(JSON.parse(Buffer.from(row.leaf, 'base64').toString('utf8'))).toEqual(row.entry);
    }
    // Topics are consumed side by side, so only the order within one topic is fixed.
    const kinds: string[] = body.entries.map((row: { entry: { kind: string } }) => row.entry.kind);
    expect([...kinds].sort()).toEqual([
      'allocation',
      'campaign-published',
      'delivery',
      'disbursement-approved',
      'gift',
      'payout',
    ]);
    const disbursementKinds = kinds.filter((kind) =>
      ['disbursement-approved', 'allocation', 'payout', 'delivery'].includes(kind),
    );
    expect(disbursementKinds).toEqual(['disbursement-approved', 'allocation', 'payout', 'delivery']);
    const page = await getJson(ledger, `/v1/campaigns/${campaignId}/entries?from=4&limit=1`);
    expect(page.body.entries.map((row: { index: number }) => row.index)).toEqual([4]);
    const latest = await getJson(ledger, `/v1/campaigns/${campaignId}/entries?last=2`);
    expect(latest.body.entries.map((row: { index: number }) => row.index)).toEqual([4, 5]);
    const beyond = await getJson(ledger, `/v1/campaigns/${campaignId}/entries?last=50`);
    expect(beyond.body.entries.map((row: { index: number }) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const latestFrom = await getJson(ledger, `/v1/campaigns/${campaignId}/entries?from=5&last=3`);
    expect(latestFrom.body.entries.map((row: { index: number }) => row.index)).toEqual([5]);
  });

  it('when a receipt code is traced, then the gift leads to its allocation, disbursement, payout and delivery', async () => {
    const { status, body } = await getJson(ledger, `/v1/trace/${receiptCode}`);
    expect(status).toBe(200);
    expect(body.donation).toMatchObject({ donationId, amount: 2500, net: 2400 });
    expect(body.allocations).toEqual([
      { disbursementId: chain.disbursementId, amount: 1000, index: expect.any(Number) },
    ]);
    expect(body.disbursements[0]).toMatchObject({
      disbursementId: chain.disbursementId,
      recipient: { local: true },
    });
    expect(body.payouts).toHaveLength(1);
    expect(body.deliveries[0]).toMatchObject({
      beneficiaries: 40,
      location: { country: 'PK', area: 'Dadu district' },
    });
    const giftEntry = body.entries.find((row: { entry: { kind: string } }) => row.entry.kind === 'gift');
    const giftLeaf = Buffer.from(giftEntry.leaf, 'base64');
    expect(body.proof.leafHash).toBe(
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(giftLeaf)
        .digest('hex'),
    );
    expect(JSON.stringify(body)).not.toContain(receiptCode);
  });

  // Delivery is at least once (a relay whose lease ran out under load sends again), so a repeat may arrive; what
  // consumers rely on is one event per index, a repeat carrying the same event id they deduplicate on.
  it('when each entry is appended, then exactly one entry-appended event per index reaches ledger.entries.v1', async () => {
    const recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.ledger]);
    try {
      const events = await eventually(() => {
        const byId = new Map<string, { index: number }>();
        for (const message of recorder.messages.filter((candidate) => candidate.key === campaignId)) {
          const event = message.value as { id: string; data: { index: number } };
          const seen = byId.get(event.id);
          if (seen) expect(seen.index).toBe(event.data.index);
          byId.set(event.id, event.data);
        }
        expect(byId.size).toBe(6);
        return [...byId.values()];
      });
      expect(events.map((data) => data.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await recorder.stop();
    }
  });

  it.each([
    ['/v1/campaigns/unknown-campaign/summary', 404, 'campaignId'],
    ['/v1/campaigns/unknown-campaign', 404, 'campaignId'],
    [`/v1/campaigns/${campaignId}/entries?from=-1`, 400, 'query.from'],
    [`/v1/campaigns/${campaignId}/entries?limit=5000`, 400, 'query.limit'],
    [`/v1/campaigns/${campaignId}/entries?last=0`, 400, 'query.last'],
    ['/v1/trace/NOT-A-REAL-RECEIPT-CODE-0000', 404, 'receiptCode'],
    ['/v1/trace/short', 400, 'params.receiptCode'],
  ])('when %s is requested, then it answers %i naming %s', async (path, status, field) => {
    const response = await getJson(ledger, path);
    expect(response.status).toBe(status);
    expect(response.type).toMatch(/application\/problem\+json/);
    expect(response.body.field).toBe(field);
  });

  it('when one campaign is asked for by id, then it answers the campaign with its summary', async () => {
    const { status, body } = await getJson(ledger, `/v1/campaigns/${campaignId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      campaign: { campaignId, title: snapshot.title },
      summary: { campaignId, raised: 2500 },
    });
  });

  it('when a poison message arrives, then it goes to the dead-letter topic and later events are still recorded', async () => {
    const { kafkaBrokers } = testEndpoints();
    const other = campaignSnapshot();
    const recorder = await recordTopics(kafkaBrokers, [deadLetterTopic(`${ledger.groupPrefix}ledger`)]);
    try {
      await publishRaw(kafkaBrokers, topics.donation, [
        { key: other.campaignId, value: '{not json' },
        {
          key: other.campaignId,
          value: JSON.stringify({ type: 'org.diaspora-aid.donation.succeeded', data: { amount: 1.5 } }),
        },
      ]);
      await deliverTwice([giftSucceeded(other.campaignId, { amount: 700, fee: 0 })]);
      await eventually(async () => {
        const { body } = await getJson(ledger, `/v1/campaigns/${other.campaignId}/summary`);
        expect(body.raised).toBe(700);
      });
      const reasons = await eventually(() => {
        const found = recorder.messages
          .filter((message) => message.key === other.campaignId)
          .map((message) => message.headers['dlq-reason']);
        expect(found).toHaveLength(2);
        return found;
      });
      expect(reasons[0]).toBe('value is not JSON');
      expect(reasons[1]).toMatch(/^invalid event: /);
    } finally {
      await recorder.stop();
    }
  });

  it('when an entry is appended, then the summary viewers get (cached between appends) already counts it, and an unchanged summary revalidates with 304', async () => {
    const before = await fetch(`${ledger.url}/v1/campaigns/${campaignId}/summary`);
    expect(before.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=5');
    const etag = before.headers.get('etag');
    expect(etag).toBeTruthy();
    const { raised, entries } = (await before.json()) as { raised: number; entries: number };
    expect(await revalidate(`${ledger.url}/v1/campaigns/${campaignId}/summary`, etag ?? '')).toBe(304);

    await deliverTwice([giftSucceeded(campaignId, { amount: 1_234, fee: 0 })]);
    // The entries are read fresh; once the new one is served, the summary must count it without waiting out the cache.
    await eventually(async () =>
      expect(
        (await getJson(ledger, `/v1/campaigns/${campaignId}/entries?from=${entries}&limit=1`)).body.entries,
      ).toHaveLength(1),
    );
    expect(await revalidate(`${ledger.url}/v1/campaigns/${campaignId}/summary`, etag ?? '')).toBe(200);
    expect((await getJson(ledger, `/v1/campaigns/${campaignId}/summary`)).body).toMatchObject({
      raised: raised + 1_234,
      entries: entries + 1,
    });
  });

  it('when a failed refund is reported before its refund (each twice), then each is one entry and the summary ends with nothing refunded and net whole', async () => {
    const other = campaignSnapshot();
    const code = 'RCPT-TEST-REVERSEDREFUND00';
    const gift = giftSucceeded(other.campaignId, { amount: 2500, fee: 100, receiptCode: code });
    const giftId = (gift.data as { donationId: string }).donationId;
    const { refunded, reversed } = refundPair(other.campaignId, giftId, 700);
    await deliverTwice([campaignPublished(other), gift, reversed, refunded]);
    const summary = await eventually(async () => {
      const { body } = await getJson(ledger, `/v1/campaigns/${other.campaignId}/summary`);
      expect(body.entries).toBe(4);
      return body;
    });
    expect(summary).toMatchObject({ raised: 2500, fees: 100, refunded: 0, net: 2400, gifts: 1 });
    const { body } = await getJson(ledger, `/v1/campaigns/${other.campaignId}/entries?from=0&limit=100`);
    // Only the order within the donation topic is fixed.
    const kinds: string[] = body.entries.map((row: { entry: { kind: string } }) => row.entry.kind);
    expect(kinds.filter((kind) => kind !== 'campaign-published')).toEqual([
      'gift',
      'refund-reversed',
      'refund',
    ]);
    const trace = await getJson(ledger, `/v1/trace/${code}`);
    expect(trace.body.donation).toMatchObject({
      refunds: [{ amount: 700 }],
      refundsReversed: [{ refundId: 're_1', amount: 700 }],
    });
  });
});
