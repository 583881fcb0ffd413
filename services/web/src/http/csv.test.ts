import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV exports', () => {
  it('when a field holds a comma, a quote or a line break, then it is quoted with quotes doubled; lines end with CRLF', () => {
    expect(
      toCsv(
        ['name', 'amount'],
        [
          ['Dadu, Sindh', 250],
          ['the "pump" team', null],
          ['two\nlines', true],
        ],
      ),
    ).toBe('name,amount\r\n"Dadu, Sindh",250\r\n"the ""pump"" team",\r\n"two\nlines",true\r\n');
  });

  it('when a text field starts like a formula, then a spreadsheet shows it as text', () => {
    expect(toCsv(['recipient'], [['=HYPERLINK("http://x")'], ['+1'], ['-2'], ['@sum'], ['ok']])).toBe(
      'recipient\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'-2\r\n\'@sum\r\nok\r\n',
    );
    // Numbers stay numbers: a refund's negative amount is not text.
    expect(toCsv(['amount'], [[-250]])).toBe('amount\r\n-250\r\n');
  });
});
