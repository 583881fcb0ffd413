import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig, rateLimitSpec, trustProxyConfig } from './index.ts';

const schema = z.object({ RATE_LIMIT_THINGS: rateLimitSpec('20/10m'), ...trustProxyConfig });

describe('rate limit and proxy settings', () => {
  it.each([
    [undefined, { limit: 20, windowMs: 600_000 }],
    ['10000/10s', { limit: 10_000, windowMs: 10_000 }],
    ['5/1h', { limit: 5, windowMs: 3_600_000 }],
  ])('when RATE_LIMIT_THINGS is %j, then it is %j', (value, expected) => {
    expect(parseConfig(schema, { RATE_LIMIT_THINGS: value }).RATE_LIMIT_THINGS).toEqual(expected);
  });

  it.each(['20', '0/1m', '20/0s', '20/2d', 'many/1m', '20/25h'])(
    'when RATE_LIMIT_THINGS is %j, then start-up stops naming it',
    (value) => {
      expect(() => parseConfig(schema, { RATE_LIMIT_THINGS: value })).toThrow(ConfigError);
      expect(() => parseConfig(schema, { RATE_LIMIT_THINGS: value })).toThrow(/RATE_LIMIT_THINGS/);
    },
  );

  it.each([
    [undefined, false],
    ['false', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('when TRUST_PROXY is %j, then express trusts %j', (value, expected) => {
    expect(parseConfig(schema, { TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it('when TRUST_PROXY would trust everyone, then it is refused: any client could pick its address', () => {
    expect(() => parseConfig(schema, { TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
