import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countryCodeSchema,
  crisisSchema,
  locationSchema,
  recipientSchema,
  recordedCrisisSchema,
} from './index.ts';

describe('ISO 3166-1 country codes', () => {
  it.each(['PK', 'GB', 'HT', 'UA', 'SO', 'XK'])('when %s is given, then it is accepted', (code) => {
    expect(countryCodeSchema.safeParse(code).success).toBe(true);
  });

  it.each(['ZZ', 'AA', 'QM', 'XX', 'pk', 'PAK', 'P', ''])(
    'when %j is given, then it is refused as not a country',
    (code) => {
      const result = countryCodeSchema.safeParse(code);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/ISO 3166-1 alpha-2/);
    },
  );

  it('when a crisis, recipient or delivery location names ZZ, then the issue names the field', () => {
    expect(crisisSchema.safeParse({ kind: 'flood', countries: ['PK', 'ZZ'] }).error?.issues[0]?.path).toEqual(
      ['countries', 1],
    );
    expect(
      recipientSchema.safeParse({ name: 'Dadu Water Committee', country: 'AA', local: true }).error?.issues[0]
        ?.path,
    ).toEqual(['country']);
    expect(locationSchema.safeParse({ country: 'ZZ', area: 'Dadu' }).error?.issues[0]?.path).toEqual([
      'country',
    ]);
  });

  it('when an event recorded before the check carries ZZ, then it is still consumed', () => {
    expect(recordedCrisisSchema.safeParse({ kind: 'flood', countries: ['ZZ'] }).success).toBe(true);
  });

  it('when the JSON Schema of a country is published, then it lists exactly the codes accepted', () => {
    const published = (z.toJSONSchema(countryCodeSchema) as { enum?: string[] }).enum ?? [];
    expect(published).toEqual(expect.arrayContaining(['PK', 'SO', 'HT', 'UA', 'XK']));
    for (const code of ['ZZ', 'AA', 'pk']) expect(published).not.toContain(code);
    for (const code of published) expect(countryCodeSchema.safeParse(code).success).toBe(true);
  });
});
