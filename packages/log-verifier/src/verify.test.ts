import { describe, expect, it } from 'vitest';
import { parseVerifierKey } from './verify.ts';

describe('verifier keys', () => {
  it('when the base64 key itself contains plus signs, then only the first two separate the fields', () => {
    const key = parseVerifierKey(
      'ledger.test.localhost+96193599+AROY9ixtGkV8UbpqS189vS9p/KkyFiGNyJl+QWvRfZPK',
    );
    expect(key.name).toBe('ledger.test.localhost');
    expect(Array.from(key.keyHash)).toEqual([0x96, 0x19, 0x35, 0x99]);
    expect(key.publicKey).toHaveLength(32);
  });

  it.each([['no-plus-at-all'], ['name+hash'], ['name+zzzzzzzz+AQ==']])(
    'when the key is %s, then it is refused',
    (text) => {
      expect(() => parseVerifierKey(text)).toThrow();
    },
  );
});
