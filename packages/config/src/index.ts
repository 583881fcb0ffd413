export { booleanFlag, httpConfig, kafkaConfig, mongoConfig, portSchema, telemetryConfig, urlSchema } from './fragments.ts';
export { ConfigError, parseConfig } from './parse-config.ts';
