import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, migrateOnce } from './index.ts';

describe('start-up migrations', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('migrations'));
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a migration ran to its end, then later starts skip it', async () => {
    let runs = 0;
    const migrate = async () => {
      runs += 1;
    };
    expect(await migrateOnce(db, 'count-runs', migrate)).toBe(true);
    expect(await migrateOnce(db, 'count-runs', migrate)).toBe(false);
    expect(runs).toBe(1);
  });

  it('when a migration fails, then it is not recorded and the next start runs it again', async () => {
    await expect(
      migrateOnce(db, 'fails-first', () => Promise.reject(new Error('database went away'))),
    ).rejects.toThrow('database went away');
    let ran = false;
    expect(
      await migrateOnce(db, 'fails-first', async () => {
        ran = true;
      }),
    ).toBe(true);
    expect(ran).toBe(true);
  });
});
