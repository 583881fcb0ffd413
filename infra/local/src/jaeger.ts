import fs from 'node:fs';
import path from 'node:path';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import type { StartedPart } from './process.ts';
import { ensurePortFree, httpStatus, spawnManaged, stopOnFailure, waitUntil } from './process.ts';
import { ensureJaeger, JAEGER_VERSION } from './tools.ts';

/** Jaeger: the services export their spans to it over OTLP, and a newcomer follows one gift across them. */
export async function startJaeger(profile: Profile): Promise<StartedPart & { viewerUrl: string }> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.otlpHttp, 'Jaeger (OTLP)', portVariables.otlpHttp);
  await ensurePortFree(ports.traceViewer, 'Jaeger (trace viewer)', portVariables.traceViewer);
  await ensurePortFree(ports.traceViewerGrpc, 'Jaeger (query gRPC)', portVariables.traceViewerGrpc);
  const binary = await ensureJaeger(dirs.tools, dirs.root);
  fs.mkdirSync(dirs.logs, { recursive: true });
  const viewerUrl = `http://127.0.0.1:${ports.traceViewer}`;
  const jaeger = spawnManaged({
    name: 'jaeger',
    command: binary.path,
    args: ['--config', path.join(dirs.root, 'infra', 'jaeger', 'config.yaml')],
    cwd: dirs.root,
    env: {
      ...process.env,
      JAEGER_OTLP_HTTP_PORT: String(ports.otlpHttp),
      JAEGER_UI_PORT: String(ports.traceViewer),
      JAEGER_QUERY_GRPC_PORT: String(ports.traceViewerGrpc),
    },
    logFile: path.join(dirs.logs, 'jaeger.log'),
  });
  await stopOnFailure(jaeger, () =>
    waitUntil(async () => (await httpStatus(`${viewerUrl}/api/services`)) === 200, {
      what: `Jaeger on ${viewerUrl}`,
      timeoutMs: 30_000,
      process: jaeger,
    }),
  );
  return {
    endpoint: `http://127.0.0.1:${ports.otlpHttp}`,
    viewerUrl,
    process: jaeger,
    note: `${JAEGER_VERSION}, ${binary.installed ? 'built' : 'reused'}`,
  };
}
