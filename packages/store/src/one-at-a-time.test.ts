import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('oneAtATime', () => {
  it('when tasks share a key, then each starts only after the previous one ended, even if it failed', async () => {
    const run = oneAtATime();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      run('d1', task('a', true)),
      run('d1', task('b')),
      run('d1', task('c')),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });

  it('when tasks have different keys, then they run side by side', async () => {
    const run = oneAtATime();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([run('d1', task('a')), run('d2', task('b'))]);
    expect(log.slice(0, 2)).toEqual(['start a', 'start b']);
  });
});
