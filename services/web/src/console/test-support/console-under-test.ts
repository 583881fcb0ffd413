import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { startTestService, type TestService } from '@aid/campaign-service/test-support/test-service.ts';
import { recordingMailer, type RecordingMailer } from '@aid/test-kit';
import { createLogger } from '@aid/telemetry';
import { buildWebApp } from '../../app.ts';
import { campaignClient } from '../../campaign-client.ts';
import { formGuard } from '../../http/form-guard.ts';
import type { LedgerClient } from '../../ledger-client.ts';
import { consoleSessions, type ConsoleSessions } from '../console-session.ts';

/** A browser in miniature: keeps the cookies the site sets and sends them back, follows no redirects. */
export function browserAt(base: string) {
  const jar = new Map<string, string>();
  async function request(
    method: string,
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value.join('=') === '') jar.delete(name);
      else jar.set(name, value.join('='));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }
  return {
    jar,
    get: (path: string) => request('GET', path),
    post: (path: string, form: Record<string, string>) => request('POST', path, form),
    /** The anti-forgery token of the last form on a page. */
    csrfOf: (text: string) => /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '',
  };
}

export interface ConsoleUnderTest {
  url: string;
  campaign: TestService;
  mailer: RecordingMailer;
  sessions: ConsoleSessions;
  stop(): Promise<void>;
}

const noLedger = new Proxy({} as LedgerClient, {
  get: () => () => Promise.reject(new Error('the console tests read no ledger')),
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The web with its console, in front of a real campaign service (sign-in by email and passkeys) in-process. The
 * web is reached as http://localhost:<port>: passkeys are bound to a host name, and links in emails point there.
 */
export async function startConsoleUnderTest(): Promise<ConsoleUnderTest> {
  const mailer = recordingMailer();
  const webSecret = randomBytes(32);
  const port = await freePort();
  const webUrl = `http://localhost:${port}`;
  const campaign = await startTestService(
    {
      SESSION_SIGNING_KEY: randomBytes(32).toString('base64'),
      PUBLIC_WEB_URL: webUrl,
      RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1000/1m',
      RATE_LIMIT_SIGN_IN_PER_EMAIL: '1000/1m',
    },
    { mailer },
  );
  const sessions = consoleSessions(webSecret);
  const app = buildWebApp({
    ledger: noLedger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns: campaignClient(campaign.service.url),
    console: {
      sessions,
      forms: formGuard(webSecret),
      services: {
        campaign: campaign.service.url,
        donation: 'http://127.0.0.1:9',
        disbursement: 'http://127.0.0.1:9',
      },
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: webUrl,
    campaign,
    mailer,
    sessions,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await campaign.stop();
    },
  };
}
