import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPage, auditPageSchema, newestFirst, presentAuditPage, type AuditEntry } from './index.ts';

const entry = (id: string, at: string): AuditEntry => ({
  id,
  actorMemberId: 'member-1',
  action: 'member.added',
  targetId: 'target-1',
  at: new Date(at),
  details: {},
});

describe('audit trails', () => {
  it('when entries share a time, then the newest-first order breaks the tie by id, so it is the same whatever order they were read in', () => {
    const entries = [
      entry('a', '2026-03-01T10:00:00Z'),
      entry('c', '2026-03-01T10:00:00Z'),
      entry('b', '2026-03-02T09:00:00Z'),
    ];
    expect([...entries].sort(newestFirst).map((each) => each.id)).toEqual(['b', 'c', 'a']);
    expect(
      [...entries]
        .reverse()
        .sort(newestFirst)
        .map((each) => each.id),
    ).toEqual(['b', 'c', 'a']);
  });

  it("when a trail is read page by page after each page's last entry, then every entry comes exactly once, newest first", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.string({ minLength: 1, maxLength: 6 }),
            minute: fc.integer({ min: 0, max: 5 }),
          }),
          { selector: (each) => each.id, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 7 }),
        (specs, limit) => {
          const trail = specs.map(({ id, minute }) =>
            entry(id, new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()),
          );
          const seen: string[] = [];
          let after: string | undefined;
          for (let pages = 0; pages <= trail.length; pages += 1) {
            const page = auditPage(trail, { limit, after });
            expect(page.entries.length).toBeLessThanOrEqual(limit);
            seen.push(...page.entries.map((each) => each.id));
            if (page.last === null) break;
            after = page.last;
          }
          expect(seen).toEqual([...trail].sort(newestFirst).map((each) => each.id));
        },
      ),
    );
  });

  it('when a page is sent, then times travel as ISO strings and the page matches the published schema', () => {
    const page = presentAuditPage(
      auditPage([entry('a', '2026-03-01T10:00:00Z'), entry('b', '2026-03-02T10:00:00Z')], { limit: 1 }),
    );
    expect(page).toEqual({
      entries: [
        {
          id: 'b',
          actorMemberId: 'member-1',
          action: 'member.added',
          targetId: 'target-1',
          at: '2026-03-02T10:00:00.000Z',
          details: {},
        },
      ],
      next: 'b',
    });
    expect(auditPageSchema(['member.added']).safeParse(page).success).toBe(true);
    expect(auditPageSchema(['member.revoked']).safeParse(page).success).toBe(false);
  });
});
