import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { cleanDisplayName, displayNameSchema, publicDisplayName } from './index.ts';

describe('donor display names', () => {
  it.each([
    ['a right-to-left override reversing the rest', 'Amina \u202Eharhs', 'Amina harhs'],
    ['embeddings and pops', '\u202AAmina\u202C \u202BShah\u202C', 'Amina Shah'],
    ['isolates', 'Amina \u2066Shah\u2069 \u2067x\u2069\u2068y\u2069', 'Amina Shah xy'],
    ['implicit direction marks', '\u200FAmina\u200E Shah\u061C', 'Amina Shah'],
    ['zero-width spaces, BOM and tag characters', 'Am\u200Bina\uFEFF Sh\u{E0041}ah', 'Amina Shah'],
    ['a soft hyphen and noncharacters', 'Ami\u00ADna\uFFFE Sh\u{10FFFF}ah', 'Amina Shah'],
    ['controls and line breaks', 'Amina\u0000\u0007\nShah\r\n', 'Amina Shah'],
    ['runs of spaces and no-break spaces', '  Amina \u00A0\u3000 Shah  ', 'Amina Shah'],
    ['decomposed accents (to NFC)', 'Rene\u0301e', 'Ren\u00E9e'],
  ])('when a name carries %s, then they are removed', (_what, raw, clean) => {
    expect(displayNameSchema.parse(raw)).toBe(clean);
    expect(cleanDisplayName(raw)).toBe(clean);
  });

  it('when a Persian name needs a zero-width non-joiner, then it is kept', () => {
    expect(displayNameSchema.parse('\u0645\u062D\u0645\u062F\u200C\u0631\u0636\u0627')).toBe(
      '\u0645\u062D\u0645\u062F\u200C\u0631\u0636\u0627',
    );
  });

  it.each([
    ['only invisible characters', '\u202E\u200B \u2066\u2069', /visible letters/],
    ['only spaces', '   ', /visible letters/],
    ['more than 100 characters', 'A'.repeat(101), /at most 100 characters/],
    [
      '100 characters hidden among bidi controls',
      `${'A'.repeat(60)}${'\u202E'.repeat(500)}${'B'.repeat(41)}`,
      /at most 100 characters/,
    ],
    ['stacked combining marks', `Z\u0351\u0352\u0353\u0354\u0355\u0356algo`, /accents or marks/],
    [
      'two short runs of marks that removing invisible characters would join',
      `Z\u0351\u0352\u200B\u0353\u0354algo`,
      /accents or marks/,
    ],
    ['an unpaired surrogate', 'Amina \uD800', /unpaired surrogate/],
    ['only a C1 control', '\u0093', /visible letters/],
  ])('when a name is %s, then it is refused, not cut', (_what, raw, message) => {
    const result = displayNameSchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it('when a name of 100 letters in a script of astral characters is given, then it counts letters, not UTF-16 units', () => {
    expect(displayNameSchema.safeParse('\u{10400}'.repeat(100)).success).toBe(true);
  });

  it('when four marks sit on a letter, then the name is kept', () => {
    expect(displayNameSchema.safeParse('Z\u0351\u0352\u0353\u0354algo').success).toBe(true);
  });

  it('when the JSON Schema of a name is published, then it accepts exactly the names the server accepts', () => {
    const published = z.toJSONSchema(displayNameSchema) as { maxLength?: number; pattern?: string };
    expect(published.pattern).toBeDefined();
    // The pattern is read as JSON Schema means it (ECMAScript with `u`), and by engines without `\p{...}` classes.
    expect(published.pattern).not.toMatch(/\\[pP]\{/);
    const pattern = new RegExp(published.pattern ?? '', 'u');
    const schemaAccepts = (name: string) =>
      [...name].length <= (published.maxLength ?? Infinity) && pattern.test(name);
    // Names drawn mostly from the characters the rules are about, so every rule is met and broken often.
    const tricky = fc.constantFrom(
      'a',
      'Ш',
      ' ',
      '\u00A0',
      '\t',
      '\n',
      '\u0301',
      '\u0351',
      '\u200B',
      '\u200C',
      '\u202E',
      '\u2066',
      '\u0000',
      '\u0093',
      '\u00AD',
      '\uFEFF',
      '\u{E0041}',
      '\u{E0100}',
      '\u{10400}',
      '\uFFFF',
    );
    const names = fc.oneof(
      fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.string({ unit: tricky, minLength: 95, maxLength: 105 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        if (/\p{Cs}/u.test(name)) return; // no JSON Schema string holds an unpaired surrogate; refused on its own
        expect(schemaAccepts(name), JSON.stringify(name)).toBe(displayNameSchema.safeParse(name).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it('when a name is published, then it is cleaned, and one that cannot be cleaned is not shown', () => {
    expect(publicDisplayName('Amina\u202E Shah')).toBe('Amina Shah');
    expect(publicDisplayName('\u202E')).toBeNull();
    expect(publicDisplayName(null)).toBeNull();
  });
});
