import fs from 'node:fs';
import path from 'node:path';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import type { StartedPart } from './process.ts';
import { ensurePortFree, httpStatus, spawnManaged, stopOnFailure, waitUntil } from './process.ts';
import { ensureStripeMock, STRIPE_MOCK_VERSION } from './tools.ts';

export async function startStripeMock(profile: Profile): Promise<StartedPart> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.stripeMock, 'stripe-mock', portVariables.stripeMock);
  const binary = await ensureStripeMock(dirs.tools);
  const runDir = path.join(dirs.data, 'stripe');
  fs.mkdirSync(runDir, { recursive: true });
  const socket = path.join(runDir, 'https.sock');
  fs.rmSync(socket, { force: true });
  const base = `http://127.0.0.1:${ports.stripeMock}`;
  const mock = spawnManaged({
    name: 'stripe-mock',
    command: binary.path,
    // Given only an HTTP address, stripe-mock still opens HTTPS on *:12112, which would clash between
    // the dev and test profiles; a Unix socket in the profile's folder keeps HTTPS out of the way.
    args: ['-http-addr', `127.0.0.1:${ports.stripeMock}`, '-https-unix', socket],
    cwd: runDir,
    env: process.env,
    logFile: path.join(dirs.logs, 'stripe-mock.log'),
  });
  const answers = async () =>
    (await httpStatus(`${base}/v1/charges`, { Authorization: 'Bearer sk_test_123' })) === 200;
  await stopOnFailure(mock, () =>
    waitUntil(answers, { what: `stripe-mock on ${base}`, timeoutMs: 30_000, process: mock }),
  );
  return {
    endpoint: base,
    process: mock,
    note: `${STRIPE_MOCK_VERSION}, ${binary.installed ? 'installed' : 'reused'}`,
  };
}
