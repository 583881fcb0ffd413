import { z } from 'zod';

/** Longest display name, in code points after cleaning: long enough for full names in any script. */
export const maxDisplayNameLength = 100;

// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the implicit marks
// (U+200E, U+200F, U+061C) reorder the text around them: "Amina\u202Eenola" reads as someone else's name.
const bidiControls = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;
// Other control and format characters (zero-width spaces, BOM, tag characters, C0/C1 controls), unpaired
// surrogates and unassigned code points. ZWNJ and ZWJ (U+200C, U+200D) stay: Persian, Urdu and Indic names
// need them to be spelled right.
const invisible = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\p{Cn}]/gu;
const whitespaceRuns = /[\s\p{Z}]+/gu;
// More than four combining marks on one letter is decoration stacked to overflow the line, not a name.
const stackedMarks = /\p{M}{5,}/u;

/**
 * What is kept of a donor's name: NFC, without bidirectional or other invisible controls, whitespace runs as one
 * space, trimmed. A name shown on the public record stays there forever, so it is cleaned before it is stored.
 */
export function cleanDisplayName(raw: string): string {
  return raw.normalize('NFC').replace(whitespaceRuns, ' ').replace(bidiControls, '').replace(invisible, '').replace(whitespaceRuns, ' ').trim();
}

/**
 * A donor's name as a request gives it. Cleaned first; then an empty or too long name is refused rather than
 * cut: a truncated name would put on the permanent record a name the donor never wrote.
 */
export const displayNameSchema = z
  .string()
  .max(1_000, 'must be at most 1000 characters')
  .overwrite(cleanDisplayName)
  .min(1, 'must contain visible letters, not only spaces or invisible characters')
  .refine((name) => [...name].length <= maxDisplayNameLength, `must be at most ${maxDisplayNameLength} characters`)
  .refine((name) => !stackedMarks.test(name), 'must not stack more than four accents or marks on one letter');

/** A name fit for the public record, or null: cleaned, and refused when empty or too long (as a request would be). */
export function publicDisplayName(raw: string | null): string | null {
  if (raw === null) return null;
  const parsed = displayNameSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
