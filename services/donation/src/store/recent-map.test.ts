import { describe, expect, it } from 'vitest';
import { RecentMap } from './recent-map.ts';

describe('a bounded memory of recent entries', () => {
  it('when more entries come than it holds, then the oldest are forgotten first, and one set again counts as new', () => {
    const recent = new RecentMap<true>(3);
    for (const id of ['a', 'b', 'c', 'a', 'd']) recent.set(id, true);
    expect(['a', 'b', 'c', 'd'].filter((id) => recent.has(id))).toEqual(['a', 'c', 'd']);
    expect(recent.size).toBe(3);
  });
});
