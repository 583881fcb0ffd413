import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createLogger } from '@aid/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebApp } from '../app.ts';
import type { CampaignClient, CampaignDetails } from '../campaign-client.ts';
import type { DonationClient, GiftView, StartedGift } from '../donation-client.ts';
import { formGuard } from '../http/form-guard.ts';
import { NotOnLedger, type LedgerClient, type Summary } from '../ledger-client.ts';
import type { PaymentsSetup } from './giving-routes.ts';
import type { ConfirmOutcome, TestModePayments } from './test-mode-payments.ts';

const campaignId = '019a0000-0000-7000-8000-0000000000c1';
const donationId = '019a0000-0000-7000-8000-0000000000d1';
const receiptCode = 'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6723';
const clientSecret = 'pi_3TestIntent_secret_abc123';
const summary: Summary = {
  campaignId,
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
  entries: 1,
};
const info = {
  campaignId,
  organizationName: 'Haiti Diaspora Relief',
  title: 'Earthquake relief',
  summary: 'Shelter',
  goal: { amount: 5_000_000, currency: 'USD' },
  crisis: { kind: 'earthquake', countries: ['HT'] },
  status: 'active',
  publishedAt: '2026-01-01T00:00:00Z',
};
const details: CampaignDetails = {
  id: campaignId,
  status: 'active',
  goal: { amount: 5_000_000, currency: 'USD' },
  updates: [
    {
      id: 'u1',
      title: 'Kits arrived',
      body: 'First 200 kits reached Jérémie.\n\nMore next week.',
      postedAt: '2026-01-05T00:00:00Z',
    },
  ],
  organization: {
    id: 'o1',
    name: 'Haiti Diaspora Relief',
    country: 'CA',
    kind: 'diaspora-association',
    createdAt: '2025-11-01T00:00:00Z',
  },
};

function giftView(overrides: Partial<GiftView> = {}): GiftView {
  return {
    id: donationId,
    campaignId,
    amount: 2500,
    currency: 'EUR',
    fee: null,
    net: null,
    status: 'pending',
    interval: 'month',
    publicRef: 'd_0123456789abcdef01234567',
    showName: false,
    createdAt: '2026-01-02T00:00:00Z',
    succeededAt: null,
    settlement: { currency: 'USD', amount: null, exchangeRate: null },
    subscriptionStatus: 'active',
    parentId: null,
    related: [],
    ...overrides,
  };
}

const ledger = (overrides: Partial<LedgerClient> = {}): LedgerClient => ({
  campaigns: async () => ({ campaigns: [] }),
  campaign: async (id) => (id === campaignId ? info : null),
  campaignWithSummary: async (id) => (id === campaignId ? { campaign: info, summary } : null),
  summary: async (id) => {
    if (id !== campaignId) throw new NotOnLedger(id);
    return summary;
  },
  entries: async () => ({ entries: [] }),
  latestEntries: async () => ({ entries: [] }),
  timeseries: async () => null,
  breakdowns: async () => null,
  verifierKey: async () => null,
  trace: async () => {
    throw new NotOnLedger('trace');
  },
  ready: async () => true,
  ...overrides,
});

interface World {
  started: { body: unknown; key: string; visitor: string | undefined }[];
  confirmations: string[];
  gift: GiftView;
  outcome: ConfirmOutcome;
  canceled: string[];
}

let server: Server | undefined;
afterEach(() => server?.close());

async function start(
  options: { payments?: 'test' | 'stripe'; startAnswer?: Awaited<ReturnType<DonationClient['start']>> } = {},
) {
  const world: World = {
    started: [],
    confirmations: [],
    gift: giftView(),
    outcome: { kind: 'paid' },
    canceled: [],
  };
  const donations: DonationClient = {
    start: async (body, key, visitor) => {
      world.started.push({ body, key, visitor });
      return options.startAnswer ?? { gift: { donationId, clientSecret, receiptCode } satisfies StartedGift };
    },
    view: async (id, code) => (id === donationId && code === receiptCode ? world.gift : null),
    giftsOf: async (code) =>
      code === receiptCode
        ? [{ ...world.gift, subscriptionStatus: world.canceled.length > 0 ? 'canceled' : 'active' }]
        : null,
    cancelMonthly: async (id) => {
      world.canceled.push(id);
      return true;
    },
  };
  const campaigns: CampaignClient = {
    details: async (id) => (id === campaignId ? details : null),
    photo: async () => null,
    organization: async (id) =>
      id === 'o1' && details.organization
        ? {
            organization: details.organization,
            campaigns: [
              { id: campaignId, title: info.title, summary: info.summary, status: 'active', goal: info.goal },
            ],
          }
        : null,
  };
  const testPayments: TestModePayments = {
    confirm: async (secret, card) => {
      world.confirmations.push(`${secret}:${card}`);
      return world.outcome;
    },
  };
  const payments: PaymentsSetup =
    options.payments === 'stripe'
      ? { mode: 'stripe', publishableKey: 'pk_test_abc' }
      : { mode: 'test', payments: testPayments };
  const app = buildWebApp({
    ledger: ledger(),
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns,
    giving: { donations, forms: formGuard(randomBytes(32)), payments, publicUrl: 'https://give.example.org' },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, world };
}

/** A browser's cookie jar, as far as these pages need one. */
function browser(base: string) {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      jar.set(name, value.join('='));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    jar,
    async get(path: string, headers: Record<string, string> = {}) {
      const response = await fetch(`${base}${path}`, {
        redirect: 'manual',
        headers: { cookie: cookie(), ...headers },
      });
      remember(response);
      return { response, text: await response.text() };
    },
    async post(path: string, fields: Record<string, string>) {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
      remember(response);
      return { response, text: await response.text() };
    },
  };
}

