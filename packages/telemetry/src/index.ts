export { createLogger, type Logger } from './logger.ts';
export { currentTraceCarrier, startTelemetry, withSpanFrom, type Telemetry } from './tracing.ts';
