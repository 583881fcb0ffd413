import { createRequire } from 'node:module';

// The test runner imports express by its file URL, which the ES module hook of the express instrumentation does
// not recognise as express, so it would go unpatched and every HTTP span would be named by its method alone.
// Loaded once through require, express is patched in place (its prototypes), for every later import of it too.
createRequire(new URL('../../../packages/http-kit/package.json', import.meta.url))('express');
