import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import { mongo, Schema, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyOnceFields,
  connectDatabase,
  createApplyOnce,
  mongoOutboxStore,
  outboxFields,
  queueMessages,
  withOutboxIndex,
} from './index.ts';

interface Account {
  _id: string;
  available: number;
  count: number;
  pendingOps: string[];
  outbox: string[];
  outboxSince?: Date;
}

describe('store kit against the real database', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('store'));
    const schema = new Schema<Account>(
      { _id: String, available: Number, count: Number, ...applyOnceFields, ...outboxFields },
      { versionKey: false },
    );
    withOutboxIndex(schema);
    model = db.model<Account>('Account', schema, 'accounts');
  });
  afterAll(async () => {
    await db?.close();
  });

  let model: Model<Account>;

  it('when 50 updates of one document run at once, then none is lost', async () => {
    await model.create({ _id: 'concurrent', available: 0, count: 0 });
    await Promise.all(
      Array.from({ length: 50 }, () => model.updateOne({ _id: 'concurrent' }, { $inc: { count: 1 } })),
    );
    expect((await model.findById('concurrent').lean())?.count).toBe(50);
  });

  it('when 20 guarded withdrawals race for money that covers 3, then exactly 3 pass and nothing goes negative', async () => {
    await model.create({ _id: 'guarded', available: 100, count: 0 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        model.updateOne({ _id: 'guarded', available: { $gte: 30 } }, { $inc: { available: -30 } }),
      ),
    );
    expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(3);
    expect((await model.findById('guarded').lean())?.available).toBe(10);
  });

  it('when two instances of a service race guarded withdrawals from one document over their own connections, then only what the balance covers passes', async () => {
    // Two instances of a service share the database but nothing else: single-document atomicity must hold
    // between their connections, as MongoDB gives it, or two approvals could spend the same money.
    const other = await connectDatabase(testEndpoints().mongoUrl, db.name);
    try {
      const otherModel = other.model<Account>('Account', model.schema, 'accounts');
      await model.create({ _id: 'two-instances', available: 100, count: 0 });
      const withdraw = (from: Model<Account>) =>
        from.updateOne(
          { _id: 'two-instances', available: { $gte: 30 } },
          { $inc: { available: -30, count: 1 } },
        );
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) => withdraw(index % 2 === 0 ? model : otherModel)),
      );
      expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(3);
      expect(await model.findById('two-instances').lean()).toMatchObject({ available: 10, count: 3 });
    } finally {
      await other.close();
    }
  });

  describe('over many connections at once, as several instances of a service write', () => {
    let client: mongo.MongoClient;
    let accounts: mongo.Collection<{
      _id: string;
      available: number;
      count: number;
      group?: string;
      state?: string;
    }>;

    beforeAll(async () => {
      client = new mongo.MongoClient(testEndpoints().mongoUrl, { maxPoolSize: 16, minPoolSize: 16 });
      await client.connect();
      accounts = client.db(db.name).collection('many_connections');
    });
    afterAll(async () => {
      await client?.close();
    });

    it('when guarded withdrawals from one document race writes of other documents, then only what its balance covers passes', async () => {
      await accounts.insertMany([
        { _id: 'contested', available: 100, count: 0 },
        ...Array.from({ length: 8 }, (_, index) => ({ _id: `other-${index}`, available: 0, count: 0 })),
      ]);
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, index) =>
          index % 2 === 0
            ? accounts.updateOne(
                { _id: 'contested', available: { $gte: 30 } },
                { $inc: { available: -30, count: 1 } },
              )
            : accounts.updateOne({ _id: `other-${index % 8}` }, { $inc: { count: 1 } }),
        ),
      );
      expect(results.filter((result, index) => index % 2 === 0 && result.modifiedCount === 1)).toHaveLength(
        3,
      );
      expect(await accounts.findOne({ _id: 'contested' })).toMatchObject({ available: 10, count: 3 });
      const others = await accounts
        .find({ _id: { $in: Array.from({ length: 8 }, (_, i) => `other-${i}`) } })
        .toArray();
      expect(others.reduce((sum, other) => sum + other.count, 0)).toBe(32);
    });

    it('when writes that name no _id race writes by _id of the same documents, then none is lost', async () => {
      await accounts.insertMany([
        { _id: 'grouped-a', available: 0, count: 0, group: 'g' },
        { _id: 'grouped-b', available: 0, count: 0, group: 'g' },
      ]);
      await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          index % 2 === 0
            ? accounts.updateOne({ _id: 'grouped-a' }, { $inc: { count: 1 } })
            : accounts.updateMany({ group: 'g' }, { $inc: { count: 1 } }),
        ),
      );
      expect(await accounts.findOne({ _id: 'grouped-a' })).toMatchObject({ count: 60 });
      expect(await accounts.findOne({ _id: 'grouped-b' })).toMatchObject({ count: 30 });
    });

    it('when one command carries 250 guarded updates, then it answers and each guard decides its own document', async () => {
      // The local FerretDB used to keep every statement's read open until its command ended: from 100 statements
      // on, a command held all of its database's connections and never answered.
      const ids = Array.from({ length: 250 }, (_, index) => `bulk-${index}`);
      await accounts.insertMany(ids.map((_id, index) => ({ _id, available: index % 5, count: 0 })));
      const result = await accounts.bulkWrite(
        ids.map((_id) => ({
          updateOne: {
            filter: { _id, available: { $gte: 1 } },
            update: { $inc: { available: -1, count: 1 } },
          },
        })),
        { ordered: false },
      );
      expect(result.modifiedCount).toBe(200);
      const after = await accounts.find({ _id: { $in: ids } }).toArray();
      expect(after.filter((doc) => doc.count === 1)).toHaveLength(200);
      expect(after.every((doc) => doc.available === Math.max(ids.indexOf(doc._id) % 5, 1) - 1)).toBe(true);
    });

    it('when commands of guarded withdrawals from the same documents race in opposite orders, then none waits forever and no balance goes negative', async () => {
      // Each command's documents are locked together for its one commit: two commands naming the same documents
      // in opposite orders must not each hold what the other waits for.
      const ids = Array.from({ length: 40 }, (_, index) => `crossed-${index}`);
      await accounts.insertMany(ids.map((_id) => ({ _id, available: 100, count: 0 })));
      const withdraw = (order: string[]) =>
        accounts.bulkWrite(
          order.map((_id) => ({
            updateOne: {
              filter: { _id, available: { $gte: 30 } },
              update: { $inc: { available: -30, count: 1 } },
            },
          })),
          { ordered: false },
        );
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, index) => withdraw(index % 2 === 0 ? ids : [...ids].reverse())),
      );
      expect(results.reduce((sum, result) => sum + result.modifiedCount, 0)).toBe(3 * ids.length);
      for (const doc of await accounts.find({ _id: { $in: ids } }).toArray())
        expect(doc).toMatchObject({ available: 10, count: 3 });
    });

    it('when a command names one document twice, then the second statement sees the first one’s change', async () => {
      await accounts.insertOne({ _id: 'twice', available: 50, count: 0 });
      const result = await accounts.bulkWrite(
        [
          {
            updateOne: {
              filter: { _id: 'twice', available: { $gte: 30 } },
              update: { $inc: { available: -30 } },
            },
          },
          {
            updateOne: {
              filter: { _id: 'twice', available: { $gte: 30 } },
              update: { $inc: { available: -30 } },
            },
          },
          { updateOne: { filter: { _id: 'twice' }, update: { $inc: { count: 1 } } } },
        ],
        { ordered: false },
      );
      expect(result.modifiedCount).toBe(2);
      expect(await accounts.findOne({ _id: 'twice' })).toMatchObject({ available: 20, count: 1 });
    });

    it('when a guarded delete races a guarded update of the same document, then exactly one of them happens', async () => {
      const ids = Array.from({ length: 20 }, (_, index) => `race-${index}`);
      await accounts.insertMany(ids.map((_id) => ({ _id, available: 0, count: 0, state: 'open' })));
      const outcomes = await Promise.all(
        ids.map(async (_id) => {
          const [removed, closed] = await Promise.all([
            accounts.deleteOne({ _id, state: 'open' }),
            accounts.findOneAndUpdate({ _id, state: 'open' }, { $set: { state: 'closed' } }),
          ]);
          return { removed: removed.deletedCount, closed: closed !== null };
        }),
      );
      const left = await accounts.find({ _id: { $in: ids } }).toArray();
      for (const [index, outcome] of outcomes.entries()) {
        expect(outcome.removed + (outcome.closed ? 1 : 0)).toBe(1);
        const doc = left.find((each) => each._id === ids[index]);
        expect(doc?.state).toBe(outcome.closed ? 'closed' : undefined);
      }
    });
  });

  it('when an ordered insert of many documents meets a duplicate, then it stops there and reports its position', async () => {
    // The ledger claims log positions with an ordered insert: nothing after the first failure may be written.
    // 2,500 documents span several of the server's insert batches (1,000 on the local FerretDB).
    await model.create({ _id: 'ordered-0003', available: 0, count: 0 });
    const documents = Array.from({ length: 2_500 }, (_, index) => ({
      _id: `ordered-${String(index).padStart(4, '0')}`,
      available: 0,
      count: index,
    }));
    // The driver's own insert, as the ledger's append uses it (string ids: the driver's types expect ObjectIds).
    const failure = await model.collection
      .insertMany(documents as unknown as Record<string, unknown>[], { ordered: true })
      .then(
        () => null,
        (error: { writeErrors?: { index?: number }[] }) => error,
      );
    expect(failure?.writeErrors?.[0]?.index).toBe(3);
    expect(await model.countDocuments({ _id: { $regex: /^ordered-/ } })).toBe(4);
  });

  it('when documents are looked up by a list of ids with other conditions, then exactly the listed ones that meet them come back', async () => {
    await model.insertMany(['in-a', 'in-b', 'in-c'].map((_id, count) => ({ _id, available: 0, count })));
    const byIds = await model.find({ _id: { $in: ['in-a', 'in-c', 'in-missing'] } }).lean();
    expect(byIds.map((doc) => doc._id).sort()).toEqual(['in-a', 'in-c']);
    const narrowed = await model.find({ _id: { $in: ['in-a', 'in-b', 'in-c'] }, count: { $gte: 1 } }).lean();
    expect(narrowed.map((doc) => doc._id).sort()).toEqual(['in-b', 'in-c']);
    await model.deleteMany({ _id: { $in: ['in-a', 'in-b'] } });
    expect((await model.find({ _id: { $regex: /^in-/ } }).lean()).map((doc) => doc._id)).toEqual(['in-c']);
  });

  it('when the same operation is applied twice, or after a crash left it pending, then its effect happens once', async () => {
    const applyOnce = createApplyOnce(db);
    const credit = {
      model,
      documentId: 'once',
      operationId: uniqueName('gift'),
      update: { $inc: { available: 500 } },
      upsert: true,
    };
    expect(await applyOnce.apply(credit)).toBe('applied');
    expect(await applyOnce.apply(credit)).toBe('duplicate');
    // A crash after the write but before the operation was recorded leaves it in pendingOps.
    const crashed = uniqueName('gift');
    await model.updateOne({ _id: 'once' }, { $inc: { available: 200 }, $push: { pendingOps: crashed } });
    expect(
      await applyOnce.apply({ ...credit, operationId: crashed, update: { $inc: { available: 200 } } }),
    ).toBe('duplicate');
    const account = await model.findById('once').lean();
    expect(account?.available).toBe(700);
    expect(account?.pendingOps).toEqual([]);
  });

  it('when a group of operations is applied in one write, then each is recorded once, and one left pending blocks the group until it is finished alone', async () => {
    const applyOnce = createApplyOnce(db);
    const group = [uniqueName('gift'), uniqueName('gift'), uniqueName('gift')];
    const credit = { model, documentId: 'group', update: { $inc: { available: 300 } }, upsert: true };
    expect(await applyOnce.applyAll({ ...credit, operationIds: group })).toBe('applied');
    expect([...(await applyOnce.appliedAmong([...group, 'never-applied']))].sort()).toEqual(
      [...group].sort(),
    );
    expect((await model.findById('group').lean())?.pendingOps).toEqual([]);
    // A crash after a group's write leaves its operations pending: a group naming one of them changes nothing.
    const crashed = uniqueName('gift');
    await model.updateOne({ _id: 'group' }, { $inc: { available: 100 }, $push: { pendingOps: crashed } });
    const next = [uniqueName('gift'), crashed];
    expect(await applyOnce.applyAll({ ...credit, operationIds: next })).toBe('refused');
    expect(await applyOnce.apply({ ...credit, operationId: crashed, update: {} })).toBe('duplicate');
    expect(await applyOnce.applyAll({ ...credit, operationIds: next.slice(0, 1) })).toBe('applied');
    const account = await model.findById('group').lean();
    expect(account?.available).toBe(700);
    expect(account?.pendingOps).toEqual([]);
  });

  it('when a group names operations already applied, pending after a crash, or twice, then each one’s effect happens once', async () => {
    const applyOnce = createApplyOnce(db);
    const [done, crashed, fresh] = [uniqueName('op'), uniqueName('op'), uniqueName('op')];
    const add = (operationIds: readonly string[]) => ({ $inc: { available: 10 * operationIds.length } });
    await applyOnce.apply({
      model,
      documentId: 'each',
      operationId: done,
      update: add([done]),
      upsert: true,
    });
    await model.updateOne({ _id: 'each' }, { $inc: { available: 10 }, $push: { pendingOps: crashed } });
    const alone: string[] = [];
    const outcomes = await applyOnce.applyEach({
      model,
      documentId: 'each',
      items: [done, crashed, fresh, fresh],
      operationOf: (id) => id,
      decide: (_doc, group) => ({ update: add(group) }),
      alone: async (id) => {
        alone.push(id);
        return applyOnce.apply({ model, documentId: 'each', operationId: id, update: add([id]) });
      },
    });
    expect(Object.fromEntries(outcomes)).toEqual({
      [done]: 'duplicate',
      [crashed]: 'duplicate',
      [fresh]: 'applied',
    });
    expect(alone).toEqual([crashed]);
    const account = await model.findById('each').lean();
    expect(account?.available).toBe(30);
    expect(account?.pendingOps).toEqual([]);
    const refused = await applyOnce.applyEach({
      model,
      documentId: 'each',
      items: [uniqueName('op')],
      operationOf: (id) => id,
      decide: () => null,
      alone: () => Promise.reject(new Error('nothing is pending')),
    });
    expect([...refused.values()]).toEqual(['refused']);
  });

  it('when a guard fails, then the operation is refused and can be tried again later', async () => {
    const applyOnce = createApplyOnce(db);
    await model.create({ _id: 'refuse', available: 10, count: 0 });
    const spend = {
      model,
      documentId: 'refuse',
      operationId: uniqueName('spend'),
      update: { $inc: { available: -50 } },
      guard: { available: { $gte: 50 } },
    };
    expect(await applyOnce.apply(spend)).toBe('refused');
    await model.updateOne({ _id: 'refuse' }, { $inc: { available: 100 } });
    expect(await applyOnce.apply(spend)).toBe('applied');
    expect((await model.findById('refuse').lean())?.available).toBe(60);
  });

  it('when messages are queued with a state change, then the relay store finds them in order and clears only those it published', async () => {
    const store = mongoOutboxStore([{ name: 'accounts', model }]);
    const message = (id: string) => ({ id, topic: 't', key: 'k', payload: `{"id":"${id}"}`, headers: {} });
    await model.create({ _id: 'outbox', available: 0, count: 0 });
    await model.updateOne(
      { _id: 'outbox' },
      { $inc: { available: 5 }, ...queueMessages([message('m1'), message('m2')]) },
    );
    const [batch] = (await store.pending(10)).filter((pending) => pending.documentId === 'outbox');
    expect(batch?.messages.map((queued) => queued.id)).toEqual(['m1', 'm2']);
    // A message queued after the relay read the document must survive the clearing.
    await model.updateOne({ _id: 'outbox' }, queueMessages([message('m3')]));
    if (batch) await store.clear(batch);
    const after = (await store.pending(10)).filter((pending) => pending.documentId === 'outbox');
    expect(after.flatMap((pending) => pending.messages.map((queued) => queued.id))).toEqual(['m3']);
    // Nothing queued since it was read: one write clears the outbox and its marker.
    const clearing = await operationsOf(db, async () => {
      if (after[0]) await store.clear(after[0]);
    });
    expect(clearing.map((operation) => operation.method)).toEqual(['updateOne']);
    expect((await store.pending(10)).filter((pending) => pending.documentId === 'outbox')).toEqual([]);
    expect(await model.findById('outbox').lean()).not.toHaveProperty('outboxSince');
  });

  it('when this process queued the messages, then the relay reads them by _id between sweeps, and the sweep finds what no hint named', async () => {
    let clock = 0;
    const store = mongoOutboxStore([{ name: 'accounts', model }], { sweepMs: 30_000, now: () => clock });
    const message = (id: string) => ({ id, topic: 't', key: 'k', payload: `{"id":"${id}"}`, headers: {} });
    const ids = (batches: { documentId: unknown; messages: { id: string }[] }[]) =>
      batches
        .flatMap((batch) => batch.messages.map((queued) => `${String(batch.documentId)}:${queued.id}`))
        .sort();
    // The first call sweeps (what a crash left), and clears whatever earlier tests left.
    for (const batch of await store.pending(100)) await store.clear(batch);

    await model.create({
      _id: 'hinted-created',
      available: 0,
      count: 0,
      outbox: [JSON.stringify(message('c1'))],
      outboxSince: new Date(),
    });
    await model.updateOne(
      { _id: 'hinted-updated' },
      { $inc: { available: 1 }, ...queueMessages([message('u1')]) },
      { upsert: true },
    );
    await model.findOneAndUpdate({ _id: 'hinted-updated' }, queueMessages([message('u2')]));
    // Written past the model, as another instance's write would look to this process: no hint.
    const { $push, $set } = queueMessages([message('x1')]);
    await model.collection.updateOne(
      { _id: 'unhinted' } as never,
      { $set: { ...$set, available: 0 }, $push } as never,
      { upsert: true },
    );

    expect(store.more()).toBe(true);
    const operations = await operationsOf(db, async () => {
      const hinted = await store.pending(100);
      expect(ids(hinted)).toEqual(['hinted-created:c1', 'hinted-updated:u1', 'hinted-updated:u2']);
      for (const batch of hinted) await store.clear(batch);
    });
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(store.more()).toBe(false);
    expect(await store.pending(100)).toEqual([]);

    clock += 30_000;
    const swept = await store.pending(100);
    expect(ids(swept)).toEqual(['unhinted:x1']);
    for (const batch of swept) await store.clear(batch);
  });

  it('when a write of this process queues messages, then the relay watching the collection is woken after it, and no more once it stops watching', async () => {
    const store = mongoOutboxStore([{ name: 'accounts', model }]);
    const message = { id: 'w1', topic: 't', key: 'k', payload: '{"id":"w1"}', headers: {} };
    let wakes = 0;
    let queuedWhenWoken: string[] | undefined;
    const unwatch = store.watch(() => {
      wakes += 1;
      void model
        .findById('watched')
        .lean()
        .then((doc) => (queuedWhenWoken ??= doc?.outbox));
    });
    await model.create({ _id: 'watched', available: 0, count: 0 });
    expect(wakes).toBe(0);
    await model.updateOne({ _id: 'watched' }, queueMessages([message]));
    expect(wakes).toBe(1);
    // The wake comes once the write is acknowledged: a read it starts sees the message.
    await vi.waitFor(() => expect(queuedWhenWoken).toEqual([JSON.stringify(message)]));
    // A write that queues nothing wakes no one.
    await model.updateOne({ _id: 'watched' }, { $inc: { count: 1 } });
    expect(wakes).toBe(1);
    unwatch();
    await model.updateOne({ _id: 'watched' }, queueMessages([{ ...message, id: 'w2' }]));
    expect(wakes).toBe(1);
    for (const batch of await store.pending(100, true)) await store.clear(batch);
  });

  it('when a connection sits idle, then its pool keeps no timer that would wake the process', async () => {
    // The driver re-armed its pool's minimum-size check every 100 ms even with no minimum to keep: ten wake-ups
    // a second per pool in every idle service (patches/mongodb@7.8.0.patch).
    await db.db?.admin().command({ ping: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = db.getClient() as unknown as {
      topology: { s: { servers: Map<string, { pool: { minPoolSizeTimer?: { _destroyed: boolean } } }> } };
    };
    const pools = [...client.topology.s.servers.values()].map((server) => server.pool);
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools) expect(pool.minPoolSizeTimer?._destroyed ?? true).toBe(true);
  });
});
