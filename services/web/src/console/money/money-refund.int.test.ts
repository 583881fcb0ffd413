import { randomBytes } from 'node:crypto';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoneyUnderTest, startTimeoutMs, type MoneyUnderTest, type Person } from './money-under-test.ts';

let sut: MoneyUnderTest;

const hidden = (text: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(text)?.[1] ?? '';
const text = (pageHtml: string) =>
  pageHtml
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, '\u0027')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  sut = await startMoneyUnderTest({ donation: true });
}, startTimeoutMs);

afterAll(async () => {
  await sut?.stop();
});

function browserOf(person: Person) {
  const jar = new Map<string, string>([['console', sut.sessions.cookieValueFor(sut.sessionOf(person))]]);
  async function send(method: string, path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {
      'accept-language': 'en',
      cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    const response = await fetch(`${sut.web}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (value.join('=') !== '') jar.set(name, value.join('='));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, form: Record<string, string>) => send('POST', path, form),
  };
}

describe('refunds of gifts in the money console', () => {
  it('when an admin refunds part of a gift, then the donation service takes it and the page says so; beyond the policy’s limit, or by a field officer, its refusal is shown', async () => {
    const { admin, officer } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 1_000);
    const { donationId } = await sut.paidGift(campaign.id, 5_000, 175);

    const asAdmin = browserOf(admin);
    const page = await asAdmin.get(`/console/money/campaigns/${campaign.id}`);
    expect(text(page.text)).toContain('A gift can be refunded up to what it still holds unallocated');
    const form = {
      csrf: hidden(page.text, 'csrf'),
      donationId,
      currency: 'USD',
      reason: 'Donor gave twice by mistake',
    };

    const tooMuch = await asAdmin.post(`/console/money/campaigns/${campaign.id}/refund`, {
      ...form,
      amount: '49.00',
    });
    expect(tooMuch.status).toBe(409);
    expect(text(tooMuch.text)).toContain(
      'Not done: a refund of 4900 USD is more than this gift’s unallocated net of 4825'.replace('’', "'"),
    );

    // Every admin action needs the admin's keys to reach the donation service too.
    let refunded = { status: 0, location: null as string | null, text: '' };
    await eventually(async () => {
      refunded = await asAdmin.post(`/console/money/campaigns/${campaign.id}/refund`, {
        ...form,
        amount: '10',
      });
      expect(refunded.status).toBe(303);
    });
    const confirmed = await asAdmin.get(refunded.location ?? '');
    expect(text(confirmed.text)).toContain('A refund of $10.00 was asked of the payment processor.');

    const asOfficer = browserOf(officer);
    const officerPage = await asOfficer.get(`/console/money/campaigns/${campaign.id}`);
    expect(text(officerPage.text)).not.toContain('Refund a gift');
    const byOfficer = await asOfficer.post(`/console/money/campaigns/${campaign.id}/refund`, {
      csrf: hidden(officerPage.text, 'csrf'),
      donationId,
      amount: '',
      currency: 'USD',
      reason: '',
    });
    expect(byOfficer.status).toBe(403);
    expect(text(byOfficer.text)).toMatch(/Not done: .*admin/i);

    const forged = await asAdmin.post(`/console/money/campaigns/${campaign.id}/refund`, {
      donationId,
      amount: '1',
      currency: 'USD',
      reason: randomBytes(4).toString('hex'),
    });
    expect(forged.status).toBe(403);
  }, 150_000);
});
