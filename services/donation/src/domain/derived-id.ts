import { createHash } from 'node:crypto';

/**
 * An id decided once per fact (a gift's success, a refund level, a dispute's opening or close, a monthly
 * installment), so every copy of a decision names the same thing. Shaped as a UUIDv7 (RFC 9562 section 5.7), so
 * it passes the event envelope's id check: the fact's time in the 48-bit timestamp, the rest from a hash of the fact.
 */
export function derivedEventId(fact: string, at: Date): string {
  const bytes = createHash('sha256').update(fact).digest().subarray(0, 16);
  bytes.writeUIntBE(at.getTime(), 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
