import { z } from 'zod';

/** Longest display name, in characters (code points) as given: long enough for full names in any script. */
export const maxDisplayNameLength = 100;
/** More than this many combining marks in a row is decoration stacked to overflow the line, not a name. */
export const maxStackedMarks = 4;

// The character sets below are spelled out as code point ranges, read once from this runtime's Unicode data,
// so that the server's check and the published JSON Schema pattern are the same set for every regex engine
// (Python's `re`, which clients and Schemathesis use, knows no `\p{...}` classes). Planes 2 to 13 hold no
// marks, controls or format characters, and 15 and 16 are private use: they are not scanned.
const scannedPlanes: [number, number][] = [
  [0x0000, 0x1ffff],
  [0xe0000, 0xeffff],
];

function rangesOf(matches: (codePoint: number) => boolean): [number, number][] {
  const ranges: [number, number][] = [];
  for (const [low, high] of scannedPlanes) {
    for (let codePoint = low; codePoint <= high; codePoint++) {
      if (!matches(codePoint)) continue;
      const last = ranges.at(-1);
      if (last && last[1] === codePoint - 1) last[1] = codePoint;
      else ranges.push([codePoint, codePoint]);
    }
  }
  return ranges;
}

/** Class contents every engine reads alike: `\uXXXX` escapes in the BMP, the character itself beyond it. */
function classOf(ranges: [number, number][]): string {
  const one = (codePoint: number) =>
    codePoint <= 0xffff
      ? `\\u${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
      : String.fromCodePoint(codePoint);
  return ranges.map(([low, high]) => (low === high ? one(low) : `${one(low)}-${one(high)}`)).join('');
}

const is = (pattern: RegExp) => (codePoint: number) => pattern.test(String.fromCodePoint(codePoint));
const isNoncharacter = (codePoint: number) =>
  (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;

// What ECMAScript calls white space and line terminators, and Unicode's separators: each run becomes one space.
const whitespace = classOf(rangesOf(is(/^[\s\p{Z}]$/u)));
// Removed outright: control and format characters, among them the bidirectional embeddings, overrides and
// isolates and the implicit direction marks that reorder the text around them ("Amina\u202Eenola" reads as
// someone else's name), zero-width spaces and tag characters; and noncharacters. ZWNJ and ZWJ (U+200C, U+200D)
// stay: Persian, Urdu and Indic names need them to be spelled right. Code points unassigned in this runtime's
// Unicode version stay too: a donor's newer device may well know them (a recent script or emoji).
const removedRanges = rangesOf((codePoint) => {
  const character = String.fromCodePoint(codePoint);
  if (/^[\s\p{Z}\u200C\u200D]$/u.test(character)) return false;
  return /^[\p{Cc}\p{Cf}]$/u.test(character) || isNoncharacter(codePoint);
});
// The two noncharacters at the end of each plane that is not scanned.
for (const plane of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16])
  removedRanges.push([plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]);
removedRanges.sort(([a], [b]) => a - b);
const removed = classOf(removedRanges);
const marks = classOf(rangesOf(is(/^\p{M}$/u)));

// With the `u` flag a lone surrogate is a code point of its own, of category Cs; a pair is one astral character.
const unpairedSurrogate = /\p{Cs}/u;
const whitespaceRuns = new RegExp(`[${whitespace}]+`, 'gu');
const removedCharacters = new RegExp(`[${removed}]`, 'gu');
const visibleCharacter = new RegExp(`[^${whitespace}${removed}]`, 'u');
// Removed characters count in a run of marks: removing them must not join two short runs into a long one.
const stackedMarks = new RegExp(`[${marks}${removed}]{${maxStackedMarks + 1},}`, 'u');

/**
 * The published pattern: exactly the names `displayNameSchema` accepts (with `maxLength`), as one regular
 * expression read alike by ECMAScript (with the `u` flag, as JSON Schema means), Python and Rust: some character
 * that is neither white space nor removed, and no more than four marks or removed characters in a row.
 */
export const displayNamePattern =
  `^(?=[${whitespace}${removed}]*[^${whitespace}${removed}])` +
  `(?:[${marks}${removed}]{0,${maxStackedMarks}}[^${marks}${removed}])*[${marks}${removed}]{0,${maxStackedMarks}}$`;

/**
 * What is kept of a donor's name: NFC, control and format characters removed, white space runs as one space,
 * trimmed. A name shown on the public record stays there forever, so it is cleaned before it is stored.
 */
export function cleanDisplayName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(whitespaceRuns, ' ')
    .replace(removedCharacters, '')
    .replace(whitespaceRuns, ' ')
    .trim();
}

/** Why a name as given is refused, or undefined when it is accepted (the rules `displayNamePattern` states). */
export function displayNameProblem(raw: string): string | undefined {
  if (unpairedSurrogate.test(raw)) return 'must be text, without unpaired surrogate code units';
  if (raw.length > 2 * maxDisplayNameLength || [...raw].length > maxDisplayNameLength)
    return `must be at most ${maxDisplayNameLength} characters`;
  if (!visibleCharacter.test(raw))
    return 'must contain visible letters, not only spaces or invisible characters';
  if (stackedMarks.test(raw))
    return `must not stack more than ${maxStackedMarks} accents or marks on one letter`;
  return undefined;
}

/**
 * A donor's name as a request gives it. Checked as given, so the published schema states exactly what is accepted;
 * then cleaned. A name that breaks a rule is refused rather than cut: a truncated name would put on the permanent
 * record a name the donor never wrote.
 */
export const displayNameSchema = z
  .string()
  .superRefine((raw, context) => {
    const problem = displayNameProblem(raw);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .overwrite(cleanDisplayName)
  .meta({ maxLength: maxDisplayNameLength, pattern: displayNamePattern });

/** A name fit for the public record, or null: cleaned, and refused as a request would be (names stored before the rules). */
export function publicDisplayName(raw: string | null): string | null {
  if (raw === null) return null;
  const parsed = displayNameSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
