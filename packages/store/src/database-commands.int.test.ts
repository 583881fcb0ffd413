import { testEndpoints, uniqueName } from '@aid/test-kit';
import { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommand, connectDatabase, watchDatabaseCommands } from './index.ts';

describe('counting the database commands a service sends', () => {
  let db: Connection;
  const seen: string[] = [];

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('commands'));
    // Listed twice, as a service whose read connection is its write connection passes it: counted once.
    watchDatabaseCommands([db, db], ({ name, kind }) => seen.push(`${kind} ${name}`));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('when a document is inserted, updated, found and deleted, then each command is counted once with its kind', async () => {
    const model = db.model('Counted', new Schema({ _id: String, n: Number }, { versionKey: false }));
    await model.createCollection();
    seen.length = 0;

    await model.create({ _id: 'a', n: 1 });
    await model.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    await model.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 1 } });
    expect((await model.findById('a').lean())?.n).toBe(3);
    await model.deleteOne({ _id: 'a' });

    expect(seen).toEqual([
      'write insert',
      'write update',
      'write findAndModify',
      'read find',
      'write delete',
    ]);
  });

  it("when the driver checks on the server by itself, then that is not counted as the service's work", () => {
    expect(classifyCommand('hello')).toBeNull();
    expect(classifyCommand('ping')).toBeNull();
    expect(classifyCommand('aggregate')).toEqual({ name: 'aggregate', kind: 'read' });
  });
});
