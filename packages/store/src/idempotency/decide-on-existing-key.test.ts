import { describe, expect, it } from 'vitest';
import {
  decideOnExistingKey,
  requestFingerprint,
  storedKeyId,
  type IdempotencyRecord,
} from './decide-on-existing-key.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const hash = requestFingerprint(['POST', '/v1/disbursements/d-1/approve', { comment: 'checked' }]);
const stored = { status: 200, body: '{"id":"d-1"}' };

const aRecord = (
  overrides: Partial<IdempotencyRecord<typeof stored>> = {},
): IdempotencyRecord<typeof stored> => ({
  requestHash: hash,
  state: 'started',
  token: 't-1',
  leaseUntil: later(30_000),
  resourceId: 'r-1',
  answer: null,
  expiresAt: later(24 * 3_600_000),
  ...overrides,
});

describe('stored key ids and request fingerprints', () => {
  it('when the scoped key is the same, then so is the id, and the key itself does not show in it', () => {
    expect(storedKeyId('scope:k-1')).toBe(storedKeyId('scope:k-1'));
    expect(storedKeyId('scope:k-1')).not.toBe(storedKeyId('other:k-1'));
    expect(storedKeyId('scope:k-1')).not.toContain('k-1');
  });

  it('when any part of the request differs, then the fingerprint differs; the same request gives the same one', () => {
    expect(requestFingerprint(['POST', '/v1/disbursements/d-1/approve', { comment: 'checked' }])).toBe(hash);
    expect(requestFingerprint(['POST', '/v1/disbursements/d-1/reject', { comment: 'checked' }])).not.toBe(
      hash,
    );
    expect(requestFingerprint(['POST', '/v1/disbursements/d-1/approve', { comment: 'fine' }])).not.toBe(hash);
  });
});

describe('a request meeting an existing key', () => {
  it('when the first answer is stored, then it is replayed', () => {
    expect(decideOnExistingKey(aRecord({ state: 'done', answer: stored }), hash, now)).toEqual({
      kind: 'replay',
      answer: stored,
    });
  });

  it('when the request differs, then it is refused as reused, even after an answer was stored', () => {
    const other = requestFingerprint(['POST', '/v1/disbursements/d-1/approve', { comment: 'other' }]);
    expect(decideOnExistingKey(aRecord(), other, now)).toEqual({ kind: 'reused' });
    expect(decideOnExistingKey(aRecord({ state: 'done', answer: stored }), other, now)).toEqual({
      kind: 'reused',
    });
  });

  it('when the first request is still within its lease, then the key is in use', () => {
    expect(decideOnExistingKey(aRecord({ leaseUntil: later(1) }), hash, now)).toEqual({ kind: 'in-use' });
  });

  it('when a started request outlived its lease without an answer (crash, failure), then the retry takes the key over', () => {
    expect(decideOnExistingKey(aRecord({ leaseUntil: now }), hash, now)).toEqual({ kind: 'take-over' });
    expect(decideOnExistingKey(aRecord({ leaseUntil: new Date(0) }), hash, now)).toEqual({
      kind: 'take-over',
    });
  });

  it('when a key is done but holds no answer, then it is treated as started: in use within its lease', () => {
    expect(decideOnExistingKey(aRecord({ state: 'done', leaseUntil: later(1) }), hash, now)).toEqual({
      kind: 'in-use',
    });
  });

  it('when the key is past its retention, then it starts a new request whatever it held', () => {
    const expired = { expiresAt: now };
    expect(decideOnExistingKey(aRecord({ ...expired, state: 'done', answer: stored }), hash, now)).toEqual({
      kind: 'expired',
    });
    expect(decideOnExistingKey(aRecord({ ...expired, requestHash: 'other' }), hash, now)).toEqual({
      kind: 'expired',
    });
  });

  it('when the key has no retention, then it never expires', () => {
    const old = aRecord({ expiresAt: null, state: 'done', answer: stored });
    expect(decideOnExistingKey(old, hash, later(10 * 365 * 24 * 3_600_000))).toEqual({
      kind: 'replay',
      answer: stored,
    });
  });
});
