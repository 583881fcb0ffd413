import { createLogger } from '@aid/telemetry';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../connection.ts';
import { answerOnce, type AnswerOnceDeps } from './answer-once.ts';
import { requestFingerprint, storedKeyId } from './decide-on-existing-key.ts';
import { createIdempotencyKeys, type AnswerCodec } from './idempotency-keys.store.ts';

const logger = createLogger('idempotency-test', 'silent');
const leaseMs = 45_000;

// Stands in for a service's sealing: the stored form is not the answer as given.
const reversed: AnswerCodec<string> = {
  seal: (_id, answer) => [...answer].reverse().join(''),
  open: (_id, stored) => [...String(stored)].reverse().join(''),
};

class Refused extends Error {}

describe('idempotency keys against the real database', () => {
  let db: Connection;
  let clock = new Date('2026-03-01T12:00:00.000Z');
  let ids = 0;
  const deps = (): AnswerOnceDeps<string> => ({
    keys: createIdempotencyKeys(db, { leaseMs, codec: reversed, logger }),
    now: () => clock,
    newId: () => `r-${(ids += 1)}`,
    logger,
    refusals: { reused: () => new Refused('reused'), inUse: () => new Refused('in-use') },
  });
  const keyed = (key: string, request: unknown) => ({
    id: storedKeyId(`test:${key}`),
    requestHash: requestFingerprint(request),
  });

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('idempotency'));
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a key is used again with the same request, then the stored answer comes back sealed as stored', async () => {
    const claim = keyed('k-replay', { amount: 10 });
    let runs = 0;
    const act = () => Promise.resolve(`answer ${(runs += 1)}`);
    expect(await answerOnce(deps(), claim, act)).toEqual({ answer: 'answer 1', replayed: false });
    expect(await answerOnce(deps(), claim, act)).toEqual({ answer: 'answer 1', replayed: true });
    expect(runs).toBe(1);
    const stored = await db.collection('idempotency_keys').findOne({ _id: claim.id as never });
    expect(stored).toMatchObject({ state: 'done', answer: '1 rewsna', expiresAt: null });
    await expect(answerOnce(deps(), keyed('k-replay', { amount: 11 }), act)).rejects.toThrow('reused');
  });

  it('when an action fails, then the retry takes the key over with the same resource id and knows it was retried', async () => {
    const claim = keyed('k-fail', { amount: 10 });
    const attempts: unknown[] = [];
    await expect(
      answerOnce(deps(), claim, (attempt) => {
        attempts.push(attempt);
        return Promise.reject(new Error('provider down'));
      }),
    ).rejects.toThrow('provider down');
    const again = await answerOnce(deps(), claim, (attempt) => {
      attempts.push(attempt);
      return Promise.resolve('done');
    });
    expect(again).toEqual({ answer: 'done', replayed: false });
    expect(attempts).toEqual([
      expect.objectContaining({ retried: false }),
      expect.objectContaining({ retried: true }),
    ]);
    expect((attempts[1] as { resourceId: string }).resourceId).toBe(
      (attempts[0] as { resourceId: string }).resourceId,
    );
  });

  it('when a request crashed without an answer, then a retry is in use until the lease runs out, then one of two racing retries takes it over', async () => {
    const claim = keyed('k-crash', { amount: 10 });
    const keys = deps().keys;
    expect((await keys.claim(claim.id, claim.requestHash, clock, 'r-crash')).kind).toBe('claimed');
    await expect(answerOnce(deps(), claim, () => Promise.resolve('second'))).rejects.toThrow('in-use');
    clock = new Date(clock.getTime() + leaseMs);
    // The winner is still acting when the loser reads the key, so the loser cannot meet a stored answer.
    const slowly = () => new Promise<string>((resolve) => setTimeout(() => resolve('third'), 200));
    const results = await Promise.allSettled([
      answerOnce(deps(), claim, slowly),
      answerOnce(deps(), claim, slowly),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('when a key of the first shape (no lease, answer in responseSealed) is met, then its answer is replayed and a started one frees itself after a lease', async () => {
    const done = keyed('k-old-done', { amount: 10 });
    const started = keyed('k-old-started', { amount: 10 });
    const createdAt = new Date(clock.getTime() - 60_000);
    await db.collection('idempotency_keys').insertMany([
      {
        _id: done.id as never,
        requestHash: done.requestHash,
        state: 'done',
        donationId: 'd-1',
        responseSealed: reversed.seal(done.id, 'old answer'),
        createdAt,
      },
      {
        _id: started.id as never,
        requestHash: started.requestHash,
        state: 'started',
        donationId: null,
        responseSealed: null,
        createdAt,
      },
    ]);
    expect(await answerOnce(deps(), done, () => Promise.resolve('new'))).toEqual({
      answer: 'old answer',
      replayed: true,
    });
    expect(await answerOnce(deps(), started, () => Promise.resolve('taken over'))).toEqual({
      answer: 'taken over',
      replayed: false,
    });
    expect(await answerOnce(deps(), started, () => Promise.resolve('again'))).toEqual({
      answer: 'taken over',
      replayed: true,
    });
  });

  it('when a key with a retention has expired, then it starts a new request', async () => {
    const claim = keyed('k-expiring', { amount: 10 });
    const expiring = {
      ...deps(),
      keys: createIdempotencyKeys(db, { leaseMs, retentionMs: 60_000, codec: reversed, logger }),
    };
    expect((await answerOnce(expiring, claim, () => Promise.resolve('first'))).answer).toBe('first');
    clock = new Date(clock.getTime() + 60_000);
    expect(await answerOnce(expiring, claim, () => Promise.resolve('second'))).toEqual({
      answer: 'second',
      replayed: false,
    });
  });
});
