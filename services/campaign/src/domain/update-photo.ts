import { createHash } from 'node:crypto';
import { errors } from './errors.ts';

export const updatePhotoTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type UpdatePhotoType = (typeof updatePhotoTypes)[number];

/** Photos on updates are news pictures, not archives: a phone photo fits well within this. */
export const updatePhotoLimitBytes = 5 * 1024 * 1024;

/** What the public record says of an update's photo; the bytes themselves are kept apart, by the update's id. */
export interface UpdatePhotoFacts {
  contentType: UpdatePhotoType;
  size: number;
  sha256: string;
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The type a photo really is, read from its first bytes; whatever a client declared is never trusted. */
export function photoTypeOf(bytes: Buffer): UpdatePhotoType | null {
  const startsWith = (signature: number[], at = 0) =>
    bytes.length >= at + signature.length && signature.every((byte, index) => bytes[at + index] === byte);
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // A RIFF container whose form type is WEBP.
  if (startsWith(ascii('RIFF')) && startsWith(ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** Checks a photo for an update and describes it; the SHA-256 is ours, over the exact bytes received. */
export function decideUpdatePhoto(bytes: Buffer): UpdatePhotoFacts {
  if (bytes.length > updatePhotoLimitBytes) throw errors.photoTooLarge(updatePhotoLimitBytes);
  const contentType = photoTypeOf(bytes);
  if (!contentType) throw errors.photoUnsupported();
  return { contentType, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
