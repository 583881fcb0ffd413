import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './cli-options.ts';

describe('aid-verify arguments', () => {
  it('when every option is given, then they are all read, entries repeated and de-duplicated', () => {
    expect(
      parseCliArgs([
        'https://ledger.example/',
        'c-1',
        '--key',
        'k+1+AQ==',
        '--state',
        '/tmp/s.json',
        '--entry',
        '3',
        '--entry',
        '0',
        '--entry',
        '3',
        '--watch',
        '30',
      ]),
    ).toEqual({
      ledgerUrl: 'https://ledger.example',
      campaignId: 'c-1',
      key: 'k+1+AQ==',
      statePath: '/tmp/s.json',
      entries: [3, 0],
      watchSeconds: 30,
    });
  });

  it.each([
    [[], /exactly a ledger URL and a campaign id/],
    [['https://l.example'], /exactly/],
    [['ftp://l.example', 'c1'], /http or https/],
    [['not a url', 'c1'], /not a URL/],
    [['https://l.example', 'c/1'], /not a campaign id/],
    [['https://l.example', 'c1', '--entry', '-1'], /--entry/],
    [['https://l.example', 'c1', '--entry', '1.5'], /--entry must be a whole number/],
    [['https://l.example', 'c1', '--watch', '0'], /--watch/],
    [['https://l.example', 'c1', '--frobnicate'], /frobnicate/],
  ])('when the arguments are %j, then it is a usage error saying %s', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
