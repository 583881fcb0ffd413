import type { RequestHandler } from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { metricsApp } from './metrics-app.ts';

export interface HttpMetrics {
  registry: Registry;
  /** One observation per answered request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** Process figures and HTTP requests: what every server of the platform reports at /metrics, the web included. */
export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop lag is sampled by a timer: at the default 10 ms it wakes an idle process 100 times a second
  // (about 0.6 % of a core each, measured), at 100 ms ten times (under 0.1 %); lag worth alerting on is longer.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const requests = new Histogram({
    name: 'aid_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
  };
}

/** Put in front of an app: observes every request it answers, by route pattern. */
export function measureRequests(metrics: HttpMetrics): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      // Route patterns, never raw paths, so ids in URLs do not multiply the series.
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.observeRequest(
        request.method,
        route,
        response.statusCode,
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
