import { spawnSync } from 'node:child_process';

/** True when a Docker-compatible engine answers (`docker info`); a client without an engine answers false. */
export function containerEngineAvailable(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    stdio: 'ignore',
    timeout: 10_000,
  });
  return result.status === 0;
}
