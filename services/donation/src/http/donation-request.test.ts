import type { DomainError } from '@aid/contracts';
import { parseRequestPart, type HttpProblem } from '@aid/http-kit';
import { describe, expect, it } from 'vitest';
import * as errors from '../domain/errors.ts';
import { donationErrorCodes } from '../domain/errors.ts';
import { createDonationBody } from './schemas.ts';
import { statusByCode } from './status-by-code.ts';

const body = (overrides: Record<string, unknown> = {}) => ({
  campaignId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  amount: 2500,
  currency: 'USD',
  donor: { email: 'amina@example.org', name: 'Amina Yusuf' },
  ...overrides,
});

function problemOf(value: unknown): { status: number; field: string | undefined } | undefined {
  try {
    parseRequestPart(createDonationBody, value, 'body');
    return undefined;
  } catch (error) {
    const problem = error as HttpProblem;
    return { status: problem.status, field: problem.field };
  }
}

describe('donation request validation', () => {
  it.each([
    {
      when: 'the email is not an email',
      value: body({ donor: { email: 'amina-at-example', name: 'A' } }),
      field: 'donor.email',
    },
    { when: 'the email is missing', value: body({ donor: { name: 'A' } }), field: 'donor.email' },
    { when: 'the amount is a float', value: body({ amount: 25.5 }), field: 'amount' },
    { when: 'the amount is zero', value: body({ amount: 0 }), field: 'amount' },
    { when: 'the amount is a string', value: body({ amount: '2500' }), field: 'amount' },
    { when: 'the currency is lower case', value: body({ currency: 'usd' }), field: 'currency' },
    { when: 'the currency does not exist', value: body({ currency: 'ABC' }), field: 'currency' },
    { when: 'the campaign id is missing', value: body({ campaignId: undefined }), field: 'campaignId' },
    { when: 'the interval is weekly', value: body({ interval: 'week' }), field: 'interval' },
    {
      when: 'the country of residence is a name',
      value: body({ countryOfResidence: 'Pakistan' }),
      field: 'countryOfResidence',
    },
    {
      when: 'the country of heritage is lower case',
      value: body({ geographyConsent: true, countryOfHeritage: 'pk' }),
      field: 'countryOfHeritage',
    },
    {
      when: 'the country of residence is ZZ',
      value: body({ geographyConsent: true, countryOfResidence: 'ZZ' }),
      field: 'countryOfResidence',
    },
    {
      when: 'the country of heritage is AA',
      value: body({ geographyConsent: true, countryOfHeritage: 'AA' }),
      field: 'countryOfHeritage',
    },
    {
      when: 'a country is given without consent',
      value: body({ countryOfResidence: 'IS' }),
      field: 'countryOfResidence',
    },
    {
      when: 'the name is a right-to-left override and nothing else',
      value: body({ donor: { email: 'a@example.org', name: '\u202E' } }),
      field: 'donor.name',
    },
    {
      when: 'the name is 101 letters long',
      value: body({ donor: { email: 'a@example.org', name: 'x'.repeat(101) } }),
      field: 'donor.name',
    },
    {
      when: 'the name is to be shown but missing',
      value: body({ showName: true, donor: { email: 'a@example.org' } }),
      field: 'donor.name',
    },
    {
      when: 'the language is one the platform does not speak',
      value: body({ locale: 'de' }),
      field: 'locale',
    },
    { when: 'the language is not a BCP 47 tag', value: body({ locale: 'en_US' }), field: 'locale' },
    { when: 'the language is not a string', value: body({ locale: 7 }), field: 'locale' },
  ])('when $when, then the answer is 400 naming $field', ({ value, field }) => {
    expect(problemOf(value)).toEqual({ status: 400, field });
  });

  it('when optional fields are left out, then a one-off gift with a hidden name is recorded', () => {
    const parsed = parseRequestPart(createDonationBody, body(), 'body');
    expect(parsed).toMatchObject({ interval: 'once', showName: false, geographyConsent: false });
    expect(parsed.countryOfResidence).toBeUndefined();
    expect(parsed.locale).toBeUndefined();
  });

  it.each([
    ['so', 'so'],
    ['fr-CA', 'fr'],
    ['AR-SY', 'ar'],
    ['ht', 'ht'],
  ])("when the donor's language is %j, then it is kept as %j", (locale, kept) => {
    expect(parseRequestPart(createDonationBody, body({ locale }), 'body').locale).toBe(kept);
  });

  it('when a name carries bidirectional overrides, isolates and zero-width characters, then what is kept is the visible name', () => {
    const parsed = parseRequestPart(
      createDonationBody,
      body({
        showName: true,
        donor: { email: 'a@example.org', name: '\u2067Amina\u2069 \u202Eharhs\u202C\u200B' },
      }),
      'body',
    );
    expect(parsed.donor.name).toBe('Amina harhs');
  });

  it('when a donor consents and gives ISO countries, then they are taken', () => {
    const parsed = parseRequestPart(
      createDonationBody,
      body({ geographyConsent: true, countryOfResidence: 'IS', countryOfHeritage: 'XK' }),
      'body',
    );
    expect(parsed).toMatchObject({
      geographyConsent: true,
      countryOfResidence: 'IS',
      countryOfHeritage: 'XK',
    });
  });
});

describe('error status table', () => {
  it.each([
    [errors.campaignNotFound('c1'), 404, 'campaignId'],
    [errors.campaignNotActive('c1', 'draft'), 409, 'campaignId'],
    [errors.currencyMismatch('EUR', 'USD'), 422, 'currency'],
    [errors.amountBelowMinimum(50, 'USD'), 422, 'amount'],
    [errors.amountAboveMaximum(100, 'USD'), 422, 'amount'],
    [errors.donationNotFound(), 404, 'X-Receipt-Code'],
    [errors.invalidWebhookSignature('no'), 400, 'stripe-signature'],
    [errors.paymentProviderUnavailable(), 503, undefined],
    [errors.paymentProviderRejected('too large', 'amount'), 422, 'amount'],
    [errors.paymentProviderError('StripeAuthenticationError'), 502, undefined],
    [errors.idempotencyKeyReused(), 409, 'Idempotency-Key'],
    [errors.idempotencyKeyInUse(), 409, 'Idempotency-Key'],
    [errors.donationNotRefundable('pending'), 409, 'id'],
    [errors.refundAboveRemaining(100, 'USD'), 422, 'amount'],
    [errors.refundAboveUnallocated(200, 100, 'USD'), 409, 'amount'],
    [errors.notOrganizationAdmin(), 403, 'authorization'],
    [errors.notAMonthlyGift(), 409, 'id'],
    [errors.giftNotFoundForOrganization(), 404, 'id'],
  ] as [DomainError, number, string | undefined][])(
    'when the error is %s, then the status is %i and the field %s',
    (error, status, field) => {
      expect(statusByCode[error.code as keyof typeof statusByCode]).toBe(status);
      expect(error.field).toBe(field);
    },
  );

  it('when a code exists, then it has a 4xx or 5xx status', () => {
    for (const code of donationErrorCodes) expect(statusByCode[code]).toBeGreaterThanOrEqual(400);
  });
});
