export { startTestMode } from './server.ts';
export type { RunningTestMode, TestModeOptions } from './server.ts';
export { stripeSignature } from './webhook-sender.ts';
export { knownTestPaymentMethods } from './test-cards.ts';
