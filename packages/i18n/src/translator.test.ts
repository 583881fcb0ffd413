import { describe, expect, it, vi } from 'vitest';
import { catalogs } from './catalogs.ts';
import { createTranslator } from './translator.ts';

// The shipped catalogs, with the French greeting taken out.
const frenchWithoutGreeting = Object.fromEntries(
  Object.entries(catalogs.fr).filter(([key]) => key !== 'email.receipt.greeting'),
);
const gappy = { ...catalogs, fr: frenchWithoutGreeting };

describe('translator', () => {
  it('when a message has values, then they are formatted in the language', () => {
    expect(createTranslator('fr').t('web.explorer.caption', { first: 1, last: 50, total: 1200 })).toBe(
      'Entrées 1 à 50 sur 1\u202f200, de la plus ancienne à la plus récente',
    );
  });

  it('when a message is missing and missing ones are marked (tests), then the key shows visibly', () => {
    expect(createTranslator('fr', { missing: 'mark', catalogs: gappy }).t('email.receipt.greeting')).toBe(
      '⟦email.receipt.greeting⟧',
    );
  });

  it('when a message is missing in production, then English is shown and the gap is reported once', () => {
    const onMissing = vi.fn();
    const first = createTranslator('fr', { catalogs: gappy, onMissing });
    const second = createTranslator('fr', { catalogs: gappy, onMissing });
    expect(first.t('email.receipt.greeting')).toBe('Hello,');
    expect(second.t('email.receipt.greeting')).toBe('Hello,');
    expect(first.t('email.receipt.greetingNamed', { name: 'Amina' })).toBe('Bonjour Amina,');
    expect(onMissing).toHaveBeenCalledTimes(1);
    expect(onMissing).toHaveBeenCalledWith({ locale: 'fr', key: 'email.receipt.greeting' });
  });

  it('when a message is plain text with quoted syntax, then it reads as written, apostrophes and braces resolved', () => {
    const quoted = {
      ...catalogs,
      en: { ...catalogs.en, 'email.receipt.greeting': "Don''t pay '{'twice'}'" },
    };
    const { t } = createTranslator('en', { catalogs: quoted });
    expect(t('email.receipt.greeting')).toBe("Don't pay {twice}");
    expect(t('email.receipt.greeting', { ignored: 1 })).toBe("Don't pay {twice}");
  });

  it('when a select depends on a code, then each language words it in full', () => {
    const { t } = createTranslator('es');
    expect(t('email.receipt.subject', { interval: 'month', amount: '25,00 €' })).toBe(
      'Recibo de su donativo mensual de 25,00 €',
    );
    expect(t('email.receipt.subject', { interval: 'once', amount: '25,00 €' })).toBe(
      'Recibo de su donativo de 25,00 €',
    );
  });
});
