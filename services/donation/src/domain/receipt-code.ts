import { randomBytes } from 'node:crypto';
import { canonicalReceiptCode as sharedCanonicalReceiptCode } from '@aid/contracts';

// RFC 4648 base32: upper case and digits 2-7 only, so a code read aloud or copied by hand has no 0/O or 1/l mix-ups.
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 20 bytes = 160 bits: far beyond guessing, while 32 characters in 8 groups stay easy to copy. */
export const receiptCodeBytes = 20;
const groupLength = 4;

export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) output += alphabet[(value << (5 - bits)) & 31];
  return output;
}

function grouped(code: string): string {
  return code.match(new RegExp(`.{1,${groupLength}}`, 'g'))?.join('-') ?? code;
}

export function newReceiptCode(bytes: Uint8Array = randomBytes(receiptCodeBytes)): string {
  return grouped(base32(bytes));
}

/**
 * The canonical form of a code as typed by a person (any case, spaces or dashes anywhere), or null when it
 * cannot be a receipt code. The hash is always taken of the canonical form, the form we hand out.
 */
export function canonicalReceiptCode(input: string): string | null {
  return sharedCanonicalReceiptCode(input);
}
