import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DonorContact } from '../domain/donation.ts';

/**
 * Donor contact details at rest, sealed with AES-256-GCM: a fresh 12-byte IV per value (NIST SP 800-38D), the
 * 16-byte tag detects any change, and the donation id is bound in as associated data so a sealed value copied
 * onto another donation does not open. Stored as `v1.` + base64(iv ‖ tag ‖ ciphertext); the version prefix
 * leaves room for key rotation.
 */
export interface DonorCipher {
  seal(donationId: string, contact: DonorContact): string;
  open(donationId: string, sealed: string): DonorContact;
  /** Any JSON value bound to `context` (a replayable response holds a receipt code: it is sealed the same way). */
  sealValue(context: string, value: unknown): string;
  openValue(context: string, sealed: string): unknown;
}

const version = 'v1.';
const ivLength = 12;
const tagLength = 16;

export function createDonorCipher(key: Buffer): DonorCipher {
  if (key.length !== 32) throw new RangeError('the donor data key must be 32 bytes');
  function sealValue(context: string, value: unknown): string {
    const iv = randomBytes(ivLength);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return version + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }
  function openValue(context: string, sealed: string): unknown {
    if (!sealed.startsWith(version)) throw new Error('unknown donor data format');
    const bytes = Buffer.from(sealed.slice(version.length), 'base64');
    if (bytes.length < ivLength + tagLength) throw new Error('donor data is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivLength), {
      authTagLength: tagLength,
    });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(ivLength, ivLength + tagLength));
    const plain = Buffer.concat([decipher.update(bytes.subarray(ivLength + tagLength)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  }
  return {
    seal: (donationId, contact) => sealValue(`donation:${donationId}`, contact),
    open: (donationId, sealed) => openValue(`donation:${donationId}`, sealed) as DonorContact,
    sealValue,
    openValue,
  };
}
