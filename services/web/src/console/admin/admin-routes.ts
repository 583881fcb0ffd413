import type { Express, Request, Response } from 'express';
import { pageOf } from '../../locale.ts';
import type { ConsoleApis, ConsoleDeps } from '../console-app.ts';
import { consoleForm, formField, sendPage } from '../console-kit.ts';
import { ConsoleServiceProblem, ConsoleServiceUnavailable } from '../service-api.ts';
import { registerApplyRoutes } from './apply-routes.ts';
import {
  adminForgedPage,
  adminSignInPage,
  applicationReviewPage,
  pendingApplicationsPage,
  type DecisionFormState,
  type ReviewedApplication,
} from './admin-pages.ts';
import { adminPath, adminSessionOf, adminSessions } from './admin-session.ts';

/** Where a signed-in administrator may be sent back to: only this part of the site. */
function safeNext(next: string): string {
  return next.startsWith(`${adminPath}/`) && !next.startsWith('//') && !next.includes('\\')
    ? next
    : adminPath;
}

const emptyDecision: DecisionFormState = { decision: '', reason: '', errors: {} };

/**
 * Joining and vetting: the public application form (/apply), and the platform administrator's review of
 * applications under /console/admin, each action one of the campaign service's endpoints called with the
 * platform administrator key, so the service decides.
 */
export function registerJoiningAndVetting(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  registerApplyRoutes(app, deps);
  const { forms, apis } = deps;
  const admins = adminSessions(deps.sessions);
  const required = admins.required();

  app.get(`${adminPath}/sign-in`, (request, response) => {
    const next = safeNext(typeof request.query.next === 'string' ? request.query.next : adminPath);
    sendPage(
      response,
      200,
      adminSignInPage(pageOf(response), { csrfToken: forms.token(request, response), next }),
    );
  });

  app.post(`${adminPath}/sign-in`, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const next = safeNext(formField(request, 'next'));
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, adminForgedPage(page, `${adminPath}/sign-in`));
    const key = formField(request, 'key');
    const again = (error: string) =>
      sendPage(
        response,
        401,
        adminSignInPage(page, { csrfToken: forms.token(request, response), next, error }),
      );
    if (key === '') return again(page.t('console.form.required'));
    try {
      // The campaign service says whether this is the platform administrator key: it reads applications only for that key.
      await apis.campaign({ token: key }, '/v1/organization-applications?status=pending', {
        clientAddress: request.ip,
      });
    } catch (error) {
      if (error instanceof ConsoleServiceProblem && (error.status === 401 || error.status === 403))
        return again(page.t('console.admin.keyRefused'));
      throw error;
    }
    admins.start(request, response, key, page.t('console.admin.title'));
    response.redirect(303, next);
  });

  app.post(`${adminPath}/sign-out`, consoleForm, (request, response) => {
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, adminForgedPage(pageOf(response), adminPath));
    admins.clear(request, response);
    response.redirect(303, `${adminPath}/sign-in`);
  });

  /** A call as the administrator; a key that stopped working (changed on the service) signs this browser out. */
  async function asAdmin<T>(
    request: Request,
    response: Response,
    path: string,
    options: Parameters<ConsoleApis['campaign']>[2] = {},
  ): Promise<T | null> {
    try {
      return await apis.campaign<T>(adminSessionOf(response), path, {
        ...options,
        clientAddress: request.ip,
      });
    } catch (error) {
      if (error instanceof ConsoleServiceProblem && (error.status === 401 || error.status === 403)) {
        admins.clear(request, response);
        response.redirect(303, `${adminPath}/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
        return null;
      }
      throw error;
    }
  }

  app.get(adminPath, required, async (request, response) => {
    const pending = await asAdmin<{ applications: ReviewedApplication[] }>(
      request,
      response,
      '/v1/organization-applications?status=pending',
    );
    if (!pending) return;
    sendPage(
      response,
      200,
      pendingApplicationsPage(pageOf(response), pending.applications, forms.token(request, response)),
    );
  });

  app.get(`${adminPath}/applications/:id`, required, async (request, response) => {
    const application = await asAdmin<ReviewedApplication>(
      request,
      response,
      `/v1/organization-applications/${encodeURIComponent(String(request.params.id))}`,
    );
    if (!application) return;
    sendPage(
      response,
      200,
      applicationReviewPage(pageOf(response), application, {
        csrfToken: forms.token(request, response),
        form: emptyDecision,
        decided: request.query.decided === '1',
      }),
    );
  });

  app.post(`${adminPath}/applications/:id/decision`, required, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const id = String(request.params.id);
    const here = `${adminPath}/applications/${encodeURIComponent(id)}`;
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, adminForgedPage(page, here));
    const form: DecisionFormState = {
      decision: formField(request, 'decision'),
      reason: formField(request, 'reason'),
      errors: {},
    };
    if (form.decision !== 'approve' && form.decision !== 'reject')
      form.errors.decision = t('console.admin.chooseDecision');
    if (form.reason === '') form.errors.reason = t('console.form.required');
    const again = async (status: number, state: DecisionFormState) => {
      const application = await asAdmin<ReviewedApplication>(
        request,
        response,
        `/v1/organization-applications/${encodeURIComponent(id)}`,
      );
      if (application)
        sendPage(
          response,
          status,
          applicationReviewPage(page, application, {
            csrfToken: forms.token(request, response),
            form: state,
            decided: false,
          }),
        );
    };
    if (Object.keys(form.errors).length > 0) return again(400, form);
    try {
      const decided = await asAdmin(
        request,
        response,
        `/v1/organization-applications/${encodeURIComponent(id)}/decision`,
        { json: { decision: form.decision, reason: form.reason } },
      );
      if (decided === null) return;
    } catch (error) {
      // Decided meanwhile (another tab, another administrator): the page shows the decision that stands.
      if (error instanceof ConsoleServiceProblem && error.status !== 404)
        return again(error.status, { ...form, problem: error.detail });
      throw error;
    }
    response.redirect(303, `${here}?decided=1`);
  });

  app.get(`${adminPath}/applications/:id/documents/:documentId`, required, async (request, response) => {
    const path = `/v1/organization-applications/${encodeURIComponent(String(request.params.id))}/documents/${encodeURIComponent(String(request.params.documentId))}`;
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(`${deps.services.campaign}${path}`, {
        headers: { authorization: `Bearer ${adminSessionOf(response).token}` },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ConsoleServiceUnavailable(`${path}: ${(error as Error).message}`);
    }
    if (upstream.status >= 500) throw new ConsoleServiceUnavailable(`${path}: ${upstream.status}`);
    if (!upstream.ok) throw new ConsoleServiceProblem(upstream.status, 'refused', page404(upstream.status));
    // An applicant's file: always a download, never rendered on this site's origin, its type as the service checked it.
    response
      .status(200)
      .type(upstream.headers.get('content-type') ?? 'application/octet-stream')
      .set({
        'content-disposition': upstream.headers.get('content-disposition') ?? 'attachment',
        'x-content-type-options': 'nosniff',
        'x-content-sha256': upstream.headers.get('x-content-sha256') ?? '',
        'cache-control': 'private, no-store',
      })
      .send(Buffer.from(await upstream.arrayBuffer()));
  });
}

function page404(status: number): string {
  return status === 404
    ? 'no such document on this application'
    : 'the campaign service refused the download';
}
