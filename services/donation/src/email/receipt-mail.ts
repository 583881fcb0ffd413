import { createTranslator, formatters, type Locale } from '@aid/i18n';
import type { Mail } from './mailer.ts';

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
}

/**
 * The emailed receipt, in the donor's language. It never contains the receipt code: we do not keep it (only its
 * hash), and an email is not a safe place for a bearer secret anyway; the donor was shown the code when giving.
 * Identifiers stay as they are in every language, so support can find the gift from any receipt.
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
      '',
      t('email.receipt.howToTrace'),
      ...(facts.traceUrl ? [t('email.receipt.traceAt', { url: facts.traceUrl })] : []),
    ].join('\n'),
    language: facts.locale,
  };
}
