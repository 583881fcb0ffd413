import { describe, expect, it } from 'vitest';
import { idempotencyKey } from './idempotency-key.ts';

const withHeader = (value: string | undefined) =>
  ({ get: (name: string) => (name === 'idempotency-key' ? value : undefined) }) as Parameters<
    typeof idempotencyKey
  >[0];

describe('Idempotency-Key header', () => {
  it.each([
    ['a UUID', '0b6e7a7e-9d55-4c1e-9a3c-0d1f7a2b5c11', true],
    ['printable ASCII', 'retry:approve/42#1', true],
    ['255 characters', 'k'.repeat(255), true],
    ['empty', '', false],
    ['256 characters', 'k'.repeat(256), false],
    ['a space', 'two words', false],
    ['non-ASCII', 'clé', false],
    ['a control character', 'key\t1', false],
  ])('when the key is %s, then it is accepted: %s', (_, key, valid) => {
    if (valid) expect(idempotencyKey(withHeader(key))).toBe(key);
    else
      expect(() => idempotencyKey(withHeader(key))).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid-idempotency-key', field: 'Idempotency-Key' }),
      );
  });

  it('when no key is sent, then there is none', () => {
    expect(idempotencyKey(withHeader(undefined))).toBeUndefined();
  });
});
