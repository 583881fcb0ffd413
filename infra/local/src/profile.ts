import path from 'node:path';

export type ProfileName = 'dev' | 'test';

export interface Ports {
  kafka: number;
  kafkaController: number;
  ferretdb: number;
  stripeMock: number;
  mailSmtp: number;
  mailWeb: number;
  /** The trace viewer: the collector's OTLP over HTTP in, and Zipkin's UI and HTTP API out. */
  otlpHttp: number;
  traceViewer: number;
}

/** Endpoints the environment already provides; those parts are used as given and not started. */
export interface ExternalEndpoints {
  kafkaBrokers?: string;
  mongoUrl?: string;
  stripeApiBase?: string;
  smtpUrl?: string;
  otlpEndpoint?: string;
}

export interface Profile {
  name: ProfileName;
  ports: Ports;
  /** `dev` keeps its data across runs; `test` starts empty every time so runs are independent. */
  keepData: boolean;
  external: ExternalEndpoints;
  dirs: {
    root: string;
    tools: string;
    data: string;
    logs: string;
    run: string;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

const defaultPorts: Record<ProfileName, Ports> = {
  dev: {
    kafka: 9092,
    kafkaController: 9093,
    ferretdb: 27017,
    stripeMock: 12111,
    mailSmtp: 1025,
    mailWeb: 8025,
    otlpHttp: 4318,
    traceViewer: 9411,
  },
  test: {
    kafka: 19092,
    kafkaController: 19093,
    ferretdb: 37017,
    stripeMock: 22111,
    mailSmtp: 21025,
    mailWeb: 28025,
    otlpHttp: 24318,
    traceViewer: 29411,
  },
};

export const portVariables: Record<keyof Ports, string> = {
  kafka: 'LOCAL_KAFKA_PORT',
  kafkaController: 'LOCAL_KAFKA_CONTROLLER_PORT',
  ferretdb: 'LOCAL_MONGO_PORT',
  stripeMock: 'LOCAL_STRIPE_PORT',
  mailSmtp: 'LOCAL_SMTP_PORT',
  mailWeb: 'LOCAL_MAIL_WEB_PORT',
  otlpHttp: 'LOCAL_OTLP_PORT',
  traceViewer: 'LOCAL_TRACE_VIEWER_PORT',
};

/**
 * The one place the launcher reads its settings from the environment. Ports default per profile so that
 * `npm start` and `npm test` run side by side; `LOCAL_*_PORT` moves them when something else holds one.
 */
export function resolveProfile(name: ProfileName, root: string, env: Env = process.env): Profile {
  const ports = { ...defaultPorts[name] };
  for (const key of Object.keys(portVariables) as (keyof Ports)[]) {
    const variable = portVariables[key];
    const value = env[variable];
    if (value !== undefined && value !== '') ports[key] = parsePort(variable, value);
  }
  const local = path.join(root, '.local');
  return {
    name,
    ports,
    keepData: name === 'dev',
    external: {
      ...nonEmpty('kafkaBrokers', env['KAFKA_BROKERS']),
      ...nonEmpty('mongoUrl', env['MONGO_URL']),
      ...nonEmpty('stripeApiBase', env['STRIPE_API_BASE']),
      ...nonEmpty('smtpUrl', env['SMTP_URL']),
      ...nonEmpty('otlpEndpoint', env['OTEL_EXPORTER_OTLP_ENDPOINT']),
    },
    dirs: {
      root,
      tools: path.join(local, 'tools'),
      data: path.join(local, 'data', name),
      logs: path.join(local, 'logs', name),
      run: path.join(local, 'run'),
    },
  };
}

function parsePort(variable: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a TCP port between 1 and 65535, got "${value}"`);
  }
  return port;
}

function nonEmpty<K extends keyof ExternalEndpoints>(key: K, value: string | undefined): ExternalEndpoints {
  return value === undefined || value.trim() === '' ? {} : { [key]: value.trim() };
}