const hidden = (page: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

describe('giving through the web', () => {
  it('when the campaign page is shown, then it has the Give button, the updates’ text, who runs it and plain share links', async () => {
    const { base } = await start();
    const { text } = await browser(base).get(`/campaigns/${campaignId}`);
    expect(text).toContain(`href="/campaigns/${campaignId}/give"`);
    expect(text).toContain('First 200 kits reached Jérémie.');
    expect(text).toContain('Diaspora association');
    expect(text).toContain(`https://wa.me/?text=`);
    expect(text).not.toMatch(/<script[^>]+src="https?:/);
  });

  it('when an organization’s page is opened, then it shows who it is and its campaigns with their figures; an unknown one is a 404', async () => {
    const { base } = await start();
    const visitor = browser(base);
    const { response, text } = await visitor.get('/organizations/o1');
    expect(response.status).toBe(200);
    expect(text).toContain('<h1>Haiti Diaspora Relief</h1>');
    expect(text).toContain('Diaspora association');
    expect(text).toContain(`<h3><a href="/campaigns/${campaignId}">Earthquake relief</a></h3>`);
    expect((await visitor.get(`/campaigns/${campaignId}`)).text).toContain('href="/organizations/o1"');
    expect((await visitor.get('/organizations/o2')).response.status).toBe(404);
  });

  it('when a donor fills the form, then one gift is started with the form’s key and their address, and they go to pay with the secrets in an httpOnly cookie of the gift’s pages', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    donor.jar.set('lang', 'fr');
    const form = await donor.get(`/campaigns/${campaignId}/give?currency=EUR`);
    expect(form.text).toContain('<input type="hidden" name="currency" value="EUR">');
    const fields = {
      csrf: hidden(form.text, 'csrf'),
      idempotencyKey: hidden(form.text, 'idempotencyKey'),
      currency: 'EUR',
      amount: '2500',
      interval: 'month',
      email: 'anne@example.org',
    };
    const sent = await donor.post(`/campaigns/${campaignId}/give`, fields);
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get('location')).toBe(`/gifts/${donationId}/pay`);
    const cookie = sent.response.headers.getSetCookie().find((line) => line.startsWith('gift='));
    expect(cookie).toContain(`Path=/gifts/${donationId}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(world.started).toHaveLength(1);
    expect(world.started[0]).toMatchObject({
      key: fields.idempotencyKey,
      body: {
        campaignId,
        amount: 2500,
        currency: 'EUR',
        interval: 'month',
        locale: 'fr',
        donor: { email: 'anne@example.org' },
      },
    });
    expect(world.started[0]?.visitor).toMatch(/127\.0\.0\.1/);
  });

  it('when the form comes without its token (another site’s form), then nothing is started and the answer is 403', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    await donor.get(`/campaigns/${campaignId}/give`);
    const forged = await donor.post(`/campaigns/${campaignId}/give`, {
      currency: 'USD',
      amount: '2500',
      email: 'anne@example.org',
      idempotencyKey: 'x',
    });
    expect(forged.response.status).toBe(403);
    expect(world.started).toHaveLength(0);
  });

  it('when fields are wrong, then the form comes back with each message beside its field, the donor’s input kept, and nothing is started', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    const form = await donor.get(`/campaigns/${campaignId}/give`);
    const sent = await donor.post(`/campaigns/${campaignId}/give`, {
      csrf: hidden(form.text, 'csrf'),
      idempotencyKey: hidden(form.text, 'idempotencyKey'),
      currency: 'USD',
      amount: 'other',
      customAmount: 'abc',
      email: 'anne@',
    });
    expect(sent.response.status).toBe(400);
    expect(sent.text).toContain('id="customAmount-error"');
    expect(sent.text).toContain('aria-invalid="true" aria-describedby="email-error email-hint"');
    expect(sent.text).toContain('value="anne@"');
    expect(sent.text).toContain('<a href="#email">');
    expect(world.started).toHaveLength(0);
  });

  it('when the donation API refuses the amount as too small, then the message is beside the amount', async () => {
    const { base } = await start({
      startAnswer: { problem: { status: 422, code: 'amount-below-minimum', detail: 'below' } },
    });
    const donor = browser(base);
    const form = await donor.get(`/campaigns/${campaignId}/give`);
    const sent = await donor.post(`/campaigns/${campaignId}/give`, {
      csrf: hidden(form.text, 'csrf'),
      idempotencyKey: hidden(form.text, 'idempotencyKey'),
      currency: 'USD',
      amount: 'other',
      customAmount: '0.10',
      email: 'anne@example.org',
    });
    expect(sent.response.status).toBe(422);
    expect(sent.text).toMatch(/id="customAmount-error">This amount is below the smallest gift/);
  });

  it('when the test card is declined, then the donor stays on the payment step with a message; a good card then goes to the thank-you page', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    donor.jar.set('gift', `${receiptCode}~${clientSecret}`);
    const pay = await donor.get(`/gifts/${donationId}/pay`);
    expect(pay.text).toContain('TEST MODE');
    world.outcome = { kind: 'declined', declineCode: 'generic_decline' };
    const declined = await donor.post(`/gifts/${donationId}/pay`, {
      csrf: hidden(pay.text, 'csrf'),
      card: 'pm_card_chargeDeclined',
    });
    expect(declined.response.status).toBe(402);
    expect(declined.text).toContain('Your card was declined');
    world.outcome = { kind: 'paid' };
    const paid = await donor.post(`/gifts/${donationId}/pay`, {
      csrf: hidden(declined.text, 'csrf'),
      card: 'pm_card_visa',
    });
    expect(paid.response.status).toBe(303);
    expect(paid.response.headers.get('location')).toBe(`/gifts/${donationId}?redirect_status=succeeded`);
    expect(world.confirmations).toEqual([
      `${clientSecret}:pm_card_chargeDeclined`,
      `${clientSecret}:pm_card_visa`,
    ]);
  });

  it('when the card needs the bank’s check, then the donor is sent to it; back with a failed check, they are on the payment step with that message', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    donor.jar.set('gift', `${receiptCode}~${clientSecret}`);
    const pay = await donor.get(`/gifts/${donationId}/pay`);
    world.outcome = {
      kind: 'authenticate',
      url: 'http://127.0.0.1:4010/test-mode/authenticate/pi_3TestIntent',
    };
    const sent = await donor.post(`/gifts/${donationId}/pay`, {
      csrf: hidden(pay.text, 'csrf'),
      card: 'pm_card_authenticationRequired',
    });
    expect(sent.response.headers.get('location')).toBe(
      'http://127.0.0.1:4010/test-mode/authenticate/pi_3TestIntent',
    );
    const back = await donor.get(`/gifts/${donationId}?payment_intent=pi_3TestIntent&redirect_status=failed`);
    expect(back.response.headers.get('location')).toBe(`/gifts/${donationId}/pay?failed=authentication`);
    expect((await donor.get(`/gifts/${donationId}/pay?failed=authentication`)).text).toContain(
      'The card check with your bank did not go through',
    );
  });

  it('when the gift moves on, then its page shows the receipt code and each stage, and the status part follows it', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    donor.jar.set('gift', `${receiptCode}~${clientSecret}`);
    const waiting = await donor.get(`/gifts/${donationId}`);
    expect(waiting.text).toContain(
      `<code id="receipt-code" class="receipt-code" dir="ltr">${receiptCode}</code>`,
    );
    expect(waiting.text).toContain('data-stage="awaiting-payment"');
    world.gift = giftView({
      related: [
        {
          id: 'm1',
          amount: 2500,
          currency: 'EUR',
          fee: 135,
          net: 2565,
          status: 'succeeded',
          succeededAt: '2026-01-02T00:01:00Z',
        },
      ],
    });
    const confirmed = await donor.get(`/gifts/${donationId}/status`);
    expect(confirmed.text).toContain('data-stage="confirmed"');
    expect(confirmed.text).toContain('its fee was $1.35, and $25.65 reached the campaign');
    const file = await donor.get(`/gifts/${donationId}/receipt.txt`);
    expect(file.response.headers.get('content-disposition')).toBe(
      'attachment; filename="receipt-d_0123456789abcdef01234567.txt"',
    );
    expect(file.text).toContain(receiptCode);
    expect(file.text).toContain('https://give.example.org/trace');
  });

  it('when another browser opens a gift’s page, then it learns nothing and is told where to go', async () => {
    const { base } = await start();
    const stranger = await browser(base).get(`/gifts/${donationId}`);
    expect(stranger.response.status).toBe(404);
    expect(stranger.text).not.toContain(receiptCode);
    expect(stranger.text).toContain('/gifts/manage');
  });

  it('when a monthly donor opens their gifts with the code and stops the plan, then it is stopped once and the page says so', async () => {
    const { base, world } = await start();
    const donor = browser(base);
    const form = await donor.get('/gifts/manage');
    const opened = await donor.post('/gifts/manage', { csrf: hidden(form.text, 'csrf'), receiptCode });
    expect(opened.text).toContain('Stop my monthly gift');
    const stopped = await donor.post('/gifts/manage/cancel', {
      csrf: hidden(opened.text, 'csrf'),
      receiptCode,
      donationId,
    });
    expect(world.canceled).toEqual([donationId]);
    expect(stopped.text).toContain('Your monthly gift is stopped.');
    expect(stopped.text).not.toContain('Stop my monthly gift</button>');
    const forged = await donor.post('/gifts/manage/cancel', { receiptCode, donationId });
    expect(forged.response.status).toBe(403);
    expect(world.canceled).toHaveLength(1);
  });

  it('when payments run through Stripe, then the payment page loads Stripe.js under a policy that allows Stripe only there', async () => {
    const { base } = await start({ payments: 'stripe' });
    const donor = browser(base);
    donor.jar.set('gift', `${receiptCode}~${clientSecret}`);
    const pay = await donor.get(`/gifts/${donationId}/pay`);
    const policy = pay.response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self' https://js.stripe.com");
    expect(policy).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
    expect(pay.text).toContain('<script src="https://js.stripe.com/v3/"></script>');
    expect(pay.text).toContain(`"returnUrl":"https://give.example.org/gifts/${donationId}"`);
    expect(pay.text).not.toContain('TEST MODE');
    const campaignPage = await donor.get(`/campaigns/${campaignId}`);
    expect(campaignPage.response.headers.get('content-security-policy')).not.toContain('stripe');
  });

  it.each(['en', 'fr', 'ar', 'ur', 'so', 'es', 'uk', 'ht'])(
    'when every giving page is rendered in %s, then no message is missing',
    async (locale) => {
      const { base, world } = await start();
      const donor = browser(base);
      donor.jar.set('lang', locale);
      donor.jar.set('gift', `${receiptCode}~${clientSecret}`);
      const pages: string[] = [(await donor.get('/organizations/o1')).text];
      const form = await donor.get(`/campaigns/${campaignId}/give?currency=EUR`);
      pages.push(form.text, (await donor.get(`/campaigns/${campaignId}`)).text);
      pages.push(
        (
          await donor.post(`/campaigns/${campaignId}/give`, {
            csrf: hidden(form.text, 'csrf'),
            currency: 'EUR',
            amount: 'other',
            customAmount: '1.2345',
            email: 'x',
            showName: 'on',
            geographyConsent: 'on',
            countryOfResidence: 'XX',
          })
        ).text,
      );
      pages.push(
        (await donor.get(`/gifts/${donationId}/pay?failed=authentication`)).text,
        (await donor.get(`/gifts/${donationId}`)).text,
        (await donor.get(`/gifts/${donationId}/receipt.txt`)).text,
      );
      world.gift = giftView({
        interval: 'once',
        status: 'succeeded',
        fee: 103,
        net: 2397,
        currency: 'USD',
        subscriptionStatus: null,
      });
      pages.push((await donor.get(`/gifts/${donationId}`)).text);
      const manage = await donor.get('/gifts/manage');
      pages.push(
        manage.text,
        (await donor.post('/gifts/manage', { csrf: hidden(manage.text, 'csrf'), receiptCode })).text,
        (
          await donor.post('/gifts/manage', {
            csrf: hidden(manage.text, 'csrf'),
            receiptCode: 'AAAA-AAAA-AAAA-AAAA',
          })
        ).text,
      );
      donor.jar.delete('gift');
      pages.push((await donor.get(`/gifts/${donationId}`)).text);
      for (const page of pages) expect(page).not.toContain('⟦');
    },
  );
});
