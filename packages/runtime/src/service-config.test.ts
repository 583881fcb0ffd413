import { describe, expect, it } from 'vitest';
import { baseServiceConfigSchema } from './service-config.ts';

const required = {
  PORT: '4999',
  MONGO_URL: 'mongodb://127.0.0.1:27017/?directConnection=true',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('KAFKA_START_AT', () => {
  it.each([
    [undefined, 'beginning'],
    ['beginning', 'beginning'],
    ['end', 'end'],
  ])('when it is %s, then a new group starts at %s', (value, expected) => {
    expect(baseServiceConfigSchema.parse({ ...required, KAFKA_START_AT: value }).KAFKA_START_AT).toBe(
      expected,
    );
  });

  it('when it is an ISO time, then a new group starts at that instant', () => {
    const parsed = baseServiceConfigSchema.parse({
      ...required,
      KAFKA_START_AT: '2026-01-02T03:04:05.678+01:00',
    });
    expect(parsed.KAFKA_START_AT).toEqual(new Date('2026-01-02T02:04:05.678Z'));
  });

  it.each(['yesterday', '2026-01-02', 'latest'])(
    'when it is %s, then the configuration is refused naming the variable',
    (value) => {
      const result = baseServiceConfigSchema.safeParse({ ...required, KAFKA_START_AT: value });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['KAFKA_START_AT']);
    },
  );
});
