/**
 * Loaded with `node --import @aid/telemetry/register` before a service's main module, because the
 * instrumentations patch modules as they load: CommonJS ones (the mongodb driver under mongoose, node:http under
 * express) through a require hook, and ES module imports (express, imported by the HTTP kit) through the
 * loader hook registered here, which must exist before the first import of them is resolved. The spans go to
 * the tracer provider that `startTelemetry` registers later; until then they are not recorded.
 */
import { register } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { createInstrumentations } from './instrumentations.ts';

// Only express needs wrapping on import; wrapping every module would slow every start for nothing. By path too:
// a test runner imports it by its file URL rather than by name.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: ['express', /\/node_modules\/express\/index\.js$/] },
});
registerInstrumentations({ instrumentations: createInstrumentations() });
