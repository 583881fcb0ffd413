import { memberRoles, type MemberRole } from '@aid/contracts';
import type { Express } from 'express';
import { pageOf } from '../locale.ts';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import {
  confirmPage,
  consoleForm,
  forgedPage,
  formField,
  refusalPage,
  sendPage,
  type ConsoleMember,
  type ConsoleOrganization,
} from './console-kit.ts';
import { sessionOf, type ConsoleSession } from './console-session.ts';
import {
  isMembersDone,
  membersPage,
  newKeyPage,
  type InviteField,
  type InviteFormState,
} from './members-pages.ts';
import { ConsoleServiceProblem } from './service-api.ts';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function organizationOf(
  apis: ConsoleApis,
  session: ConsoleSession,
): Promise<ConsoleOrganization> {
  return apis.campaign<ConsoleOrganization>(session, `/v1/organizations/${session.organizationId}`);
}

function inviteFieldOf(field: string | undefined): InviteField | null {
  return field === 'name' || field === 'email' || field === 'role' ? field : null;
}

/**
 * Members: everyone sees who is in the organization; admins invite people (by email: they sign in with a link,
 * so the new member's API key is never shown here), remove them, and rotate a member's key for integrations.
 */
export function registerMembersRoutes(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;
  const signedIn = sessions.required();
  const path = (session: ConsoleSession, memberId?: string) =>
    `/v1/organizations/${session.organizationId}/members${memberId ? `/${encodeURIComponent(memberId)}` : ''}`;

  app.get('/console/members', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const [{ members }, rule] = await Promise.all([
      organizationOf(apis, session),
      apis.campaign<{ approvalsAboveThreshold: number }>(
        session,
        `/v1/organizations/${encodeURIComponent(session.organizationId)}/settings`,
        { clientAddress: request.ip },
      ),
    ]);
    const done = isMembersDone(request.query.done) ? request.query.done : undefined;
    sendPage(
      response,
      200,
      membersPage(pageOf(response), session, forms.token(request, response), {
        members,
        done,
        approvalsAboveThreshold: rule.approvalsAboveThreshold,
      }),
    );
  });

  // A key for an integration: made by the service (admins only), shown once on this answer, never stored here.
  app.post('/console/members/integrations', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const session = sessionOf(response);
    const csrfToken = forms.token(request, response);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, '/console/members'));
    const name = formField(request, 'name');
    const role = formField(request, 'role');
    const added = await apis.campaign<{ name: string; role: MemberRole; apiKey: string }>(
      session,
      path(session),
      {
        json: { name, role },
        clientAddress: request.ip,
      },
    );
    sendPage(response, 201, newKeyPage(page, session, csrfToken, added, added.apiKey));
  });

  // The service decides (admins only, 2 to 10); a refusal shows as the console's refusal page.
  app.post('/console/members/approval-rule', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const session = sessionOf(response);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(
        response,
        403,
        forgedPage(page, session, forms.token(request, response), '/console/members'),
      );
    await apis.campaign(session, `/v1/organizations/${encodeURIComponent(session.organizationId)}/settings`, {
      method: 'PUT',
      json: { approvalsAboveThreshold: Number(formField(request, 'approvalsAboveThreshold')) },
      clientAddress: request.ip,
    });
    response.redirect(303, '/console/members?done=approval-rule-saved#approval-rule');
  });

  app.post('/console/members', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const csrfToken = forms.token(request, response);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, '/console/members'));
    const values = {
      name: formField(request, 'name'),
      email: formField(request, 'email'),
      role: formField(request, 'role'),
    };
    const again = async (status: number, invite: InviteFormState) => {
      const { members } = await organizationOf(apis, session);
      sendPage(response, status, membersPage(page, session, csrfToken, { members, invite }));
    };
    const errors: InviteFormState['errors'] = {};
    if (values.name === '') errors.name = t('console.form.required');
    if (!emailPattern.test(values.email))
      errors.email = values.email === '' ? t('console.form.required') : t('console.members.emailInvalid');
    if (!(memberRoles as readonly string[]).includes(values.role)) errors.role = t('console.form.required');
    if (Object.keys(errors).length > 0) return again(400, { values, errors });
    let added: { invitation?: 'sent' | 'failed' | 'not-asked' };
    try {
      // The answer carries the new member's API key: it is dropped here. People sign in by email; a key for an
      // integration is made deliberately, with "rotate key", and shown once then.
      added = await apis.campaign<{ invitation?: 'sent' | 'failed' | 'not-asked' }>(session, path(session), {
        json: {
          name: values.name,
          email: values.email,
          role: values.role as MemberRole,
          invite: true,
          locale: page.locale,
        },
        clientAddress: request.ip,
      });
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
      const field = inviteFieldOf(error.field);
      return again(
        error.status,
        field ? { values, errors: { [field]: error.detail } } : { values, errors: {}, problem: error.detail },
      );
    }
    const done =
      added.invitation === 'sent' ? 'invited' : added.invitation === 'failed' ? 'invitation-failed' : 'added';
    response.redirect(303, `/console/members?done=${done}`);
  });

  /** An admin's action on one member row; the service's refusal (the last admin, not an admin) is shown as it says it. */
  const memberAction = (
    suffix: string,
    run: (session: ConsoleSession, memberId: string, locale: string) => Promise<string>,
  ) =>
    app.post(`/console/members/:memberId/${suffix}`, signedIn, consoleForm, async (request, response) => {
      const page = pageOf(response);
      const session = sessionOf(response);
      const csrfToken = forms.token(request, response);
      if (!forms.accepts(request, formField(request, 'csrf')))
        return sendPage(response, 403, forgedPage(page, session, csrfToken, '/console/members'));
      try {
        response.redirect(
          303,
          `/console/members?done=${await run(session, String(request.params.memberId), page.locale)}`,
        );
      } catch (error) {
        if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
        sendPage(
          response,
          error.status,
          refusalPage(page, session, csrfToken, error.detail, '/console/members', 'members'),
        );
      }
    });

  /** The page that asks before a member's key is replaced or they are removed. */
  const confirmation = (suffix: 'remove' | 'api-key') =>
    app.get(`/console/members/:memberId/${suffix}`, signedIn, async (request, response) => {
      const page = pageOf(response);
      const { t } = page;
      const session = sessionOf(response);
      const csrfToken = forms.token(request, response);
      const { members } = await organizationOf(apis, session);
      const member = members.find(
        (candidate) => candidate.id === request.params.memberId && candidate.revokedAt === null,
      );
      if (!member)
        return sendPage(
          response,
          404,
          refusalPage(page, session, csrfToken, t('console.members.notFound'), '/console/members', 'members'),
        );
      const name = member.name;
      sendPage(
        response,
        200,
        confirmPage(page, session, csrfToken, {
          question:
            suffix === 'remove'
              ? t('console.confirm.removeQuestion', { name })
              : t('console.confirm.rotateQuestion', { name }),
          consequence:
            suffix === 'remove'
              ? t('console.confirm.removeConsequence', { name })
              : t('console.confirm.rotateConsequence'),
          action: `/console/members/${member.id}/${suffix}`,
          button: suffix === 'remove' ? t('console.members.remove') : t('console.members.rotateKey'),
          back: '/console/members',
          section: 'members',
        }),
      );
    });
  confirmation('remove');
  confirmation('api-key');

  memberAction('remove', async (session, memberId) => {
    await apis.campaign(session, path(session, memberId), { method: 'DELETE' });
    return 'removed';
  });

  memberAction('invitation', async (session, memberId, locale) => {
    await apis.campaign(session, `${path(session, memberId)}/invitations`, { json: { locale } });
    return 'invitation-sent';
  });

  app.post('/console/members/:memberId/api-key', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const session = sessionOf(response);
    const csrfToken = forms.token(request, response);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, '/console/members'));
    let rotated: ConsoleMember & { apiKey: string };
    try {
      rotated = await apis.campaign<ConsoleMember & { apiKey: string }>(
        session,
        `${path(session, String(request.params.memberId))}/api-keys`,
        { method: 'POST' },
      );
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
      return sendPage(
        response,
        error.status,
        refusalPage(page, session, csrfToken, error.detail, '/console/members', 'members'),
      );
    }
    // The key is in this answer only (sendPage marks it no-store): nothing keeps it, so it cannot be shown again.
    sendPage(response, 200, newKeyPage(page, session, csrfToken, rotated, rotated.apiKey));
  });
}
