import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDonorCipher } from './donor-cipher.ts';

const contact = { email: 'amina@example.org', name: 'Amina Yusuf' };

describe('donor cipher', () => {
  const cipher = createDonorCipher(randomBytes(32));

  it('when contact details are sealed and opened, then they come back unchanged', () => {
    expect(cipher.open('d1', cipher.seal('d1', contact))).toEqual(contact);
    expect(cipher.open('d1', cipher.seal('d1', { email: 'x@example.org', name: null }))).toEqual({
      email: 'x@example.org',
      name: null,
    });
  });

  it('when sealed, then neither the email nor the name can be read, and each sealing uses a fresh IV', () => {
    const first = cipher.seal('d1', contact);
    const second = cipher.seal('d1', contact);
    expect(first).not.toBe(second);
    const bytes = Buffer.from(first.slice(3), 'base64').toString('latin1');
    expect(bytes).not.toContain('amina');
    expect(bytes).not.toContain('Yusuf');
    expect(first).toMatch(/^v1\./);
  });

  it('when any byte of the sealed value is changed, then opening fails', () => {
    const sealed = Buffer.from(cipher.seal('d1', contact).slice(3), 'base64');
    for (const position of [0, 12, 28, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[position] = (tampered[position] ?? 0) ^ 1;
      expect(() => cipher.open('d1', `v1.${tampered.toString('base64')}`)).toThrow();
    }
  });

  it('when a sealed value is moved to another donation or opened with another key, then opening fails', () => {
    const sealed = cipher.seal('d1', contact);
    expect(() => cipher.open('d2', sealed)).toThrow();
    expect(() => createDonorCipher(randomBytes(32)).open('d1', sealed)).toThrow();
  });

  it('when the key is not 32 bytes, then the cipher is not created', () => {
    expect(() => createDonorCipher(randomBytes(16))).toThrow(RangeError);
  });
});
