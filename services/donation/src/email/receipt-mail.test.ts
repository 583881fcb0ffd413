import { describe, expect, it } from 'vitest';
import { receiptMail, type ReceiptFacts } from './receipt-mail.ts';

const facts = (overrides: Partial<ReceiptFacts> = {}): ReceiptFacts => ({
  to: 'amina@example.org',
  name: 'Amina Yusuf',
  donationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  publicRef: 'd_0123456789abcdef01234567',
  amount: 2500,
  currency: 'USD',
  interval: 'once',
  paidAt: new Date('2026-01-02T23:30:00Z'),
  locale: 'en',
  ...overrides,
});

describe("receipt email in the donor's language", () => {
  it('when the donor gave in English, then the receipt reads as before, with money in its currency', () => {
    const mail = receiptMail(facts());
    expect(mail.subject).toBe('Receipt for your gift of $25.00');
    expect(mail.language).toBe('en');
    expect(mail.text.split('\n')).toEqual([
      'Dear Amina Yusuf,',
      '',
      'Thank you: your gift of $25.00 was received on Jan 2, 2026.',
      'Donation: 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      'Public reference on the campaign ledger: d_0123456789abcdef01234567',
      '',
      'With the receipt code you were shown when giving, you can follow where this money goes, to the aid it delivers.',
    ]);
  });

  it('when the gift’s receipt code is known, then the receipt gives it, with why to keep it private', () => {
    const lines = receiptMail(facts({ receiptCode: 'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6723' })).text.split(
      '\n',
    );
    expect(lines.slice(5, 9)).toEqual([
      '',
      'Your receipt code: ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6723',
      'Keep it private: anyone who has it can see your gift and stop a monthly gift.',
      '',
    ]);
  });

  it('when the web front is known, then the receipt ends with its trace page, where the code (never in the link) opens the gift', () => {
    const mail = receiptMail(facts({ locale: 'fr', traceUrl: 'http://127.0.0.1:4000/trace' }));
    expect(mail.text.split('\n').at(-1)).toBe('Suivez-le ici : http://127.0.0.1:4000/trace');
  });

  it('when the donor gave monthly in Arabic in Kuwaiti dinars, then the receipt is Arabic with three decimals and the identifiers unchanged', () => {
    const mail = receiptMail(facts({ locale: 'ar', interval: 'month', amount: 12_345, currency: 'KWD' }));
    // The amount is isolated (U+2068 … U+2069) so mail readers keep it whole inside the Arabic sentence.
    expect(mail.subject).toBe('إيصال تبرعك الشهري بمبلغ \u2068\u200f12.345\u00a0د.ك.\u200f\u2069');
    expect(mail.text).toContain('مرحبًا Amina Yusuf،');
    expect(mail.text).toContain(
      'شكرًا لك: استُلم تبرعك الشهري بمبلغ \u2068\u200f12.345\u00a0د.ك.\u200f\u2069 في \u206802\u200f/01\u200f/2026\u2069.',
    );
    expect(mail.text).toContain('d_0123456789abcdef01234567');
    expect(mail.language).toBe('ar');
  });

  it('when the donor gave in Somali without a name, then the greeting is Somali and general', () => {
    const mail = receiptMail(facts({ locale: 'so', name: null, amount: 5000 }));
    expect(mail.subject).toBe('Rasiidka deeqdaada ee US$50.00');
    expect(mail.text.startsWith('Salaan,\n')).toBe(true);
    expect(mail.text).toContain('Mahadsanid: deeqdaada US$50.00 waxaa la helay 02-Jan-2026.');
  });

  it('when the donor gave in Ukrainian in yen, then there are no decimals and Ukrainian grouping', () => {
    const mail = receiptMail(facts({ locale: 'uk', amount: 1_234_567, currency: 'JPY' }));
    expect(mail.subject).toBe('Квитанція про ваш внесок 1\u00a0234\u00a0567\u00a0¥');
  });

  it.each(['en', 'fr', 'ar', 'ur', 'so', 'es', 'uk', 'ht'] as const)(
    'when the receipt is written in %s, then it never contains a receipt code and names the amount',
    (locale) => {
      const mail = receiptMail(facts({ locale }));
      expect(mail.subject).toMatch(/25[.,]00/);
      expect(mail.text).toMatch(/25[.,]00/);
      expect(mail.text).not.toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    },
  );
});
