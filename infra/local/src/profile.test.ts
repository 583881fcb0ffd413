import { describe, expect, it } from 'vitest';
import { resolveProfile } from './profile.ts';

describe('resolveProfile', () => {
  it('when nothing is set, then dev and test use ports that do not collide', () => {
    const dev = resolveProfile('dev', '/repo', {});
    const test = resolveProfile('test', '/repo', {});
    expect(dev.ports).toEqual({
      kafka: 9092,
      kafkaController: 9093,
      ferretdb: 27017,
      stripeMock: 12111,
      mailSmtp: 1025,
      mailWeb: 8025,
      otlpHttp: 4318,
      traceViewer: 9411,
    });
    expect(test.ports).toEqual({
      kafka: 19092,
      kafkaController: 19093,
      ferretdb: 37017,
      stripeMock: 22111,
      mailSmtp: 21025,
      mailWeb: 28025,
      otlpHttp: 24318,
      traceViewer: 29411,
    });
    expect(dev.keepData).toBe(true);
    expect(test.keepData).toBe(false);
    expect(test.dirs.data).toBe('/repo/.local/data/test');
    expect(test.dirs.logs).toBe('/repo/.local/logs/test');
  });

  it('when a LOCAL_*_PORT variable is set, then it moves that port only', () => {
    const profile = resolveProfile('test', '/repo', { LOCAL_KAFKA_PORT: '29092', LOCAL_MONGO_PORT: '' });
    expect(profile.ports).toEqual({
      kafka: 29092,
      kafkaController: 19093,
      ferretdb: 37017,
      stripeMock: 22111,
      mailSmtp: 21025,
      mailWeb: 28025,
      otlpHttp: 24318,
      traceViewer: 29411,
    });
  });

  it.each(['0', '70000', 'abc', '90.5'])(
    'when a port variable is "%s", then the error names the variable',
    (value) => {
      expect(() => resolveProfile('dev', '/repo', { LOCAL_STRIPE_PORT: value })).toThrow(/LOCAL_STRIPE_PORT/);
    },
  );

  it('when endpoints are given by the environment, then they are reported as external', () => {
    const profile = resolveProfile('test', '/repo', { KAFKA_BROKERS: 'kafka:9092', MONGO_URL: ' ' });
    expect(profile.external).toEqual({ kafkaBrokers: 'kafka:9092' });
  });
});
