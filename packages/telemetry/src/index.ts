export { createLogger, type Logger } from './logger.ts';
export {
  currentTraceCarrier,
  detachedFromTrace,
  withTraceContext,
  startTelemetry,
  withChildSpan,
  withPublishSpans,
  withSpanFrom,
  withSpanPerCarrier,
  type Telemetry,
} from './tracing.ts';
