import { randomBytes } from 'node:crypto';
import { newId } from '@aid/contracts';
import { requestFrom, signStripeWebhook, stripeEvent, succeededWithFee } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRejectedWebhooks } from './store/rejected-webhooks.store.ts';
import {
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

let donation: DonationUnderTest;
let campaign: Awaited<ReturnType<typeof publishedCampaign>>;

beforeAll(async () => {
  donation = await startDonationForTest({
    RATE_LIMIT_DONATIONS_PER_ADDRESS: '3/10m',
    RATE_LIMIT_DONATIONS_PER_CAMPAIGN: '6/10m',
    RATE_LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS: '2/1m',
    RATE_LIMIT_AUTH_FAILURES_PER_KEY: '2/15m',
  });
  campaign = await publishedCampaign(donation);
}, 90_000);

afterAll(async () => {
  await donation?.service.stop();
});

/** A distinct address per test, so the tests do not share budgets. */
let nextAddress = 1;
const newAddress = () => `127.77.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

const give = (from: string, campaignId = campaign.campaignId) =>
  requestFrom(from, `${donation.url}/v1/donations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignId,
      amount: 2500,
      currency: 'USD',
      donor: { email: 'donor@example.org' },
    }),
  });

function expectTooMany(response: Awaited<ReturnType<typeof give>>, policy: string, detail: string) {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(response.text)).toMatchObject({
    status: 429,
    code: 'too-many-requests',
    detail: expect.stringContaining(detail),
  });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(String(response.headers.ratelimit)).toMatch(new RegExp(`"${policy}"; r=0; t=\\d+`));
  expect(String(response.headers['ratelimit-policy'])).toContain(`"${policy}"; q=`);
}

describe('rate limits on the donation service', () => {
  it('when one address starts more donations than its limit, then it gets 429 and no PaymentIntent, while another address still gives', async () => {
    const card = newAddress();
    for (let i = 0; i < 3; i++) expect((await give(card)).status).toBe(201);
    const refused = await give(card);
    expectTooMany(refused, 'donations-per-address', 'donations started from this address');
    expect(refused.text).not.toContain('clientSecret');
    expect((await give(newAddress())).status).toBe(201);
  });

  it('when many addresses start donations for one campaign, then the campaign limit holds across them', async () => {
    const other = await publishedCampaign(donation);
    for (let i = 0; i < 6; i++) expect((await give(newAddress(), other.campaignId)).status).toBe(201);
    expectTooMany(
      await give(newAddress(), other.campaignId),
      'donations-per-campaign',
      'donations started for this campaign',
    );
  });

  it('when one address keeps looking up receipts, then it gets 429', async () => {
    const from = newAddress();
    const lookup = () =>
      requestFrom(from, `${donation.url}/v1/donations/${newId()}`, {
        headers: { 'x-receipt-code': randomBytes(16).toString('hex') },
      });
    expect((await lookup()).status).toBe(404);
    expect((await lookup()).status).toBe(404);
    expectTooMany(await lookup(), 'receipt-lookups-per-address', 'receipt code lookups from this address');
  });

  it('when a refund comes with a key no member holds, then it is 401; after repeated failures that key gets 429', async () => {
    const refund = (key: string) =>
      requestFrom(newAddress(), `${donation.url}/v1/donations/${newId()}/refund`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: '{}',
      });
    const unknown = await refund('key_unknown_to_everyone');
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'unauthenticated', field: 'authorization' });
    expect((await refund('key_unknown_to_everyone')).status).toBe(401);
    expectTooMany(
      await refund('key_unknown_to_everyone'),
      'auth-failures-per-key',
      'failed authentications with this key',
    );
    // A real admin key is not refused because of someone else's failures: the gift is just not theirs.
    expect((await refund(campaign.adminKey)).status).toBe(404);
  });

  it('when /openapi.json is read, then the limited operations declare 429 with Retry-After and RateLimit', async () => {
    const document = (await (await fetch(`${donation.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, any> }>>;
    };
    for (const [path, method] of [
      ['/v1/donations', 'post'],
      ['/v1/donations/{id}', 'get'],
      ['/v1/donations/{id}/refund', 'post'],
    ] as const) {
      expect(Object.keys(document.paths[path]?.[method]?.responses['429']?.headers ?? {})).toEqual([
        'Retry-After',
        'RateLimit',
        'RateLimit-Policy',
      ]);
    }
  });
});

describe('the Stripe webhook edge', () => {
  const post = (body: string, signature = signStripeWebhook(body, donation.webhookSecret)) =>
    fetch(`${donation.url}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });

  it('when a signed event has no data, then it is a 400 naming `data`, recorded once per delivery, and never queued', async () => {
    const event = { ...stripeEvent('payment_intent.succeeded', {}), data: undefined };
    const body = JSON.stringify(event);
    for (let delivery = 0; delivery < 2; delivery++) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'malformed-webhook-event',
        field: 'data',
        detail: expect.stringContaining('data: is missing'),
      });
    }
    const recorded = await createRejectedWebhooks(donation.service.deps.db).find(event.id);
    expect(recorded).toMatchObject({
      type: 'payment_intent.succeeded',
      reason: 'data: is missing',
      deliveries: 2,
    });
    expect(donation.pipeline.inbox.backlog()).toBe(0);
  });

  it('when a signed paid invoice lacks its currency, then the 400 names that field', async () => {
    const response = await post(
      JSON.stringify(stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice', amount_paid: 2500 })),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'malformed-webhook-event',
      field: 'data.object.currency',
    });
  });

  it('when the signature is dated more than 5 minutes ahead, then it is refused; within the tolerance it is accepted', async () => {
    const body = JSON.stringify(stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }));
    const ahead = await post(
      body,
      signStripeWebhook(body, donation.webhookSecret, Math.floor(Date.now() / 1000) + 301 + 5),
    );
    expect(ahead.status).toBe(400);
    expect(await ahead.json()).toMatchObject({
      code: 'invalid-webhook-signature',
      detail: expect.stringContaining('in the future'),
    });
    expect(
      (await post(body, signStripeWebhook(body, donation.webhookSecret, Math.floor(Date.now() / 1000) + 120)))
        .status,
    ).toBe(200);
  });

  it('when a real event is larger than 64 KiB, then it is received; a body over the webhook limit is a 413', async () => {
    const event = succeededWithFee(newId(), { amount: 2500, fee: 103, chargeId: 'ch_big' });
    const large = JSON.stringify({
      ...event,
      data: { object: { ...event.data.object, description: 'x'.repeat(300 * 1024) } },
    });
    expect((await post(large)).status).toBe(200);
    const tooLarge = JSON.stringify({
      ...event,
      data: { object: { ...event.data.object, description: 'x'.repeat(1100 * 1024) } },
    });
    const refused = await post(tooLarge);
    expect(refused.status).toBe(413);
    // Other routes keep the small default.
    const bigDonation = await fetch(`${donation.url}/v1/donations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(100 * 1024) }),
    });
    expect(bigDonation.status).toBe(413);
  });
});
