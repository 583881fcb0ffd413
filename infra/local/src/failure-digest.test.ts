import { describe, expect, it } from 'vitest';
import { createFailureDigest } from './failure-digest.ts';

describe('createFailureDigest', () => {
  it('when a run fails, then it keeps the lines naming the failures, whole across chunk boundaries', () => {
    const digest = createFailureDigest();
    digest.write(
      '@aid/web:test:  ✓ src/a.test.ts (3 tests) 20ms\n@aid/web:test:  \u001b[31mFAIL\u001b[39m  src/give',
    );
    digest.write(
      '.int.test.ts > give form > refuses 1,000\n@aid/web:test: AssertionError: expected 400 to be 422\n',
    );
    digest.write('@aid/web:test:  Test Files  1 failed | 40 passed (41)\nplain progress line\n');
    digest.write(
      '@aid/store:lint:   119:25  error  Unsafe argument of type `Model<any>`  @typescript-eslint/no-unsafe-argument\n',
    );
    expect(digest.lines()).toEqual([
      '@aid/web:test:  FAIL  src/give.int.test.ts > give form > refuses 1,000',
      '@aid/web:test: AssertionError: expected 400 to be 422',
      '@aid/web:test:  Test Files  1 failed | 40 passed (41)',
      '@aid/store:lint:   119:25  error  Unsafe argument of type `Model<any>`  @typescript-eslint/no-unsafe-argument',
    ]);
  });

  it('when a run passes, then it keeps nothing', () => {
    const digest = createFailureDigest();
    digest.write(' ✓ src/a.test.ts (3 tests)\n Test Files  41 passed (41)\n');
    expect(digest.lines()).toEqual([]);
  });

  it('when failures repeat or overflow, then each is kept once and the last ones are kept', () => {
    const digest = createFailureDigest(2);
    digest.write(
      'error TS2322: one\nerror TS2322: one\nerror TS2322: two\nerror TS2322: three\nerror TS2322: four',
    );
    expect(digest.lines()).toEqual([
      '… 2 earlier lines left out',
      'error TS2322: three',
      'error TS2322: four',
    ]);
  });
});
