import fs from 'node:fs';
import path from 'node:path';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import type { StartedPart } from './process.ts';
import { ensurePortFree, httpStatus, spawnManaged, stopOnFailure, waitUntil } from './process.ts';
import { ensureMailpit, MAILPIT_VERSION } from './tools.ts';

/** Mailpit: receipts sent by the services land in a local inbox a newcomer can open in the browser. */
export async function startMailpit(profile: Profile): Promise<StartedPart & { inboxUrl: string }> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.mailSmtp, 'Mailpit (SMTP)', portVariables.mailSmtp);
  await ensurePortFree(ports.mailWeb, 'Mailpit (inbox)', portVariables.mailWeb);
  const binary = await ensureMailpit(dirs.tools);
  const runDir = path.join(dirs.data, 'mail');
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(dirs.logs, { recursive: true });
  const inboxUrl = `http://127.0.0.1:${ports.mailWeb}`;
  const mailpit = spawnManaged({
    name: 'mailpit',
    command: binary.path,
    args: [
      '--smtp',
      `127.0.0.1:${ports.mailSmtp}`,
      '--listen',
      `127.0.0.1:${ports.mailWeb}`,
      // The services send without credentials to this local catcher only.
      '--smtp-auth-accept-any',
      '--smtp-auth-allow-insecure',
      '--database',
      path.join(runDir, 'mailpit.db'),
      '--max',
      '2000',
    ],
    cwd: runDir,
    env: process.env,
    logFile: path.join(dirs.logs, 'mailpit.log'),
  });
  await stopOnFailure(mailpit, () =>
    waitUntil(async () => (await httpStatus(`${inboxUrl}/api/v1/info`)) === 200, {
      what: `Mailpit on ${inboxUrl}`,
      timeoutMs: 30_000,
      process: mailpit,
    }),
  );
  return {
    endpoint: `smtp://127.0.0.1:${ports.mailSmtp}`,
    inboxUrl,
    process: mailpit,
    note: `${MAILPIT_VERSION}, ${binary.installed ? 'installed' : 'reused'}`,
  };
}
