import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/test-service.ts';

let sut: TestService;

beforeAll(async () => {
  sut = await startTestService({
    RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '3/15m',
    RATE_LIMIT_AUTH_FAILURES_PER_KEY: '1000/15m',
  });
}, 60_000);

afterAll(async () => {
  await sut?.stop();
});

describe('failed authentication', () => {
  it('when one address keeps guessing keys, then after the limit it gets 429 with Retry-After, even with a right key', async () => {
    const register = (key: string) =>
      sut.call('POST', '/v1/organizations', { key, body: { name: 'Guess', country: 'GB', kind: 'ngo' } });
    for (let guess = 0; guess < 3; guess++)
      expect((await register(`guess-${guess}-${'x'.repeat(20)}`)).status).toBe(401);
    const refused = await fetch(`${sut.service.url}/v1/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sut.platformKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Guess', country: 'GB', kind: 'ngo' }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit')).toMatch(/"auth-failures-per-address"; r=0; t=\d+/);
    expect(await refused.json()).toMatchObject({
      code: 'too-many-requests',
      detail: expect.stringContaining('failed authentications from this address'),
    });
  });
});
