import { DomainError } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import { statusByCode } from '../http/status-by-code.ts';
import {
  actionShows,
  decideOnExistingKey,
  idempotencyKeyId,
  requestFingerprint,
  type IdempotencyRecord,
} from './idempotency.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const hash = requestFingerprint('POST', '/v1/disbursements/d-1/approve', { comment: 'checked' });

const aRecord = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  requestHash: hash,
  state: 'started',
  token: 't-1',
  leaseUntil: later(30_000),
  resourceId: 'r-1',
  answer: null,
  expiresAt: later(24 * 3_600_000),
  ...overrides,
});

function problemOf(run: () => unknown): { code: string; field: string | undefined } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, field: error.field };
  }
}

describe('idempotency keys', () => {
  it('when two members send the same key, then their keys are stored apart; the same member and key meet', () => {
    expect(idempotencyKeyId({ memberId: 'm-1' }, 'k')).toBe(idempotencyKeyId({ memberId: 'm-1' }, 'k'));
    expect(idempotencyKeyId({ memberId: 'm-1' }, 'k')).not.toBe(idempotencyKeyId({ memberId: 'm-2' }, 'k'));
    expect(idempotencyKeyId({ memberId: 'm-1' }, 'k')).not.toContain('k');
  });

  it('when method, path or body differ, then the fingerprint differs; the same request gives the same one', () => {
    expect(requestFingerprint('post', '/v1/disbursements/d-1/approve', { comment: 'checked' })).toBe(hash);
    expect(requestFingerprint('POST', '/v1/disbursements/d-1/reject', { comment: 'checked' })).not.toBe(hash);
    expect(requestFingerprint('POST', '/v1/disbursements/d-2/approve', { comment: 'checked' })).not.toBe(
      hash,
    );
    expect(requestFingerprint('POST', '/v1/disbursements/d-1/approve', { comment: 'fine' })).not.toBe(hash);
  });
});

describe('a request meeting an existing key', () => {
  it('when the first answer is stored, then it is replayed', () => {
    const answer = { status: 200, body: '{"id":"d-1"}' };
    expect(decideOnExistingKey(aRecord({ state: 'done', answer }), hash, now)).toEqual({
      kind: 'replay',
      answer,
    });
  });

  it('when the body differs, then it is refused naming the header, even after an answer was stored', () => {
    const other = requestFingerprint('POST', '/v1/disbursements/d-1/approve', { comment: 'other' });
    expect(problemOf(() => decideOnExistingKey(aRecord(), other, now))).toEqual({
      code: 'idempotency-key-reused',
      field: 'Idempotency-Key',
    });
    expect(
      problemOf(() =>
        decideOnExistingKey(aRecord({ state: 'done', answer: { status: 200, body: '{}' } }), other, now),
      )?.code,
    ).toBe('idempotency-key-reused');
  });

  it('when the first request is still within its lease, then the retry is told the key is in use', () => {
    expect(problemOf(() => decideOnExistingKey(aRecord({ leaseUntil: later(1) }), hash, now))).toEqual({
      code: 'idempotency-key-in-use',
      field: 'Idempotency-Key',
    });
  });

  it('when a started request outlived its lease without an answer (crash, failure), then the retry takes the key over', () => {
    expect(decideOnExistingKey(aRecord({ leaseUntil: now }), hash, now)).toEqual({ kind: 'take-over' });
    expect(decideOnExistingKey(aRecord({ leaseUntil: new Date(0) }), hash, now)).toEqual({
      kind: 'take-over',
    });
  });

  it('when the key is past its retention, then it starts a new request whatever it held', () => {
    const expired = { expiresAt: now };
    expect(
      decideOnExistingKey(
        aRecord({ ...expired, state: 'done', answer: { status: 200, body: '{}' } }),
        hash,
        now,
      ),
    ).toEqual({ kind: 'expired' });
    expect(decideOnExistingKey(aRecord({ ...expired, requestHash: 'other' }), hash, now)).toEqual({
      kind: 'expired',
    });
  });

  it.each([
    ['idempotency-key-reused', 409],
    ['idempotency-key-in-use', 409],
  ] as const)('when the error is %s, then the status is %i', (code, status) => {
    expect(statusByCode[code]).toBe(status);
  });
});

describe('whether a retried action already shows on the disbursement', () => {
  const untouched = { approvals: [] as { memberId: string }[] };
  const me = { memberId: 'm-me' };
  it.each([
    ['approve', { approvals: [{ memberId: 'm-me' }] }, true],
    ['approve', { approvals: [{ memberId: 'm-other' }] }, false],
    ['reject', { ...untouched, rejection: { memberId: 'm-me' } }, true],
    ['reject', { ...untouched, rejection: { memberId: 'm-other' } }, false],
    ['cancel', { ...untouched, cancellation: { memberId: 'm-me' } }, true],
    ['cancel', { ...untouched, cancellation: { memberId: 'm-other' } }, false],
    ['payout', { ...untouched, payout: { paidBy: 'm-me' } }, true],
    ['payout', { ...untouched, payout: { paidBy: 'm-other' } }, false],
    ['payout', untouched, false],
    ['approve', { approvals: [{ memberId: 'm-me' }], payout: { paidBy: 'm-other' } }, true],
  ] as const)(
    'when the action is %s and the disbursement is %j, then it shows: %s',
    (action, disbursement, shows) => {
      expect(actionShows(action, me, disbursement)).toBe(shows);
    },
  );
});
