import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { topics } from '@aid/contracts';
import { startTestService, type TestService } from '@aid/campaign-service/test-service.ts';
import { catchUpTimeoutMs, giftSucceeded, publishTwice, startServiceUnderTest, type ServiceUnderTest } from '@aid/disbursement-service/testing/service-under-test.ts';
import { createLogger } from '@aid/telemetry';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../app.ts';
import { campaignClient } from '../../campaign-client.ts';
import { formGuard } from '../../http/form-guard.ts';
import type { LedgerClient } from '../../ledger-client.ts';
import { consoleSessions, type ConsoleSessions } from '../console-session.ts';

// A 1×1 PNG: the disbursement service checks an evidence file's bytes are of the type it is sent as.
const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const noLedger = new Proxy({} as LedgerClient, { get: () => () => Promise.reject(new Error('the money console reads no ledger')) });

let campaignService: TestService;
let disbursementService: ServiceUnderTest;
let server: Server;
let web: string;
let sessions: ConsoleSessions;

interface Person {
  key: string;
  memberId: string;
  role: 'admin' | 'approver' | 'field-officer';
  organizationId: string;
}

/** A browser signed in with a member's API key: keeps the cookies the site sets, follows no redirects. */
function browserOf(person: Person) {
  const jar = new Map<string, string>();
  jar.set(
    'console',
    sessions.cookieValueFor({
      token: person.key,
      memberId: person.memberId,
      name: `A ${person.role}`,
      email: null,
      role: person.role,
      organizationId: person.organizationId,
      organizationName: 'Sindh Relief Diaspora UK',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      lastSeenAt: new Date().toISOString(),
    }),
  );
  async function send(method: string, path: string, body?: URLSearchParams | FormData) {
    const headers: Record<string, string> = { 'accept-language': 'en', cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
    const response = await fetch(`${web}${path}`, { method, headers, redirect: 'manual', ...(body ? { body } : {}) });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (value.join('=') !== '') jar.set(name, value.join('='));
    }
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, form: Record<string, string>) => send('POST', path, new URLSearchParams(form)),
    upload: (path: string, form: FormData) => send('POST', path, form),
  };
}

const hidden = (text: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(text)?.[1] ?? '';
const text = (pageHtml: string) => pageHtml.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, '\u0027').replace(/&quot;/g, '"').replace(/\s+/g, ' ');

async function organizationWithPeople() {
  const organization = await campaignService.organization();
  const person = async (role: Person['role'], key: string): Promise<Person> => {
    const me = await campaignService.call('GET', '/v1/me', { key });
    return { key, role, organizationId: organization.id, memberId: (me.body as { member: { id: string } }).member.id };
  };
  const admin = await person('admin', organization.adminKey);
  const approver = await person('approver', await campaignService.member(organization.id, organization.adminKey, 'approver'));
  const officer = await person('field-officer', await campaignService.member(organization.id, organization.adminKey, 'field-officer'));
  return { organizationId: organization.id, admin, approver, officer };
}

