import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTimeoutMs, startMoneyUnderTest, type MoneyUnderTest, type Person } from './money-under-test.ts';

// A 1×1 PNG: the disbursement service checks an evidence file's bytes are of the type it is sent as.
const photo = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let sut: MoneyUnderTest;

/** A browser signed in as the person: keeps the cookies the site sets, follows no redirects. */
function browserOf(person: Person) {
  const jar = new Map<string, string>([['console', sut.sessions.cookieValueFor(sut.sessionOf(person))]]);
  async function send(method: string, path: string, body?: URLSearchParams | FormData) {
    const headers: Record<string, string> = {
      'accept-language': 'en',
      cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    const response = await fetch(`${sut.web}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body ? { body } : {}),
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
    post: (path: string, form: Record<string, string>) => send('POST', path, new URLSearchParams(form)),
    upload: (path: string, form: FormData) => send('POST', path, form),
  };
}

const hidden = (text: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(text)?.[1] ?? '';
const text = (pageHtml: string) =>
  pageHtml
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, '\u0027')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  sut = await startMoneyUnderTest();
}, startTimeoutMs);

afterAll(async () => {
  await sut?.stop();
});

describe('the money console', () => {
  it('when a field officer requests, another member approves, an admin pays out and the officer reports a delivery with a photo, then each page shows it', async () => {
    const { admin, approver, officer } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 100_000);

    const asOfficer = browserOf(officer);
    const overview = await asOfficer.get('/console/money');
    expect(overview.status).toBe(200);
    expect(text(overview.text)).toContain(campaign.title);
    expect(text(overview.text)).toContain('Available to request $968.00');

    const form = await asOfficer.get(`/console/money/campaigns/${campaign.id}/request`);
    const request = {
      csrf: hidden(form.text, 'csrf'),
      formKey: hidden(form.text, 'formKey'),
      amount: '250.50',
      recipientName: 'Dadu Women’s Water Committee',
      recipientCountry: 'pk',
      local: 'yes',
      purpose: 'Water purification tablets for 400 families',
      sector: 'WASH',
    };
    const requested = await asOfficer.post(`/console/money/campaigns/${campaign.id}/request`, request);
    expect(requested.status).toBe(303);
    // The same form sent twice (a double click) is one disbursement.
    const twice = await asOfficer.post(`/console/money/campaigns/${campaign.id}/request`, request);
    expect(twice.location).toBe(requested.location);
    const disbursementPath = (requested.location ?? '').replace(/\?.*$/, '');
    const shown = await asOfficer.get(requested.location ?? '');
    expect(text(shown.text)).toContain('Disbursement requested.');
    expect(text(shown.text)).toContain('$250.50 to Dadu Women’s Water Committee');
    expect(text(shown.text)).toContain('Approvals: 0 of 1');
    expect(text(shown.text)).toContain('Requested by A field-officer');
    const listed = await asOfficer.get(`/console/money/campaigns/${campaign.id}`);
    expect(listed.text.match(/href="\/console\/money\/disbursements\//g)).toHaveLength(1);

    const asApprover = browserOf(approver);
    const decide = await asApprover.get(disbursementPath);
    const approved = await asApprover.post(`${disbursementPath}/decide`, {
      csrf: hidden(decide.text, 'csrf'),
      formKey: hidden(decide.text, 'formKey'),
      decision: 'approve',
      comment: 'Quotes checked',
    });
    expect(approved).toMatchObject({ status: 303, location: `${disbursementPath}?done=approved` });
    const afterApproval = text((await asApprover.get(approved.location ?? '')).text);
    expect(afterApproval).toContain('Approved by A approver');
    expect(afterApproval).toContain('Quotes checked');
    expect(afterApproval).toContain('Approvals: 1 of 1');

    const asAdmin = browserOf(admin);
    const payoutPage = await asAdmin.get(disbursementPath);
    expect(payoutPage.text).toContain('Record payout');
    const paid = await asAdmin.post(`${disbursementPath}/payout`, {
      csrf: hidden(payoutPage.text, 'csrf'),
      formKey: hidden(payoutPage.text, 'formKey'),
      reference: 'HBL-2026-0042',
    });
    expect(paid.location).toBe(`${disbursementPath}?done=paid`);
    expect(text((await asAdmin.get(paid.location ?? '')).text)).toContain('Reference: HBL-2026-0042');

    const deliveryPage = await asOfficer.get(disbursementPath);
    const upload = new FormData();
    upload.set('csrf', hidden(deliveryPage.text, 'csrf'));
    upload.set('formKey', hidden(deliveryPage.text, 'formKey'));
    upload.set('deliveredOn', new Date().toISOString().slice(0, 10));
    upload.set('beneficiaries', '400');
    upload.set('description', 'Tablets handed out at the Dadu camp');
    upload.set('country', 'PK');
    upload.set('area', 'Dadu');
    upload.set('evidence', new Blob([photo], { type: 'image/png' }), 'handover.png');
    const delivered = await asOfficer.upload(`${disbursementPath}/deliveries`, upload);
    expect(delivered).toMatchObject({ status: 303, location: `${disbursementPath}?done=delivered` });
    const deliveredPage = text((await asOfficer.get(delivered.location ?? '')).text);
    expect(deliveredPage).toContain('Delivery reported.');
    expect(deliveredPage).toContain('handover.png');
    expect(deliveredPage).toContain(createHash('sha256').update(photo).digest('hex'));

    const moneyNow = text((await asAdmin.get(`/console/money/campaigns/${campaign.id}`)).text);
    expect(moneyNow).toContain('Paid out $250.50');
    expect(moneyNow).toContain('Delivered');
    expect(moneyNow).toContain('Refund a gift');
    expect(text((await asOfficer.get(`/console/money/campaigns/${campaign.id}`)).text)).not.toContain(
      'Refund a gift',
    );
  }, 120_000);

  it('when a disbursement is at or above the campaign’s threshold, then it shows that two approvers are needed and waits for the second', async () => {
    const { admin, approver, officer } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 100_000, 50_000);
    const asOfficer = browserOf(officer);
    const form = await asOfficer.get(`/console/money/campaigns/${campaign.id}/request`);
    const requested = await asOfficer.post(`/console/money/campaigns/${campaign.id}/request`, {
      csrf: hidden(form.text, 'csrf'),
      formKey: hidden(form.text, 'formKey'),
      amount: '600',
      recipientName: 'Larkana Shelter Cooperative',
      recipientCountry: 'PK',
      local: 'no',
      purpose: 'Tarpaulins and poles for 120 shelters',
      sector: 'Shelter',
    });
    const path = (requested.location ?? '').replace(/\?.*$/, '');
    const requestedPage = text((await asOfficer.get(path)).text);
    expect(requestedPage).toContain('Approvals: 0 of 2');
    expect(requestedPage).toContain('At or above the campaign’s threshold of $500.00: 2 different approvers');
    expect(requestedPage).toContain('not a local partner');

    for (const [person, count, status] of [
      [approver, 'Approvals: 1 of 2', 'Waiting for approval'],
      [admin, 'Approvals: 2 of 2', 'Approved, money reserved'],
    ] as const) {
      const asPerson = browserOf(person);
      const page = await asPerson.get(path);
      const approved = await asPerson.post(`${path}/decide`, {
        csrf: hidden(page.text, 'csrf'),
        formKey: hidden(page.text, 'formKey'),
        decision: 'approve',
      });
      expect(approved.status).toBe(303);
      const after = text((await asPerson.get(path)).text);
      expect(after).toContain(count);
      expect(after).toContain(status);
    }
  }, 120_000);

  it('when the requester approves their own request, then the service’s reason is shown and nothing changes; a missing anti-forgery token or another organization is refused', async () => {
    const { admin } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 20_000);

    const asAdmin = browserOf(admin);
    const form = await asAdmin.get(`/console/money/campaigns/${campaign.id}/request`);
    const fields = {
      formKey: hidden(form.text, 'formKey'),
      amount: '100',
      recipientName: 'Sehwan Relief Kitchen',
      recipientCountry: 'PK',
      purpose: 'Cooked meals',
      sector: 'Food',
    };
    expect((await asAdmin.post(`/console/money/campaigns/${campaign.id}/request`, fields)).status).toBe(403);
    expect(
      (
        (await sut.disbursement('GET', `/v1/campaigns/${campaign.id}/disbursements`, admin.key)).body as {
          disbursements: unknown[];
        }
      ).disbursements,
    ).toEqual([]);
    const requested = await asAdmin.post(`/console/money/campaigns/${campaign.id}/request`, {
      ...fields,
      csrf: hidden(form.text, 'csrf'),
    });
    const path = (requested.location ?? '').replace(/\?.*$/, '');
    const page = await asAdmin.get(path);
    expect(text(page.text)).toContain('You requested this disbursement');
    const own = await asAdmin.post(`${path}/decide`, {
      csrf: hidden(page.text, 'csrf'),
      formKey: hidden(page.text, 'formKey'),
      decision: 'approve',
    });
    expect(own.status).toBe(403);
    expect(text(own.text)).toContain(
      'Not done: the member who requested a disbursement cannot approve or reject it (maker-checker)',
    );
    expect(text(own.text)).toContain('Approvals: 0 of 1');
    expect((await asAdmin.post(`${path}/cancel`, { formKey: hidden(page.text, 'formKey') })).status).toBe(
      403,
    );

    const stranger = await sut.organizationWithPeople();
    const asStranger = browserOf(stranger.admin);
    expect((await asStranger.get(path)).status).toBe(404);
    expect((await asStranger.get(`/console/money/campaigns/${campaign.id}`)).status).toBe(404);
    const strangerPage = await asStranger.get('/console/money');
    const refusedChange = await asStranger.post(`${path}/payout`, {
      csrf: hidden(strangerPage.text, 'csrf'),
      formKey: randomBytes(8).toString('hex'),
      reference: 'X-1',
    });
    expect(refusedChange.status).toBe(404);
    expect(
      (await sut.disbursement('GET', `/v1/disbursements/${path.split('/').pop() ?? ''}`, admin.key)).body,
    ).toMatchObject({ status: 'requested' });

    const signedOut = await fetch(`${sut.web}/console/money`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fmoney');
  }, 120_000);
});
