import { newId } from '@aid/contracts';
import { connectDatabase, migrateOnce } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDonationStore } from '../store/donation.store.ts';
import { createDonorCipher } from '../store/donor-cipher.ts';
import { publishLegacyOutbox } from './legacy-outbox.ts';

interface Sent {
  topic: string;
  key: string;
  value: string;
}

describe('the outbox an earlier version kept inside donation documents', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('donation-legacy-outbox'));
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when the service starts on such data, then the messages are published once, cleared, and later starts do not scan again', async () => {
    const donations = createDonationStore(db, createDonorCipher(Buffer.alloc(32, 7)));
    const message = (id: string) =>
      JSON.stringify({ id, topic: 'donation', key: 'd1', payload: `{"id":"${id}"}`, headers: {} });
    const waiting = newId();
    await donations.model.collection.insertMany([
      { _id: waiting, outbox: [message('e1'), message('e2')], outboxSince: new Date() },
      { _id: newId(), outbox: [] },
    ] as never[]);
    const sent: Sent[] = [];
    const publisher = {
      publish: async (messages: Sent[]) => {
        sent.push(...messages);
      },
    };
    const migrate = () =>
      migrateOnce(db, 'donation-outbox-published', () => publishLegacyOutbox(donations, publisher));

    expect(await migrate()).toBe(true);
    expect(sent.map(({ topic, key, value }) => ({ topic, key, value }))).toEqual([
      { topic: 'donation', key: 'd1', value: '{"id":"e1"}' },
      { topic: 'donation', key: 'd1', value: '{"id":"e2"}' },
    ]);
    const cleared = await donations.model.collection.findOne({ _id: waiting } as never);
    expect(cleared).toMatchObject({ outbox: [] });
    expect(cleared).not.toHaveProperty('outboxSince');

    // Messages found later (which no current version writes) are not looked for again: the scan ran once.
    await donations.model.collection.updateOne({ _id: waiting } as never, {
      $set: { outbox: [message('e3')], outboxSince: new Date() },
    });
    expect(await migrate()).toBe(false);
    expect(sent).toHaveLength(2);
  });
});
