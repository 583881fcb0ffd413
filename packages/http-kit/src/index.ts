export { createHttpApp, type HttpAppOptions, type ReadinessCheck, type RequestWithRawBody } from './app.ts';
export { bearerToken } from './auth.ts';
export { idempotencyKey } from './idempotency-key.ts';
export {
  HttpProblem,
  problem,
  problemDocumentSchema,
  problemTypeBase,
  type ProblemDocument,
} from './problem.ts';
export {
  defineRoute,
  mountRoutes,
  openApiDocument,
  type Route,
  type RouteInput,
  type RouteResponse,
  type RouteResult,
} from './routes.ts';
export {
  authenticationFailureLimits,
  clientAddress,
  failedAttemptsLimit,
  presentedKeyOf,
  rateLimit,
  type RateLimitKey,
  type RateLimitSpec,
  type RouteRateLimit,
  type SharedCounters,
} from './rate-limit.ts';
export {
  isSessionToken,
  rawSessionVerifyKey,
  sessionSigningKey,
  sessionTokenPrefix,
  sessionVerifyKey,
  signSessionToken,
  verifySessionToken,
  type SessionClaims,
} from './session-token.ts';
export { attachmentDisposition, declaredUploadType, readRawUpload, withRawUploads } from './raw-upload.ts';
export { parseRequestPart } from './validation.ts';
