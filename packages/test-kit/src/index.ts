export { testEndpoints, uniqueName, type TestEndpoints } from './endpoints.ts';
export { eventually } from './eventually.ts';
export { signStripeWebhook } from './stripe-webhook.ts';
export {
  chargeRefunded,
  disputeEvent,
  invoicePaid,
  newStripeId,
  paymentSucceededPayload,
  stripeEvent,
  succeededWithFee,
} from './stripe-events.ts';
export { publishRaw, recordTopics, type RecordedMessage } from './topic-recorder.ts';
export { HttpError, platformClient, type PlatformClient, type PlatformUrls } from './platform-client.ts';
export { campaignEventFixture, campaignSnapshotFixture } from './fixtures.ts';
export { donorAddress, limitsOutOfTheWay, requestFrom, type PlainResponse } from './from-address.ts';
export { operationsOf, servedById, type FilteredOperation } from './id-reads.ts';
export { recordingMailer, type RecordedMail } from './recording-mailer.ts';
