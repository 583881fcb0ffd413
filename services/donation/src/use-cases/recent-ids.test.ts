import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.ts';

describe('a bounded memory of recent ids', () => {
  it('when more ids come than it holds, then the oldest are forgotten first, and one added again counts as new', () => {
    const recent = new RecentIds(3);
    recent.add(['a', 'b', 'c']);
    recent.add(['a']);
    recent.add(['d']);
    expect(['a', 'b', 'c', 'd'].filter((id) => recent.has(id))).toEqual(['a', 'c', 'd']);
    expect(recent.size).toBe(3);
  });
});
