// The workspace's dependency rules, checked by `pnpm lint:deps` before every package's lint (turbo.json), so a
// violation fails lint. Services are applications: they reach each other over HTTP and Kafka, never by import.
const transportOrStorageFolders = '(http|events|webhooks|stripe|email|payouts|reconciliation|store)/';
const transportOrStorageModules = 'node_modules/(mongoose|kafkajs|express|stripe|nodemailer|undici)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'services-never-import-services',
      comment:
        'A service reaches another over HTTP or Kafka; a test that needs one running starts it as a process (@aid/test-kit/service-processes).',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'packages-never-import-services',
      comment:
        'Packages are shared building blocks; a service is an application built from them, never a dependency.',
      severity: 'error',
      from: { path: '^(packages|infra)/' },
      to: { path: '^services/' },
    },
    {
      name: 'e2e-fixtures-from-test-kit',
      comment:
        "The end-to-end package composes services (in-process, so one tracer sees every service's spans); fixtures shared with the services' own tests live in @aid/test-kit, not in a service's test support.",
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^services/[^/]+/src/test-support/' },
    },
    {
      name: 'domain-stays-pure',
      comment:
        "Business rules are pure functions: no transport (HTTP, Kafka events, webhooks, payment and mail providers) and no storage. Domain tests may check the domain against those layers' tables.",
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/', pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          `^services/[^/]+/src/${transportOrStorageFolders}`,
          '^services/[^/]+/src/(app|main)\\.ts$',
          '^packages/(bus|store|http-kit|runtime)/',
          transportOrStorageModules,
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.local|public/vendor)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
    // Workspace packages resolve through node_modules links to their real folders, so rules see packages/ and services/.
    preserveSymlinks: false,
  },
};
