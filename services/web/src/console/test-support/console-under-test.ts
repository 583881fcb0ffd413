import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { startMailCatcher, type MailCatcher } from '@aid/test-kit/mail-catcher';
import { freePort, openDatabase, type ServiceDatabase } from '@aid/test-kit/service-processes';
import { buildWebApp } from '../../app.ts';
import { campaignClient } from '../../campaign-client.ts';
import { formGuard } from '../../http/form-guard.ts';
import type { LedgerClient } from '../../ledger-client.ts';
import { consoleSessions, type ConsoleSessions } from '../console-session.ts';
import { startCampaignUnderTest, type CampaignUnderTest } from './campaign-under-test.ts';

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
  campaign: CampaignUnderTest;
  /** Every email the campaign service sent (sign-in links, invitations). */
  mail: MailCatcher;
  /** The campaign service's database, through the test's own connection (opened on first use). */
  campaignDatabase(): Promise<ServiceDatabase>;
  sessions: ConsoleSessions;
  stop(): Promise<void>;
}

const noLedger = new Proxy({} as LedgerClient, {
  get: () => () => Promise.reject(new Error('the console tests read no ledger')),
});

/**
 * The web with its console in-process, in front of a real campaign service (sign-in by email and passkeys) run
 * as a process that mails through SMTP to a catcher. The web is reached as http://localhost:<port>: passkeys are
 * bound to a host name, and links in emails point there.
 */
export async function startConsoleUnderTest(): Promise<ConsoleUnderTest> {
  const mail = await startMailCatcher();
  const webSecret = randomBytes(32);
  const port = await freePort();
  const webUrl = `http://localhost:${port}`;
  const campaign = await startCampaignUnderTest({
    SESSION_SIGNING_KEY: randomBytes(32).toString('base64'),
    PUBLIC_WEB_URL: webUrl,
    SMTP_URL: mail.smtpUrl,
  }).catch(async (error: unknown) => {
    await mail.stop();
    throw error;
  });
  const sessions = consoleSessions(webSecret);
  const app = buildWebApp({
    ledger: noLedger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
    campaigns: campaignClient(campaign.url),
    console: {
      sessions,
      forms: formGuard(webSecret),
      services: {
        campaign: campaign.url,
        donation: 'http://127.0.0.1:9',
        disbursement: 'http://127.0.0.1:9',
      },
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  let database: Promise<ServiceDatabase> | undefined;
  return {
    url: webUrl,
    campaign,
    mail,
    campaignDatabase: () => (database ??= openDatabase(campaign.database)),
    sessions,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await (await database)?.close();
      await campaign.stop();
      await mail.stop();
    },
  };
}
