import type { z } from 'zod';
import { campaignEventSchema } from './campaign-events.ts';
import { disbursementEventSchema } from './disbursement-events.ts';
import { donationEventSchema } from './donation-events.ts';
import { ledgerEventSchema } from './ledger-events.ts';
import { topics } from './topics.ts';

/** The one schema each topic's messages must satisfy, checked when produced and again when consumed. */
export const topicSchemas = {
  [topics.campaign]: campaignEventSchema,
  [topics.donation]: donationEventSchema,
  [topics.disbursement]: disbursementEventSchema,
  [topics.ledger]: ledgerEventSchema,
} as const;

export type TopicSchemas = typeof topicSchemas;
export type TopicName = keyof TopicSchemas;
export type EventOf<T extends TopicName> = z.infer<TopicSchemas[T]>;
export type AnyEvent = EventOf<TopicName>;
