import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildConfigEnv, parseConfigEnv, renderConfigEnv, withStripeTestMode } from './config-env.ts';

const endpoints = {
  kafkaBrokers: '127.0.0.1:9092',
  mongoUrl: 'mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false',
  stripeApiBase: 'http://127.0.0.1:12111',
};
const fixedRandom = (bytes: number) => Buffer.alloc(bytes, 7);

describe('config.env', () => {
  it('when rendered and parsed back, then every value survives, quotes and shell syntax included', () => {
    const config = {
      MONGO_URL: endpoints.mongoUrl,
      DONOR_DATA_KEY: Buffer.alloc(32, 255).toString('base64'),
      ODD: `it's "quoted" & $spaced out`,
      EMPTY: '',
    };
    expect(parseConfigEnv(renderConfigEnv(config))).toEqual(config);
  });

  it('when a value holds shell syntax, then it is single-quoted', () => {
    expect(renderConfigEnv({ MONGO_URL: endpoints.mongoUrl })).toContain(`MONGO_URL='${endpoints.mongoUrl}'`);
  });

  it('when built the first time, then secrets are generated in their expected formats', () => {
    const config = buildConfigEnv({ previous: {}, env: {}, endpoints });
    expect(config['STRIPE_WEBHOOK_SECRET']).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(config['DONOR_DATA_KEY'] ?? '', 'base64')).toHaveLength(32);
    expect(config['STRIPE_SECRET_KEY']).toBe('sk_test_local');
    expect(config['CAMPAIGN_URL']).toBe('http://127.0.0.1:4001');
    expect(config['WEB_URL']).toBe('http://127.0.0.1:4000');
    expect(config['KAFKA_BROKERS']).toBe(endpoints.kafkaBrokers);
    expect(config['METRICS_TOKEN']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(config['DONATION_METRICS_URL']).toBe('http://127.0.0.1:4102');
    expect(config['WEB_METRICS_URL']).toBeUndefined();
  });

  it('when built, then the session verification key is the public half of the signing key, kept across starts', () => {
    const config = buildConfigEnv({ previous: {}, env: {}, endpoints });
    const seed = Buffer.from(config['SESSION_SIGNING_KEY'] ?? '', 'base64');
    expect(seed).toHaveLength(32);
    const signer = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const verifier = createPublicKey({
      key: Buffer.concat([
        Buffer.from('302a300506032b6570032100', 'hex'),
        Buffer.from(config['SESSION_VERIFY_KEY'] ?? '', 'base64'),
      ]),
      format: 'der',
      type: 'spki',
    });
    const message = Buffer.from('a session');
    expect(verify(null, message, verifier, sign(null, message, signer))).toBe(true);
    const again = buildConfigEnv({ previous: config, env: {}, endpoints });
    expect(again['SESSION_VERIFY_KEY']).toBe(config['SESSION_VERIFY_KEY']);
  });

  it('when a service is moved to another port, then its metrics address moves with it', () => {
    const config = buildConfigEnv({ previous: {}, env: { LEDGER_URL: 'http://127.0.0.1:5004' }, endpoints });
    expect(config['LEDGER_METRICS_URL']).toBe('http://127.0.0.1:5104');
  });

  it('when built again, then secrets are kept, endpoints follow the running infrastructure and the environment wins', () => {
    const previous = buildConfigEnv({ previous: {}, env: {}, endpoints, random: fixedRandom });
    const next = buildConfigEnv({
      previous: { ...previous, KAFKA_BROKERS: 'old:1' },
      env: { PLATFORM_ADMIN_KEY: 'from-env', DONATION_URL: '' },
      endpoints,
    });
    expect(next['STRIPE_WEBHOOK_SECRET']).toBe(previous['STRIPE_WEBHOOK_SECRET']);
    expect(next['DONOR_DATA_KEY']).toBe(previous['DONOR_DATA_KEY']);
    expect(next['KAFKA_BROKERS']).toBe(endpoints.kafkaBrokers);
    expect(next['PLATFORM_ADMIN_KEY']).toBe('from-env');
    expect(next['DONATION_URL']).toBe('http://127.0.0.1:4002');
  });
});

describe('withStripeTestMode', () => {
  it('points the services at the test mode, keeps stripe-mock behind it and says the payments are test ones', () => {
    const config = buildConfigEnv({
      previous: {},
      env: {},
      endpoints: { ...endpoints, smtpUrl: 'smtp://127.0.0.1:1025', mailInboxUrl: 'http://127.0.0.1:8025' },
    });
    expect(withStripeTestMode(config)).toMatchObject({
      STRIPE_API_BASE: 'http://127.0.0.1:4010',
      STRIPE_MOCK_URL: 'http://127.0.0.1:12111',
      PAYMENTS_MODE: 'test',
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_INBOX_URL: 'http://127.0.0.1:8025',
    });
  });

  it('on the next start, stripe-mock is behind the test mode again, not the test mode behind itself', () => {
    const first = withStripeTestMode(buildConfigEnv({ previous: {}, env: {}, endpoints }));
    const second = withStripeTestMode(buildConfigEnv({ previous: first, env: {}, endpoints }));
    expect(second['STRIPE_MOCK_URL']).toBe('http://127.0.0.1:12111');
    expect(second['STRIPE_API_BASE']).toBe('http://127.0.0.1:4010');
  });
});