beforeAll(async () => {
  disbursementService = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL);
  campaignService = await startTestService();
  const secret = randomBytes(32);
  sessions = consoleSessions(secret);
  const app = buildWebApp({
    ledger: noLedger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns: campaignClient(campaignService.service.url),
    console: {
      sessions,
      forms: formGuard(secret),
      services: { campaign: campaignService.service.url, donation: 'http://127.0.0.1:9', disbursement: disbursementService.service.url },
    },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  web = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, catchUpTimeoutMs + 30_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await campaignService?.stop();
  await disbursementService?.stop();
});

describe('the money console', () => {
  it('when a field officer requests, another member approves, an admin pays out and the officer reports a delivery with a photo, then each page shows it', async () => {
    const { admin, approver, officer } = await organizationWithPeople();
    const campaign = await campaignService.campaign(admin.key);
    expect((await campaignService.call('POST', `/v1/campaigns/${campaign.id}/publish`, { key: admin.key })).status).toBe(200);
    // The disbursement service learns of the campaign and its members from the campaign service's events.
    await eventually(async () => expect((await disbursementService.call('GET', `/v1/campaigns/${campaign.id}/funds`, officer.key)).status).toBe(200), { timeoutMs: 30_000 });
    await publishTwice(topics.donation, [giftSucceeded(campaign.id, { amount: 100_000, fee: 3_200 })]);
    await eventually(async () => expect((await disbursementService.call('GET', `/v1/campaigns/${campaign.id}/funds`, officer.key)).body.raised).toBe(100_000));

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
    const approved = await asApprover.post(`${disbursementPath}/decide`, { csrf: hidden(decide.text, 'csrf'), formKey: hidden(decide.text, 'formKey'), decision: 'approve', comment: 'Quotes checked' });
    expect(approved).toMatchObject({ status: 303, location: `${disbursementPath}?done=approved` });
    const afterApproval = text((await asApprover.get(approved.location ?? '')).text);
    expect(afterApproval).toContain('Approved by A approver');
    expect(afterApproval).toContain('Quotes checked');
    expect(afterApproval).toContain('Approvals: 1 of 1');

    const asAdmin = browserOf(admin);
    const payoutPage = await asAdmin.get(disbursementPath);
    expect(payoutPage.text).toContain('Record payout');
    const paid = await asAdmin.post(`${disbursementPath}/payout`, { csrf: hidden(payoutPage.text, 'csrf'), formKey: hidden(payoutPage.text, 'formKey'), reference: 'HBL-2026-0042' });
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
    expect(text((await asOfficer.get(`/console/money/campaigns/${campaign.id}`)).text)).not.toContain('Refund a gift');
  }, 120_000);

  it('when the requester approves their own request, then the service’s reason is shown and nothing changes; a missing anti-forgery token or another organization is refused', async () => {
    const { admin } = await organizationWithPeople();
    const campaign = await campaignService.campaign(admin.key);
    await campaignService.call('POST', `/v1/campaigns/${campaign.id}/publish`, { key: admin.key });
    await eventually(async () => expect((await disbursementService.call('GET', `/v1/campaigns/${campaign.id}/funds`, admin.key)).status).toBe(200), { timeoutMs: 30_000 });
    await publishTwice(topics.donation, [giftSucceeded(campaign.id, { amount: 20_000 })]);
    await eventually(async () => expect((await disbursementService.call('GET', `/v1/campaigns/${campaign.id}/funds`, admin.key)).body.available).toBe(20_000));

    const asAdmin = browserOf(admin);
    const form = await asAdmin.get(`/console/money/campaigns/${campaign.id}/request`);
    const fields = { formKey: hidden(form.text, 'formKey'), amount: '100', recipientName: 'Sehwan Relief Kitchen', recipientCountry: 'PK', purpose: 'Cooked meals', sector: 'Food' };
    expect((await asAdmin.post(`/console/money/campaigns/${campaign.id}/request`, fields)).status).toBe(403);
    expect((await disbursementService.call('GET', `/v1/campaigns/${campaign.id}/disbursements`, admin.key)).body.disbursements).toEqual([]);
    const requested = await asAdmin.post(`/console/money/campaigns/${campaign.id}/request`, { ...fields, csrf: hidden(form.text, 'csrf') });
    const path = (requested.location ?? '').replace(/\?.*$/, '');
    const page = await asAdmin.get(path);
    expect(text(page.text)).toContain('You requested this disbursement');
    const own = await asAdmin.post(`${path}/decide`, { csrf: hidden(page.text, 'csrf'), formKey: hidden(page.text, 'formKey'), decision: 'approve' });
    expect(own.status).toBe(403);
    expect(text(own.text)).toContain('Not done: the member who requested a disbursement cannot approve or reject it (maker-checker)');
    expect(text(own.text)).toContain('Approvals: 0 of 1');
    expect((await asAdmin.post(`${path}/cancel`, { formKey: hidden(page.text, 'formKey') })).status).toBe(403);

    const stranger = await organizationWithPeople();
    const asStranger = browserOf(stranger.admin);
    expect((await asStranger.get(path)).status).toBe(404);
    expect((await asStranger.get(`/console/money/campaigns/${campaign.id}`)).status).toBe(404);
    const strangerPage = await asStranger.get('/console/money');
    const refusedChange = await asStranger.post(`${path}/payout`, { csrf: hidden(strangerPage.text, 'csrf'), formKey: randomBytes(8).toString('hex'), reference: 'X-1' });
    expect(refusedChange.status).toBe(404);
    expect((await disbursementService.call('GET', `/v1/disbursements/${path.split('/').pop() ?? ''}`, admin.key)).body.status).toBe('requested');

    const signedOut = await fetch(`${web}/console/money`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fmoney');
  }, 120_000);
});
