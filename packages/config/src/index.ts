export {
  booleanFlag,
  httpConfig,
  kafkaConfig,
  mongoConfig,
  portSchema,
  rateLimitSpec,
  telemetryConfig,
  trustProxyConfig,
  urlSchema,
} from './fragments.ts';
export { ConfigError, configOrExit, parseConfig } from './parse-config.ts';
