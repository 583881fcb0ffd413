import http from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import type { Answer, Params } from './test-mode-account.ts';
import { TestModeAccount } from './test-mode-account.ts';
import { stripeError } from './stripe-objects.ts';
import { WebhookSender } from './webhook-sender.ts';
import { authenticationPage } from './authentication-page.ts';

export interface TestModeOptions {
  /** stripe-mock: everything this emulator does not do itself goes there unchanged. */
  upstream: string;
  /** The donation service's webhook route (a function when it is known only once the service runs). */
  webhookUrl: string | (() => string);
  webhookSecret: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
  firstRetryMs?: number;
}

export interface RunningTestMode {
  url: string;
  webhooks: WebhookSender;
  close(): Promise<void>;
}

const maxBody = 1 << 20;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) reject(new Error('request body over 1 MiB'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_test_${Date.now().toString(36)}`,
    ...headers,
  });
  response.end(text);
}

/** The secret key of a request (Bearer or Basic), if any. */
function keyOf(request: http.IncomingMessage): string | undefined {
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  if (header.startsWith('Basic '))
    return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
  return undefined;
}

/** Starts the emulator in front of `upstream`. */
export async function startTestMode(options: TestModeOptions): Promise<RunningTestMode> {
  const log = options.log ?? (() => {});
  let base = '';
  const account = new TestModeAccount((intentId) => `${base}/test-mode/authenticate/${intentId}`);
  const webhooks = new WebhookSender({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    log: (line) => log(`webhook ${line}`),
    ...(options.firstRetryMs ? { firstRetryMs: options.firstRetryMs } : {}),
  });
  const replays = new Map<string, Answer>();

  async function proxy(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    body: string,
  ): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))
        continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const method = request.method ?? 'GET';
    const answer = await fetch(new URL(request.url ?? '/', options.upstream), {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(bytes);
  }

  /** The call this emulator answers itself, or null to hand it to stripe-mock. */
  function route(method: string, path: string, params: Params): (() => Answer) | null {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return null;
    const [, collection, id, action] = parts;
    if (method === 'POST' && parts.length === 2) {
      if (collection === 'payment_intents') return () => account.createPaymentIntent(params);
      if (collection === 'prices') return () => account.createPrice(params);
      if (collection === 'subscriptions') return () => account.createSubscription(params);
      if (collection === 'refunds') return () => account.createRefund(params);
    }
    if (method === 'GET' && collection === 'invoice_payments' && parts.length === 2)
      return () => account.listInvoicePayments(params);
    if (id === undefined) return null;
    if (method === 'POST' && collection === 'payment_intents' && action === 'confirm')
      return () => account.confirmPaymentIntent(id, params);
    if (
      method === 'DELETE' &&
      collection === 'subscriptions' &&
      action === undefined &&
      account.owns('subscriptions', id)
    )
      return () => account.cancelSubscription(id);
    if (method !== 'GET' || action !== undefined) return null;
    if (collection === 'payment_intents' && account.owns('payment_intents', id))
      return () => account.retrievePaymentIntent(id, params);
    if (collection === 'charges' && account.owns('charges', id))
      return () => account.retrieveCharge(id, params);
    if (collection === 'balance_transactions' && account.owns('balance_transactions', id))
      return () => account.retrieveBalanceTransaction(id);
    if (collection === 'invoices' && account.owns('invoices', id)) return () => account.retrieveInvoice(id);
    return null;
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://test-mode');
    const method = request.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(request);
    if (url.pathname === '/healthz') return send(response, 200, { status: 'ok', mode: 'test' });

    const authentication = /^\/test-mode\/authenticate\/(pi_[A-Za-z0-9]+)$/.exec(url.pathname);
    if (authentication) {
      const intentId = authentication[1]!;
      if (method === 'GET') {
        // No form-action limit: the answer redirects the donor back to the site that asked (its return_url), which
        // a browser checks against form-action too.
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        });
        return void response.end(authenticationPage(intentId));
      }
      const decision = qs.parse(body)['decision'];
      const result = account.authenticate(intentId, decision === 'complete');
      if (result === null)
        return send(
          response,
          404,
          stripeError('invalid_request_error', 'No PaymentIntent waiting for authentication with this id.'),
        );
      webhooks.send(result.events);
      const back = result.intent.returnUrl;
      if (back === null) return send(response, 200, { status: result.intent.status });
      const target = new URL(back);
      target.searchParams.set('payment_intent', result.intent.id);
      target.searchParams.set(
        'redirect_status',
        result.intent.status === 'succeeded' ? 'succeeded' : 'failed',
      );
      response.writeHead(303, { location: target.toString() });
      return void response.end();
    }

    const key = keyOf(request);
    if (key?.startsWith('sk_live_') || key?.startsWith('rk_live_') || key?.startsWith('pk_live_')) {
      return send(
        response,
        401,
        stripeError(
          'invalid_request_error',
          'Local test mode refuses live keys: use a test key (sk_test_...).',
        ),
      );
    }
    const params = (
      method === 'GET' || method === 'DELETE'
        ? qs.parse(url.search.slice(1))
        : qs.parse(body, { depth: 10, arrayLimit: 100 })
    ) as Params;
    const handler = route(method, url.pathname, params);
    if (handler === null) return proxy(request, response, body);
    if (key === undefined)
      return send(response, 401, stripeError('invalid_request_error', 'You did not provide an API key.'));

    // Stripe answers a repeated Idempotency-Key with the first answer, and does the work once.
    const idempotencyKey = request.headers['idempotency-key'];
    const replayKey =
      typeof idempotencyKey === 'string' && method === 'POST'
        ? `${key} ${url.pathname} ${idempotencyKey}`
        : undefined;
    const replayed = replayKey === undefined ? undefined : replays.get(replayKey);
    if (replayed) return send(response, replayed.status, replayed.body, { 'idempotent-replayed': 'true' });
    const answer = handler();
    if (replayKey !== undefined && answer.status < 500) replays.set(replayKey, answer);
    if (answer.events.length > 0)
      log(
        `${method} ${url.pathname} → ${answer.status}; sending ${answer.events.map((event) => String(event['type'])).join(', ')}`,
      );
    webhooks.send(answer.events);
    return send(response, answer.status, answer.body);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent)
        send(response, 500, stripeError('invalid_request_error', 'The local test mode failed; see its log.'));
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  base = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  return {
    url: base,
    webhooks,
    close: async () => {
      webhooks.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
