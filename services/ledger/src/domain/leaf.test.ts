import { describe, expect, it } from 'vitest';
import { canonicalBytes, leafHash } from './leaf.ts';

describe('leaf bytes and hashes', () => {
  it('when an entry is canonicalized, then keys are sorted and no whitespace is added (RFC 8785)', () => {
    expect(canonicalBytes({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: 'é' } }).toString('utf8')).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":1.5}}',
    );
  });

  it('when the leaf is empty, then its hash is the RFC 6962 empty-leaf hash', () => {
    // SHA-256(0x00), the leaf hash of an empty entry in RFC 6962 test vectors.
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('when one byte of an entry changes, then its leaf hash changes', () => {
    expect(leafHash(canonicalBytes({ amount: 2500 }))).not.toEqual(
      leafHash(canonicalBytes({ amount: 2501 })),
    );
  });
});
