import { describe, expect, it } from 'vitest';
import { estimateCardFee } from './card-fees.ts';
import { guessCurrency } from './donor-currency.ts';
import { readGiveForm } from './give-form.ts';

const context = { campaignId: 'c1', locale: 'fr' as const };

describe('the give form', () => {
  it('when a preset is chosen, then the gift is that amount in the donor’s currency, with their language', () => {
    const read = readGiveForm(
      { amount: '2500', currency: 'eur', interval: 'month', email: ' amina@example.org ' },
      context,
    );
    expect(read.gift).toEqual({
      campaignId: 'c1',
      amount: 2500,
      currency: 'EUR',
      interval: 'month',
      donor: { email: 'amina@example.org' },
      showName: false,
      geographyConsent: false,
      locale: 'fr',
    });
  });

  it('when an amount is typed, then it wins over the preset', () => {
    expect(
      readGiveForm(
        { amount: '2500', customAmount: '40,00', currency: 'EUR', email: 'a@example.org' },
        context,
      ).gift?.amount,
    ).toBe(4000);
  });

  it('when fields are wrong, then each one says why, beside itself', () => {
    const read = readGiveForm(
      {
        amount: 'other',
        customAmount: '12.3456',
        currency: 'EUR',
        email: 'amina@',
        showName: 'on',
        name: ' ',
      },
      context,
    );
    expect(read.errors).toEqual({ amount: 'amount-decimals', email: 'email-malformed', name: 'name-needed' });
  });

  it('when the currency is not one donors can pay in, then the currency is refused and the amount is not read', () => {
    expect(readGiveForm({ amount: '2500', currency: 'XAU', email: 'a@example.org' }, context).errors).toEqual(
      { currency: 'currency-unknown' },
    );
  });

  it('when countries are given without consent, then they are dropped; with consent, they are kept and checked', () => {
    expect(
      readGiveForm(
        { amount: '2500', currency: 'USD', email: 'a@example.org', countryOfResidence: 'GB' },
        context,
      ).gift,
    ).not.toHaveProperty('countryOfResidence');
    expect(
      readGiveForm(
        {
          amount: '2500',
          currency: 'USD',
          email: 'a@example.org',
          geographyConsent: 'on',
          countryOfResidence: 'gb',
          countryOfHeritage: 'SO',
        },
        context,
      ).gift,
    ).toMatchObject({ geographyConsent: true, countryOfResidence: 'GB', countryOfHeritage: 'SO' });
    expect(
      readGiveForm(
        {
          amount: '2500',
          currency: 'USD',
          email: 'a@example.org',
          geographyConsent: 'on',
          countryOfResidence: 'XX',
        },
        context,
      ).errors,
    ).toEqual({ countryOfResidence: 'country-unknown' });
  });
});

describe('the card fee estimate', () => {
  it('when the donor pays in the campaign’s currency, then the fee and what reaches the campaign are shown as figures', () => {
    expect(estimateCardFee(2500, 'USD', 'USD')).toMatchObject({ fee: 103, reaches: 2397, converted: false });
  });

  it('when the gift is converted, then only the rule is given (the rate is Stripe’s), with the conversion percent', () => {
    const estimate = estimateCardFee(2500, 'EUR', 'USD');
    expect(estimate).toMatchObject({ fee: null, reaches: null, converted: true, fixed: 30 });
    expect(estimate.percent).toBeCloseTo(0.039);
  });

  it('when a gift is smaller than the fee, then the fee never exceeds it', () => {
    expect(estimateCardFee(20, 'USD', 'USD')).toMatchObject({ fee: 20, reaches: 0 });
  });
});

describe('the donor’s currency, first guess', () => {
  it.each([
    ['en-GB,en;q=0.9', 'USD', 'GBP'],
    ['sv-SE', 'EUR', 'SEK'],
    ['fr-CA', 'USD', 'CAD'],
    ['ar-AE', 'USD', 'AED'],
    ['fr', 'EUR', 'EUR'],
    ['so-SO', 'USD', 'USD'],
    [undefined, 'GBP', 'GBP'],
  ])(
    'when the browser prefers %j for a %s campaign, then %s is offered first',
    (header, campaign, expected) => {
      expect(guessCurrency(header, campaign)).toBe(expected);
    },
  );
});
