import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

/** Every event type is `org.diaspora-aid.<owning service>.<past-tense verb>`. */
export const eventTypePrefix = 'org.diaspora-aid.';

/**
 * CloudEvents 1.0 attribute names (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md).
 * `subject` is the campaign id (the Kafka key), or the organization id for organization events.
 */
export function eventSchema<Type extends string, Data extends z.ZodType>(
  type: Type,
  data: Data,
  version = 1,
) {
  return z.object({
    specversion: z.literal('1.0'),
    id: z.uuid({ version: 'v7' }),
    source: z.string().min(1),
    type: z.literal(type),
    subject: z.string().min(1),
    time: z.iso.datetime({ offset: true }),
    datacontenttype: z.literal('application/json'),
    dataschema: z.literal(`urn:diaspora-aid:event:${type.slice(eventTypePrefix.length)}:v${version}`),
    data,
  });
}

export interface EventEnvelope<Type extends string = string, Data = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: Type;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: `urn:diaspora-aid:event:${string}:v${number}`;
  data: Data;
}

export function newEventId(): string {
  return uuidv7();
}

/** Resource ids (campaigns, donations, disbursements) are UUIDv7 too: unique and sortable by creation. */
export function newId(): string {
  return uuidv7();
}

export function envelope<Type extends string, Data>(args: {
  type: Type;
  source: string;
  subject: string;
  data: Data;
  time: Date;
  id?: string;
  version?: number;
}): EventEnvelope<Type, Data> {
  return {
    specversion: '1.0',
    id: args.id ?? newEventId(),
    source: args.source,
    type: args.type,
    subject: args.subject,
    time: args.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema:
      `urn:diaspora-aid:event:${args.type.slice(eventTypePrefix.length)}:v${args.version ?? 1}` as const,
    data: args.data,
  };
}
