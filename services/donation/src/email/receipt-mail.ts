import { minorUnitExponent } from '@aid/money';
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
}

function formatted(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const major = (amount / 10 ** exponent).toFixed(exponent);
  return `${major} ${currency}`;
}

/**
 * The emailed receipt. It never contains the receipt code: we do not keep it (only its hash), and an email is
 * not a safe place for a bearer secret anyway; the donor was shown the code when giving.
 */
export function receiptMail(facts: ReceiptFacts): Mail {
  const greeting = facts.name ? `Dear ${facts.name},` : 'Hello,';
  const what = facts.interval === 'month' ? 'your monthly gift' : 'your gift';
  return {
    to: facts.to,
    subject: `Receipt for ${what} of ${formatted(facts.amount, facts.currency)}`,
    text: [
      greeting,
      '',
      `Thank you: ${what} of ${formatted(facts.amount, facts.currency)} was received on ${facts.paidAt.toISOString().slice(0, 10)}.`,
      `Donation: ${facts.donationId}`,
      `Public reference on the campaign ledger: ${facts.publicRef}`,
      '',
      'With the receipt code you were shown when giving, you can follow where this money goes, to the aid it delivers.',
    ].join('\n'),
  };
}
