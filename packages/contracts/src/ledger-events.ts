import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import { idSchema } from './shared-schemas.ts';

/** Published for mirrors and monitors: the exact entry bytes (base64) and their position in the campaign log. */
export const ledgerEntryAppended = eventSchema(
  'org.diaspora-aid.ledger.entry-appended',
  z.object({
    campaignId: idSchema,
    index: z.number().int().nonnegative(),
    leaf: z.string().min(1),
    leafHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);

export const ledgerEventSchema = z.discriminatedUnion('type', [ledgerEntryAppended]);
export type LedgerEvent = z.infer<typeof ledgerEventSchema>;
