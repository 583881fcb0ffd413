export {
  campaignChanged,
  campaignClosed,
  campaignCreated,
  campaignEventSchema,
  campaignPublished,
  campaignSnapshotSchema,
  campaignUpdatePosted,
  memberAdded,
  memberKeyRotated,
  memberRevoked,
  organizationRegistered,
  type CampaignEvent,
  type CampaignSnapshot,
} from './campaign-events.ts';
export {
  deliveryReported,
  disbursementApproved,
  disbursementCancelled,
  disbursementEventSchema,
  disbursementPaid,
  disbursementRejected,
  disbursementRequested,
  fundsAllocated,
  type DisbursementEvent,
} from './disbursement-events.ts';
export {
  donationDisputeClosed,
  donationDisputed,
  donationEventSchema,
  donationGeographyReleased,
  donationRefunded,
  donationRefundReversed,
  donationSucceeded,
  publicDonorSchema,
  type DonationEvent,
  type GeographyDimension,
  type PublicDonor,
} from './donation-events.ts';
export { cleanDisplayName, displayNamePattern, displayNameProblem, displayNameSchema, maxDisplayNameLength, maxStackedMarks, publicDisplayName } from './display-name.ts';
export { envelope, eventSchema, eventTypePrefix, newEventId, newId, type EventEnvelope } from './envelope.ts';
export { ledgerEntryAppended, ledgerEventSchema, type LedgerEvent } from './ledger-events.ts';
export {
  apiKeyHash,
  canonicalReceiptCode,
  campaignStatuses,
  countryCodeSchema,
  crisisKinds,
  crisisSchema,
  evidenceSchema,
  glideSchema,
  goalSchema,
  idSchema,
  isCountryCode,
  locationSchema,
  memberRoles,
  organizationKinds,
  receiptCodeHash,
  recipientSchema,
  recordedCountryCodeSchema,
  recordedCrisisSchema,
  recordedLocationSchema,
  recordedRecipientSchema,
  type CampaignStatus,
  type MemberRole,
  type OrganizationKind,
} from './shared-schemas.ts';
export { topicSchemas, type AnyEvent, type EventOf, type TopicName, type TopicSchemas } from './topic-schemas.ts';
export { deadLetterTopic, defaultPartitions, topics, type Topic } from './topics.ts';
