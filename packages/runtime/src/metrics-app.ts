import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';

/** `/metrics` alone, behind `Authorization: Bearer <token>` when a token is configured. */
export function metricsApp(registry: Registry, token: string | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  const expected = token ? createHash('sha256').update(token).digest() : null;
  app.get('/metrics', async (request, response) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    // Hashed first so the comparison is constant-time whatever the lengths.
    if (
      expected &&
      !(presented && timingSafeEqual(createHash('sha256').update(presented).digest(), expected))
    ) {
      response
        .status(401)
        .set('www-authenticate', 'Bearer')
        .type('text/plain')
        .send('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    response.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}
