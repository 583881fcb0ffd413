import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceNames } from './harness/service-processes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a service's own entry point with `env` only, and waits for it to end by itself. */
function startWith(
  name: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`services/${name}/src/main.ts`], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not stop on a bad configuration; it wrote: ${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a service started with a bad configuration', () => {
  it.each(serviceNames)(
    'when %s is given a port out of range and a database that is not MongoDB, then it exits 1 naming both, without a stack trace',
    async (name) => {
      const { code, stderr } = await startWith(name, {
        PORT: '99999',
        MONGO_URL: 'postgres://127.0.0.1/aid',
        LEDGER_URL: 'not a url',
      });
      expect(code).toBe(1);
      expect(stderr).toContain('invalid configuration');
      expect(stderr).toMatch(/PORT: /);
      if (name !== 'web') expect(stderr).toMatch(/MONGO_URL: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );
});
