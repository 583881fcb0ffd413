import fs from 'node:fs';
import path from 'node:path';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import type { ManagedProcess } from './process.ts';
import { ensurePortFree, httpStatus, spawnManaged, stopOnFailure, waitUntil } from './process.ts';
import { ensureOtelCollector, ensureZipkin, OTEL_COLLECTOR_VERSION, ZIPKIN_VERSION } from './tools.ts';

export interface StartedTraceViewer {
  /** Where the services export their spans (OTLP over HTTP). */
  endpoint: string;
  /** Zipkin's web UI, where a newcomer follows one gift across the services. */
  viewerUrl: string;
  /** The collector and Zipkin behind it: both are stopped with the stack. */
  processes: ManagedProcess[];
  note: string;
}

/** Spans Zipkin keeps in memory before dropping the oldest: thousands of gifts, within the heap below. */
const MAX_SPANS = 100_000;

/**
 * The local trace viewer: Zipkin keeps the spans in memory and shows them in its web UI; an OpenTelemetry Collector
 * takes the services' OTLP and hands it to Zipkin, so the services keep OTLP as their only export.
 */
export async function startTraceViewer(profile: Profile): Promise<StartedTraceViewer> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.otlpHttp, 'the OpenTelemetry Collector (OTLP)', portVariables.otlpHttp);
  await ensurePortFree(ports.traceViewer, 'Zipkin (trace viewer)', portVariables.traceViewer);
  const [jar, collectorBinary] = await Promise.all([
    ensureZipkin(dirs.tools),
    ensureOtelCollector(dirs.tools, dirs.root),
  ]);
  fs.mkdirSync(dirs.logs, { recursive: true });
  const zipkinUrl = `http://127.0.0.1:${ports.traceViewer}`;
  const endpoint = `http://127.0.0.1:${ports.otlpHttp}`;
  // The collector first: it answers in a second and holds the spans, retrying, until Zipkin's JVM is up, so the
  // services' first requests (the demo data among them) are not lost while Zipkin starts.
  const collector = spawnManaged({
    name: 'otel-collector',
    command: collectorBinary.path,
    args: ['--config', path.join(dirs.root, 'infra', 'otel-collector', 'config.yaml')],
    cwd: dirs.root,
    env: { ...process.env, OTLP_HTTP_PORT: String(ports.otlpHttp), ZIPKIN_PORT: String(ports.traceViewer) },
    logFile: path.join(dirs.logs, 'otel-collector.log'),
  });
  // The OTLP receiver answers a GET with 405: any answer means it listens.
  await stopOnFailure(collector, () =>
    waitUntil(async () => (await httpStatus(`${endpoint}/v1/traces`)) > 0, {
      what: `the OpenTelemetry Collector on ${endpoint}`,
      timeoutMs: 30_000,
      process: collector,
    }),
  );
  const zipkin = await stopOnFailure(collector, async () => {
    const started = spawnManaged({
      name: 'zipkin',
      command: 'java',
      args: [
        '-Xmx384m',
        '-Djava.awt.headless=true',
        '-jar',
        jar.path,
        // One port, on loopback only: Zipkin's default listens on every interface.
        `--armeria.ports[0].ip=127.0.0.1`,
        `--armeria.ports[0].port=${ports.traceViewer}`,
        '--armeria.ports[0].protocols[0]=http',
      ],
      cwd: dirs.root,
      env: { ...process.env, STORAGE_TYPE: 'mem', MEM_MAX_SPANS: String(MAX_SPANS) },
      logFile: path.join(dirs.logs, 'zipkin.log'),
      marker: path.basename(jar.path),
    });
    await stopOnFailure(started, () =>
      waitUntil(async () => (await httpStatus(`${zipkinUrl}/health`)) === 200, {
        what: `Zipkin on ${zipkinUrl}`,
        // A JVM on a busy machine: Zipkin says it is ready in a few seconds on an idle one, 40 on a loaded one.
        timeoutMs: 120_000,
        intervalMs: 500,
        process: started,
      }),
    );
    return started;
  });
  const installed = jar.installed || collectorBinary.installed;
  return {
    endpoint,
    viewerUrl: `${zipkinUrl}/zipkin/`,
    processes: [collector, zipkin],
    note: `Zipkin ${ZIPKIN_VERSION} and OpenTelemetry Collector ${OTEL_COLLECTOR_VERSION}, ${installed ? 'installed' : 'reused'}`,
  };
}
