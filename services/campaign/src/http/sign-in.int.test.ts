import { randomBytes } from 'node:crypto';
import { recordingMailer } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';

const session = (answer: { body: unknown }) => (answer.body as { sessionToken: string }).sessionToken;

describe('people sign in by an emailed link and act with their own role', () => {
  let service: TestService;
  const mailer = recordingMailer();
  const linkToken = (address: string) => mailer.linkTo(address).searchParams.get('token') ?? '';
  let organizationId: string;
  let adminKey: string;
  const adminEmail = `amina.${randomBytes(3).toString('hex')}@example.org`;

  beforeAll(async () => {
    service = await startTestService(
      {
        SESSION_SIGNING_KEY: randomBytes(32).toString('base64'),
        PUBLIC_WEB_URL: 'http://localhost:4999',
        RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1000/1m',
        RATE_LIMIT_SIGN_IN_PER_EMAIL: '6/1h',
      },
      { mailer },
    );
    const answer = await service.call('POST', '/v1/organizations', {
      key: service.platformKey,
      body: {
        name: 'Haiti Diaspora Relief',
        country: 'US',
        kind: 'diaspora-association',
        admin: { name: 'Amina Shah', email: adminEmail },
      },
    });
    ({ id: organizationId, apiKey: adminKey } = answer.body as { id: string; apiKey: string });
  }, 60_000);
  afterAll(() => service?.stop());

  it('when a member asks for a link, then one email in their language carries it, and an unknown address gets the same answer and no email', async () => {
    const asked = await service.call('POST', '/v1/sign-in/email', {
      body: { email: adminEmail.toUpperCase(), locale: 'fr' },
    });
    expect(asked.status).toBe(202);
    const mail = mailer.sent.at(-1);
    expect(mail?.to).toBe(adminEmail);
    expect(mail?.language).toBe('fr');
    expect(mail?.text).toContain('Pour vous connecter à Haiti Diaspora Relief');
    expect(mail?.text).toMatch(/http:\/\/localhost:4999\/console\/sign-in\/link\?token=[A-Za-z0-9_-]{43}/);

    const before = mailer.sent.length;
    const unknown = await service.call('POST', '/v1/sign-in/email', {
      body: { email: 'nobody@example.org' },
    });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(asked.body);
    expect(mailer.sent.length).toBe(before);
  });

  it('when the link is used, then the session acts as that member and the record names them; used again, it is refused', async () => {
    await service.call('POST', '/v1/sign-in/email', { body: { email: adminEmail } });
    const token = linkToken(adminEmail);
    const signedIn = await service.call('POST', '/v1/sign-in/link', { body: { token } });
    expect(signedIn.status).toBe(201);
    const body = signedIn.body as {
      member: { id: string; role: string };
      organization: { id: string };
      expiresAt: string;
    };
    expect(body.member.role).toBe('admin');
    expect(body.organization.id).toBe(organizationId);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3_600_000);

    const me = await service.call('GET', '/v1/me', { key: session(signedIn) });
    expect(me.status).toBe(200);
    expect((me.body as { member: { email: string } }).member.email).toBe(adminEmail);

    const created = await service.call('POST', '/v1/campaigns', {
      key: session(signedIn),
      body: {
        title: 'Clean water for Jérémie',
        summary: 'Filters for families.',
        goal: { amount: 1_000_000, currency: 'USD' },
        crisis: { kind: 'earthquake', countries: ['HT'] },
      },
    });
    expect(created.status).toBe(201);
    const audit = await service.call('GET', `/v1/organizations/${organizationId}/audit`, { key: adminKey });
    expect(audit.status).toBe(200);

    const again = await service.call('POST', '/v1/sign-in/link', { body: { token } });
    expect(again.status).toBe(409);
    expect(problemOf(again).code).toBe('sign-in-link-used');
    const unknown = await service.call('POST', '/v1/sign-in/link', {
      body: { token: randomBytes(32).toString('base64url') },
    });
    expect(unknown.status).toBe(401);
    expect(problemOf(unknown).code).toBe('sign-in-link-unknown');
  });

  it('when the member signs out everywhere, then their sessions stop working but a new sign-in does', async () => {
    await service.call('POST', '/v1/sign-in/email', { body: { email: adminEmail } });
    const first = session(
      await service.call('POST', '/v1/sign-in/link', { body: { token: linkToken(adminEmail) } }),
    );
    expect((await service.call('POST', '/v1/me/sign-out-everywhere', { key: first })).status).toBe(204);
    const refused = await service.call('GET', '/v1/me', { key: first });
    expect(refused.status).toBe(401);
    expect(problemOf(refused).code).toBe('session-ended');
    // Session tokens carry whole seconds: a sign-in in the same second as the sign-out would count as before it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await service.call('POST', '/v1/sign-in/email', { body: { email: adminEmail } });
    const second = session(
      await service.call('POST', '/v1/sign-in/link', { body: { token: linkToken(adminEmail) } }),
    );
    expect((await service.call('GET', '/v1/me', { key: second })).status).toBe(200);
    // The API key is a machine's, not a session: it keeps working.
    expect((await service.call('GET', '/v1/me', { key: adminKey })).status).toBe(200);
  });

  it('when an admin invites a member, then the invitation signs them in with their role, and removing them ends their session', async () => {
    const email = `omar.${randomBytes(3).toString('hex')}@example.org`;
    const added = await service.call('POST', `/v1/organizations/${organizationId}/members`, {
      key: adminKey,
      body: { name: 'Omar Farah', email, role: 'field-officer', invite: true, locale: 'so' },
    });
    expect(added.status).toBe(201);
    expect((added.body as { invitation: string }).invitation).toBe('sent');
    const invitation = mailer.sent.at(-1);
    expect(invitation?.subject).toContain('Haiti Diaspora Relief');
    expect(invitation?.language).toBe('so');
    const officer = await service.call('POST', '/v1/sign-in/link', { body: { token: linkToken(email) } });
    expect((officer.body as { member: { role: string } }).member.role).toBe('field-officer');

    // Their role still decides: a field officer cannot add members.
    const notAllowed = await service.call('POST', `/v1/organizations/${organizationId}/members`, {
      key: session(officer),
      body: { name: 'X', email: 'x@example.org', role: 'admin' },
    });
    expect(notAllowed.status).toBe(403);

    const memberId = (added.body as { id: string }).id;
    expect(
      (
        await service.call('DELETE', `/v1/organizations/${organizationId}/members/${memberId}`, {
          key: adminKey,
        })
      ).status,
    ).toBe(200);
    const afterRemoval = await service.call('GET', '/v1/me', { key: session(officer) });
    expect(afterRemoval.status).toBe(401);
  });

  it('when one address asks for links again and again, then it is limited and the answer says so', async () => {
    const email = `limit.${randomBytes(3).toString('hex')}@example.org`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1)
      statuses.push((await service.call('POST', '/v1/sign-in/email', { body: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429]);
  });

  it('when a session token is forged or for nobody, then it is refused as unauthenticated', async () => {
    const forged = await service.call('GET', '/v1/me', { key: 'aid_s.eyJhbGciOiJFZERTQSJ9.e30.AAAA' });
    expect(forged.status).toBe(401);
    expect(problemOf(forged).detail).toMatch(/not valid/);
  });
});
