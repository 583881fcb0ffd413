import { z } from 'zod';

/**
 * Who did what and when, one entry per state-changing action, as the campaign and disbursement services keep it
 * (each entry written in the same single-document write as the change it describes) and as the console reads it.
 * The services' own action lists stay theirs; the entry, its order, its paging and its wire shape are shared.
 */
export interface AuditEntry<Action extends string = string> {
  id: string;
  /** A member id, or `platform-admin` for what the platform's administrator did. */
  actorMemberId: string;
  action: Action;
  targetId: string;
  at: Date;
  details: AuditDetails;
}

export type AuditDetails = Record<string, string | number | boolean | null>;

export const auditDetailsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  after: z.string().max(300).optional(),
});

/** One page of an audit trail on the wire, for the given actions. */
export function auditPageSchema<const Actions extends readonly [string, ...string[]]>(actions: Actions) {
  return z.object({
    entries: z.array(
      z.object({
        id: z.string(),
        actorMemberId: z
          .string()
          .describe('a member id, or `platform-admin` for registrations and application decisions'),
        action: z.enum(actions),
        targetId: z.string(),
        at: z.iso.datetime(),
        details: auditDetailsSchema,
      }),
    ),
    next: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
  });
}

/** An entry as it travels: the time as an ISO 8601 string. */
export type AuditRecord = z.infer<ReturnType<typeof auditPageSchema<[string]>>>['entries'][number];

/** Newest first, ids breaking ties, so pages never skip or repeat an entry. */
export function newestFirst(left: AuditEntry, right: AuditEntry): number {
  const byTime = right.at.getTime() - left.at.getTime();
  if (byTime !== 0) return byTime;
  return left.id < right.id ? 1 : left.id > right.id ? -1 : 0;
}

export interface AuditPage<Action extends string = string> {
  entries: AuditEntry<Action>[];
  /** The id of the last entry returned when more remain. */
  last: string | null;
}

/**
 * A page of a trail, newest first, after the entry the previous page ended with. A trail is read from a handful
 * of documents (one organization's, or one campaign's disbursements), so it is cut in memory.
 */
export function auditPage<Action extends string>(
  trail: readonly AuditEntry<Action>[],
  page: { limit: number; after?: string | undefined },
): AuditPage<Action> {
  const all = [...trail].sort(newestFirst);
  const start = page.after === undefined ? 0 : all.findIndex((entry) => entry.id === page.after) + 1;
  const entries = all.slice(start, start + page.limit);
  return { entries, last: start + page.limit < all.length ? (entries.at(-1)?.id ?? null) : null };
}

export function presentAuditPage<Action extends string>(
  page: AuditPage<Action>,
): { entries: (Omit<AuditEntry<Action>, 'at'> & { at: string })[]; next: string | null } {
  return {
    entries: page.entries.map(({ id, actorMemberId, action, targetId, at, details }) => ({
      id,
      actorMemberId,
      action,
      targetId,
      at: at.toISOString(),
      details,
    })),
    next: page.last,
  };
}
