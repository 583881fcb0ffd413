import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, httpConfig, kafkaConfig, mongoConfig, parseConfig } from './index.ts';

const schema = z.object({ ...httpConfig, ...kafkaConfig, ...mongoConfig });

describe('parseConfig', () => {
  it('when the environment is complete, then values are typed and split', () => {
    const config = parseConfig(schema, {
      PORT: '4001',
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
      MONGO_URL: 'mongodb://127.0.0.1:27017/?directConnection=true',
    });
    expect(config.PORT).toBe(4001);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
  });

  it('when several variables are wrong, then one error names every one of them', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: '99999', KAFKA_BROKERS: 'nohostport', MONGO_URL: 'postgres://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/KAFKA_BROKERS/);
    expect(message).toMatch(/MONGO_URL: must start with mongodb/);
  });
});
