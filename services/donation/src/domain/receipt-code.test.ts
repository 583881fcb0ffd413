import { describe, expect, it } from 'vitest';
import { base32, canonicalReceiptCode, newReceiptCode, receiptCodeBytes } from './receipt-code.ts';

describe('receipt codes', () => {
  it('when base32 encodes the RFC 4648 test vectors, then the output matches without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [input, output] of vectors) expect(base32(Buffer.from(input))).toBe(output);
  });

  it('when a code is made, then it carries at least 128 random bits in 8 readable groups', () => {
    expect(receiptCodeBytes * 8).toBeGreaterThanOrEqual(128);
    expect(newReceiptCode()).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
  });

  it('when many codes are made, then none repeats and every character position varies', () => {
    const codes = Array.from({ length: 500 }, () => newReceiptCode());
    expect(new Set(codes).size).toBe(codes.length);
    const compact = codes.map((code) => code.replaceAll('-', ''));
    for (let position = 0; position < 32; position += 1) {
      expect(new Set(compact.map((code) => code[position])).size).toBeGreaterThan(8);
    }
  });

  it('when the same bytes are encoded, then the code is the same (the hash must be reproducible)', () => {
    const bytes = Buffer.alloc(20, 7);
    expect(newReceiptCode(bytes)).toBe(newReceiptCode(Buffer.from(bytes)));
  });

  it('when a person types a code in lower case or with spaces, then it is read as the code handed out', () => {
    const code = newReceiptCode();
    expect(canonicalReceiptCode(code)).toBe(code);
    expect(canonicalReceiptCode(code.toLowerCase().replaceAll('-', ' '))).toBe(code);
  });

  it.each(['', 'ABCD', 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4560', `${'A'.repeat(33)}`])(
    'when %j is presented, then it is not a receipt code',
    (input) => {
      expect(canonicalReceiptCode(input)).toBeNull();
    },
  );
});
