import { createTranslator, formatters, type Locale } from '@aid/i18n';
import type { Mail } from '@aid/runtime';

export interface ReceiptFacts {
  to: string;
  name: string | null;
  donationId: string;
  publicRef: string;
  amount: number;
  currency: string;
  interval: 'once' | 'month';
  paidAt: Date;
  /** The donor's language, chosen when giving; English when they named none. */
  locale: Locale;
  /** The public page where a receipt code opens the gift's trace (the code itself never goes in a link). */
  traceUrl?: string;
  /** The gift's receipt code, so a donor who closed the page still has it. */
  receiptCode?: string;
}

/**
 * The emailed receipt, in the donor's language, with the receipt code (the donor's key to their gift, shown once
 * when giving: the email is where they find it again) and where to use it — never inside a link, so it stays
 * out of addresses and logs. Identifiers stay as they are in every language, so support can find the gift.
 */
export function receiptMail(facts: ReceiptFacts): Mail {
  const { t } = createTranslator(facts.locale);
  const fmt = formatters(facts.locale);
  const amount = fmt.money(facts.amount, facts.currency);
  return {
    to: facts.to,
    subject: t('email.receipt.subject', { interval: facts.interval, amount }),
    text: [
      facts.name ? t('email.receipt.greetingNamed', { name: facts.name }) : t('email.receipt.greeting'),
      '',
      t('email.receipt.thanks', { interval: facts.interval, amount, date: fmt.date(facts.paidAt) }),
      t('email.receipt.donation', { donationId: facts.donationId }),
      t('email.receipt.publicRef', { publicRef: facts.publicRef }),
      ...(facts.receiptCode
        ? ['', t('email.receipt.code', { code: facts.receiptCode }), t('email.receipt.codePrivate')]
        : []),
      '',
      t('email.receipt.howToTrace'),
      ...(facts.traceUrl ? [t('email.receipt.traceAt', { url: facts.traceUrl })] : []),
    ].join('\n'),
    language: facts.locale,
  };
}
