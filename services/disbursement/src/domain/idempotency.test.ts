import { describe, expect, it } from 'vitest';
import { statusByCode } from '../http/status-by-code.ts';
import { idempotencyKeyInUse, idempotencyKeyReused } from './errors.ts';
import { actionShows } from './idempotency.ts';

describe('idempotency errors', () => {
  it.each([
    [idempotencyKeyReused(), 'idempotency-key-reused', 409],
    [idempotencyKeyInUse(), 'idempotency-key-in-use', 409],
  ] as const)(
    'when the refusal is %s, then it is a %s naming the header, answered %i',
    (error, code, status) => {
      expect({ code: error.code, field: error.field }).toEqual({ code, field: 'Idempotency-Key' });
      expect(statusByCode[error.code]).toBe(status);
    },
  );
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
