export { baseServiceConfig, baseServiceConfigSchema, type ServiceRuntimeConfig } from './service-config.ts';
export {
  startService,
  stopOnSignals,
  type ConsumerSpec,
  type RunningService,
  type ServiceDeps,
  type ServiceParts,
} from './start-service.ts';
export { Counter, Gauge, type Registry } from 'prom-client';
export { smtpMailer, type Mail, type Mailer } from './mailer.ts';
