import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Vipps MobilePay on 127.0.0.1, written from their published contracts
 * (vippsas/vipps-epayment-api `docs/epayment.v1.yml` 1.4.1 and its guides, the Webhooks API
 * guide with its `request-authentication` page, the Access Token API):
 *
 * - `POST /accesstoken/get` with `client_id`, `client_secret` and `Ocp-Apim-Subscription-Key`
 *   headers answers a bearer token (numbers as strings, as the live API sends them);
 * - every ePayment / Webhooks call needs that bearer token, the subscription key and the
 *   `Merchant-Serial-Number`; every ePayment write needs an `Idempotency-Key` (≤ 50 characters):
 *   the same key with the same request replays the first answer, with another request is a 409;
 * - `createPayment` validates the request as the OpenAPI document does (reference pattern,
 *   amount, `WALLET`/`CARD`, `userFlow`, `customer.phoneNumber` for `PUSH_MESSAGE`, an https
 *   `returnUrl` for `WEB_REDIRECT`), and a reference can be used once;
 * - states `CREATED` → `AUTHORIZED` | `ABORTED` | `EXPIRED` | `TERMINATED`; capture up to what is
 *   authorized and not cancelled, refund up to what is captured and not refunded, cancel releases
 *   what is not captured (and terminates a payment not yet authorized), as the guides describe;
 * - errors are RFC 7807 problem details (`application/problem+json`);
 * - the test-environment `POST /epayment/v1/test/payments/{reference}/approve` (force approve),
 *   plus `approve` / `reject` / `expire` for tests, and a landing page (`redirectUrl`) with
 *   Approve / Reject buttons that plays the Vipps app and returns the browser to `returnUrl`;
 * - webhooks registered through `POST /webhooks/v1/webhooks` get each event of their payments,
 *   delivered in order per webhook and signed the Webhooks API way (`x-ms-date`,
 *   `x-ms-content-sha256`, `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…`);
 *   a 4xx/5xx answer is retried, and later events for that webhook wait for it.
 *
 * What the documents leave open, the fake chooses strictly: a state that cannot be adjusted is a
 * 409, an amount over what may be adjusted is a 400.
 */

export type VippsState = 'CREATED' | 'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED';
export type VippsEventName = 'CREATED' | 'ABORTED' | 'EXPIRED' | 'CANCELLED' | 'CAPTURED' | 'REFUNDED' | 'AUTHORIZED' | 'TERMINATED';
export type VippsCurrency = 'NOK' | 'DKK' | 'EUR';

export interface VippsAmount {
  currency: VippsCurrency;
  value: number;
}

export interface FakeVippsPayment {
  reference: string;
  pspReference: string;
  msn: string;
  state: VippsState;
  amount: VippsAmount;
  userFlow: 'PUSH_MESSAGE' | 'NATIVE_REDIRECT' | 'WEB_REDIRECT' | 'QR';
  paymentMethodType: 'WALLET' | 'CARD';
  phoneNumber: string | null;
  returnUrl: string | null;
  paymentDescription: string | null;
  metadata: Record<string, string> | null;
  redirectUrl: string | null;
  token: string;
  aggregate: { authorized: number; cancelled: number; captured: number; refunded: number };
  events: { name: VippsEventName; amount: VippsAmount; timestamp: string; idempotencyKey: string | null; success: boolean }[];
}

export interface FakeVippsRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeVippsDelivery {
  webhookId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** HTTP status of each attempt (0 when the connection failed). */
  attempts: number[];
  delivered: boolean;
}

export interface FakeVippsOptions {
  clientId?: string;
  clientSecret?: string;
  subscriptionKey?: string;
  /** The merchant serial numbers these keys may act for; the first is the default. */
  merchantSerialNumbers?: string[];
  /** The live API requires https return and webhook URLs; a local app on http://127.0.0.1 needs this. */
  allowHttpUrls?: boolean;
  /** Delay between delivery attempts of a webhook notification (ms). */
  retryDelayMs?: number;
  /** Attempts per notification before the fake gives up (Vipps retries for 7 days). */
  maxAttempts?: number;
  port?: number;
}

/** Signs a webhook notification the Webhooks API way (see its request-authentication page). */
export function signVippsWebhook(input: { url: string; body: string; secret: string; date?: string }): Record<string, string> {
  const url = new URL(input.url);
  const date = input.date ?? new Date().toUTCString();
  const contentHash = createHash('sha256').update(input.body, 'utf8').digest('base64');
  const signed = `POST\n${url.pathname}${url.search}\n${date};${url.host};${contentHash}`;
  const signature = createHmac('sha256', input.secret).update(signed, 'utf8').digest('base64');
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/;
const CURRENCIES: readonly string[] = ['NOK', 'DKK', 'EUR'];
const USER_FLOWS: readonly string[] = ['PUSH_MESSAGE', 'NATIVE_REDIRECT', 'WEB_REDIRECT', 'QR'];
const EVENT_TYPES: readonly string[] = ['created', 'aborted', 'expired', 'cancelled', 'captured', 'refunded', 'authorized', 'terminated'].map((name) => `epayments.payment.${name}.v1`);

class Problem {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extraDetails?: { name: string; reason: string }[],
  ) {}
}

export async function startFakeVipps(options: FakeVippsOptions = {}) {
  const clientId = options.clientId ?? 'fake-vipps-client-id';
  const clientSecret = options.clientSecret ?? 'fake-vipps-client-secret';
  const subscriptionKey = options.subscriptionKey ?? 'fake-vipps-subscription-key';
  const msns = options.merchantSerialNumbers ?? ['123456'];
  const retryDelayMs = options.retryDelayMs ?? 20;
  const maxAttempts = options.maxAttempts ?? 5;

  const tokens = new Map<string, number>();
  const payments = new Map<string, FakeVippsPayment>();
  const byToken = new Map<string, string>();
  /** `${msn} ${path} ${key}` → the first request's body text and answer. */
  const replies = new Map<string, { request: string; status: number; body: string }>();
  const webhooks = new Map<string, { id: string; msn: string; url: string; events: string[]; secret: string }>();
  const requests: FakeVippsRequest[] = [];
  const deliveries: FakeVippsDelivery[] = [];
  const queues = new Map<string, Promise<void>>();
  const failures = { next: [] as number[] };
  let baseUrl = '';

  const amountOf = (p: FakeVippsPayment, value: number): VippsAmount => ({ currency: p.amount.currency, value });
  const aggregateOf = (p: FakeVippsPayment) => ({
    authorizedAmount: amountOf(p, p.aggregate.authorized),
    cancelledAmount: amountOf(p, p.aggregate.cancelled),
    capturedAmount: amountOf(p, p.aggregate.captured),
    refundedAmount: amountOf(p, p.aggregate.refunded),
  });
  const paymentView = (p: FakeVippsPayment) => ({
    aggregate: aggregateOf(p),
    amount: p.amount,
    state: p.state,
    paymentMethod: { type: p.paymentMethodType },
    profile: {},
    pspReference: p.pspReference,
    ...(p.redirectUrl ? { redirectUrl: p.redirectUrl } : {}),
    reference: p.reference,
    metadata: p.metadata,
  });
  const modificationView = (p: FakeVippsPayment) => ({
    amount: p.amount,
    state: p.state,
    aggregate: aggregateOf(p),
    pspReference: p.pspReference,
    reference: p.reference,
  });

  async function deliver(webhook: { id: string; url: string; secret: string }, delivery: FakeVippsDelivery) {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      // Each attempt is signed anew (a fresh x-ms-date).
      delivery.headers = { 'content-type': 'application/json', ...signVippsWebhook({ url: webhook.url, body: delivery.body, secret: webhook.secret }) };
      let status = 0;
      try {
        const response = await fetch(webhook.url, { method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 0;
      }
      delivery.attempts.push(status);
      if (status >= 200 && status < 400) {
        delivery.delivered = true;
        return;
      }
    }
  }

  function record(p: FakeVippsPayment, name: VippsEventName, value: number, idempotencyKey: string | null, success = true) {
    const event = { name, amount: amountOf(p, value), timestamp: new Date().toISOString(), idempotencyKey, success };
    p.events.push(event);
    const type = `epayments.payment.${name.toLowerCase()}.v1`;
    for (const webhook of webhooks.values()) {
      if (webhook.msn !== p.msn || !webhook.events.includes(type)) continue;
      const body = JSON.stringify({ msn: p.msn, reference: p.reference, pspReference: p.pspReference, ...event });
      const delivery: FakeVippsDelivery = { webhookId: webhook.id, url: webhook.url, body, headers: {}, attempts: [], delivered: false };
      deliveries.push(delivery);
      // In order per webhook: a notification waits until the one before it was accepted or given up.
      const previous = queues.get(webhook.id) ?? Promise.resolve();
      queues.set(
        webhook.id,
        previous.then(() => deliver(webhook, delivery)),
      );
    }
  }

  function authorize(p: FakeVippsPayment) {
    if (p.state !== 'CREATED') throw new Problem(409, 'Invalid state', `The payment is ${p.state}, not CREATED.`);
    p.state = 'AUTHORIZED';
    p.aggregate.authorized = p.amount.value;
    record(p, 'AUTHORIZED', p.amount.value, null);
  }

  function endBeforeAuthorization(p: FakeVippsPayment, state: 'ABORTED' | 'EXPIRED') {
    if (p.state !== 'CREATED') throw new Problem(409, 'Invalid state', `The payment is ${p.state}, not CREATED.`);
    p.state = state;
    record(p, state, p.amount.value, null);
  }

  function requireHeaders(req: IncomingMessage, { msn }: { msn: boolean }): string {
    const missing: { name: string; reason: string }[] = [];
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const key = req.headers['ocp-apim-subscription-key'];
    if (!key) throw new Problem(401, 'Unauthorized', 'Access denied due to missing subscription key.');
    if (key !== subscriptionKey) throw new Problem(401, 'Unauthorized', 'Access denied due to invalid subscription key.');
    if (!token) throw new Problem(401, 'Unauthorized', 'The Authorization header is missing.');
    const expires = tokens.get(token);
    if (expires === undefined || expires <= Date.now()) throw new Problem(401, 'Unauthorized', 'The access token is invalid or has expired.');
    const serial = req.headers['merchant-serial-number'];
    if (msn && typeof serial !== 'string') missing.push({ name: 'Merchant-Serial-Number', reason: 'The header is required.' });
    if (missing.length) throw new Problem(400, 'Bad Request', 'One or more validation errors occurred.', missing);
    if (typeof serial === 'string' && !msns.includes(serial)) throw new Problem(403, 'Forbidden', `The API keys may not act for merchant serial number ${serial}.`);
    return typeof serial === 'string' ? serial : msns[0]!;
  }

  function requireIdempotencyKey(req: IncomingMessage): string {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw new Problem(400, 'Bad Request', 'One or more validation errors occurred.', [{ name: 'Idempotency-Key', reason: 'The header is required.' }]);
    }
    if (key.length > 50) throw new Problem(400, 'Bad Request', 'One or more validation errors occurred.', [{ name: 'Idempotency-Key', reason: 'At most 50 characters.' }]);
    return key;
  }

  function url(value: unknown, field: string, errors: { name: string; reason: string }[]): string | null {
    if (typeof value !== 'string') return null;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      errors.push({ name: field, reason: 'Must be a valid URL.' });
      return null;
    }
    if (parsed.protocol === 'http:' && !options.allowHttpUrls) errors.push({ name: field, reason: 'Must use the https:// scheme or a custom URL scheme.' });
    return value;
  }

  function readAmount(value: unknown, field: string, errors: { name: string; reason: string }[]): VippsAmount | null {
    const amount = value as Partial<VippsAmount> | undefined;
    if (!amount || typeof amount !== 'object') {
      errors.push({ name: field, reason: 'The property is required.' });
      return null;
    }
    if (typeof amount.currency !== 'string' || !CURRENCIES.includes(amount.currency)) errors.push({ name: `${field}.currency`, reason: 'Must be NOK, DKK or EUR.' });
    if (typeof amount.value !== 'number' || !Number.isInteger(amount.value) || amount.value < 0 || amount.value > 65_000_000) {
      errors.push({ name: `${field}.value`, reason: 'Must be an integer from 0 to 65000000 (minor units).' });
    }
    return errors.length ? null : { currency: amount.currency as VippsCurrency, value: amount.value as number };
  }

  function createPayment(msn: string, body: Record<string, unknown>) {
    const errors: { name: string; reason: string }[] = [];
    const amount = readAmount(body.amount, 'amount', errors);
    if (amount && amount.value === 0) errors.push({ name: 'amount.value', reason: 'Must be more than 0.' });
    const method = (body.paymentMethod as { type?: unknown } | undefined)?.type;
    if (method !== 'WALLET' && method !== 'CARD') errors.push({ name: 'paymentMethod.type', reason: 'Must be WALLET or CARD.' });
    if (typeof body.reference !== 'string' || !REFERENCE.test(body.reference)) errors.push({ name: 'reference', reason: 'Must match ^[a-zA-Z0-9-]{8,50}$.' });
    const userFlow = body.userFlow;
    if (typeof userFlow !== 'string' || !USER_FLOWS.includes(userFlow)) errors.push({ name: 'userFlow', reason: 'Must be PUSH_MESSAGE, NATIVE_REDIRECT, WEB_REDIRECT or QR.' });
    const customer = body.customer as Record<string, unknown> | undefined;
    const phoneNumber = customer?.phoneNumber;
    if (customer !== undefined && (typeof customer !== 'object' || Object.keys(customer).length !== 1)) {
      errors.push({ name: 'customer', reason: 'Give exactly one of phoneNumber, personalQr and customerToken.' });
    }
    if (phoneNumber !== undefined && (typeof phoneNumber !== 'string' || !/^\d{10,15}$/.test(phoneNumber))) {
      errors.push({ name: 'customer.phoneNumber', reason: 'Must be an MSISDN: 10 to 15 digits, country code first, no +.' });
    }
    if (userFlow === 'PUSH_MESSAGE' && typeof phoneNumber !== 'string') errors.push({ name: 'customer', reason: 'PUSH_MESSAGE requires a customer.' });
    const returnUrl = url(body.returnUrl, 'returnUrl', errors);
    if ((userFlow === 'WEB_REDIRECT' || userFlow === 'NATIVE_REDIRECT') && !returnUrl) errors.push({ name: 'returnUrl', reason: `${String(userFlow)} requires a returnUrl.` });
    if (method === 'CARD' && userFlow !== 'WEB_REDIRECT') errors.push({ name: 'userFlow', reason: 'CARD requires WEB_REDIRECT.' });
    const description = body.paymentDescription;
    if (description !== undefined && (typeof description !== 'string' || description.length < 3 || description.length > 100)) {
      errors.push({ name: 'paymentDescription', reason: 'Must be 3 to 100 characters.' });
    }
    if (body.expiresAt !== undefined && body.expiresAt !== null && userFlow !== 'PUSH_MESSAGE' && userFlow !== 'QR') {
      errors.push({ name: 'expiresAt', reason: 'Can only be combined with PUSH_MESSAGE or QR.' });
    }
    const metadata = body.metadata as Record<string, string> | null | undefined;
    if (metadata && Object.keys(metadata).length > 5) errors.push({ name: 'metadata', reason: 'At most 5 key-value pairs.' });
    if (errors.length) throw new Problem(400, 'Bad Request', 'The request body contains one or more validation errors.', errors);
    const reference = body.reference as string;
    if (payments.has(reference)) throw new Problem(409, 'Conflict', `A payment with reference ${reference} already exists.`);
    const token = randomBytes(18).toString('base64url');
    const redirect = userFlow === 'PUSH_MESSAGE' ? null : `${baseUrl}/landing?token=${token}`;
    const payment: FakeVippsPayment = {
      reference,
      pspReference: randomUUID(),
      msn,
      state: 'CREATED',
      amount: amount!,
      userFlow: userFlow as FakeVippsPayment['userFlow'],
      paymentMethodType: method as 'WALLET' | 'CARD',
      phoneNumber: typeof phoneNumber === 'string' ? phoneNumber : null,
      returnUrl,
      paymentDescription: typeof description === 'string' ? description : null,
      metadata: metadata ?? null,
      redirectUrl: redirect,
      token,
      aggregate: { authorized: 0, cancelled: 0, captured: 0, refunded: 0 },
      events: [],
    };
    payments.set(reference, payment);
    byToken.set(token, reference);
    record(payment, 'CREATED', payment.amount.value, null);
    return { status: 201, body: { ...(redirect ? { redirectUrl: redirect } : {}), reference } };
  }

  function modification(body: Record<string, unknown>, p: FakeVippsPayment): number {
    const errors: { name: string; reason: string }[] = [];
    const amount = readAmount(body.modificationAmount, 'modificationAmount', errors);
    if (errors.length) throw new Problem(400, 'Bad Request', 'The request body contains one or more validation errors.', errors);
    if (amount!.currency !== p.amount.currency) {
      throw new Problem(400, 'Bad Request', 'The currency does not match the payment.', [{ name: 'modificationAmount.currency', reason: `Must be ${p.amount.currency}.` }]);
    }
    return amount!.value;
  }

  function adjust(action: 'capture' | 'refund' | 'cancel', p: FakeVippsPayment, body: Record<string, unknown>, key: string) {
    if (action === 'cancel') {
      if (p.state === 'CREATED') {
        p.state = 'TERMINATED';
        p.aggregate.cancelled = p.amount.value;
        record(p, 'TERMINATED', p.amount.value, key);
      } else if (p.state === 'AUTHORIZED') {
        const remaining = p.aggregate.authorized - p.aggregate.captured - p.aggregate.cancelled;
        if (remaining <= 0) throw new Problem(409, 'Invalid state', 'Nothing is left to cancel: the payment is fully captured or already cancelled.');
        p.aggregate.cancelled += remaining;
        record(p, 'CANCELLED', remaining, key);
      } else {
        throw new Problem(409, 'Invalid state', `A ${p.state} payment cannot be cancelled.`);
      }
      return { status: 200, body: modificationView(p) };
    }
    const value = modification(body, p);
    if (p.state !== 'AUTHORIZED') throw new Problem(409, 'Invalid state', `A ${p.state} payment cannot be ${action === 'capture' ? 'captured' : 'refunded'}.`);
    if (value <= 0) throw new Problem(400, 'Bad Request', 'The amount must be more than 0.', [{ name: 'modificationAmount.value', reason: 'Must be more than 0.' }]);
    if (action === 'capture') {
      const capturable = p.aggregate.authorized - p.aggregate.captured - p.aggregate.cancelled;
      if (value > capturable) throw new Problem(400, 'Capture amount too high', `At most ${capturable} can be captured.`, [{ name: 'modificationAmount.value', reason: `At most ${capturable}.` }]);
      p.aggregate.captured += value;
      record(p, 'CAPTURED', value, key);
    } else {
      const refundable = p.aggregate.captured - p.aggregate.refunded;
      if (value > refundable) throw new Problem(400, 'Refund amount too high', `At most ${refundable} can be refunded.`, [{ name: 'modificationAmount.value', reason: `At most ${refundable}.` }]);
      p.aggregate.refunded += value;
      record(p, 'REFUNDED', value, key);
    }
    return { status: 200, body: modificationView(p) };
  }

  function landingPage(p: FakeVippsPayment): string {
    const value = (p.amount.value / 100).toFixed(2);
    const done = p.state !== 'CREATED';
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Vipps</title></head><body>
<main><h1>Fake Vipps MobilePay</h1><p>Pay ${value} ${p.amount.currency}${p.paymentDescription ? ` for ${escapeHtml(p.paymentDescription)}` : ''}</p>
${
  done
    ? `<p role="status">This payment is ${p.state}.</p>`
    : `<form method="post" action="/landing/approve?token=${p.token}"><button type="submit">Approve</button></form>
<form method="post" action="/landing/reject?token=${p.token}"><button type="submit">Reject</button></form>`
}
</main></body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const target = new URL(req.url ?? '/', 'http://fake');
    const path = target.pathname;
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        if (!path.startsWith('/landing')) throw new Problem(400, 'Bad Request', 'The request body is not valid JSON.');
      }
    }
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const json = (status: number, payload: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8` }).end(JSON.stringify(payload));
    };

    const planned = failures.next.shift();
    if (planned !== undefined) throw new Problem(planned, planned === 429 ? 'Too Many Requests' : 'Internal Server Error', 'Injected by the test.');

    // The Vipps app's part, as the landing page plays it.
    if (path.startsWith('/landing')) {
      const reference = byToken.get(target.searchParams.get('token') ?? '');
      const p = reference ? payments.get(reference) : undefined;
      if (!p) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>Fake Vipps</title><p>Unknown payment.</p>');
      if (req.method === 'GET' && path === '/landing') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(landingPage(p));
      if (req.method === 'POST' && (path === '/landing/approve' || path === '/landing/reject')) {
        if (p.state === 'CREATED') {
          if (path === '/landing/approve') authorize(p);
          else endBeforeAuthorization(p, 'ABORTED');
        }
        if (p.returnUrl) return void res.writeHead(303, { location: p.returnUrl }).end();
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(landingPage(p));
      }
    }

    if (req.method === 'POST' && path === '/accesstoken/get') {
      if (req.headers['ocp-apim-subscription-key'] !== subscriptionKey) throw new Problem(401, 'Unauthorized', 'Access denied due to invalid subscription key.');
      if (req.headers.client_id !== clientId || req.headers.client_secret !== clientSecret) {
        return json(401, { error: 'unauthorized_client', error_description: 'AADSTS7000215: Invalid client secret is provided.' });
      }
      const token = `fake.${randomBytes(24).toString('base64url')}`;
      const now = Math.floor(Date.now() / 1000);
      tokens.set(token, Date.now() + 3600_000);
      return json(200, {
        token_type: 'Bearer',
        expires_in: '3600',
        ext_expires_in: '3600',
        expires_on: String(now + 3600),
        not_before: String(now),
        resource: '00000002-0000-0000-c000-000000000000',
        access_token: token,
      });
    }

    if (path.startsWith('/webhooks/v1/webhooks')) {
      const msn = requireHeaders(req, { msn: true });
      if (req.method === 'GET' && path === '/webhooks/v1/webhooks') {
        return json(200, { webhooks: [...webhooks.values()].filter((w) => w.msn === msn).map(({ id, url, events }) => ({ id, url, events })) });
      }
      if (req.method === 'POST' && path === '/webhooks/v1/webhooks') {
        const input = (body ?? {}) as { url?: unknown; events?: unknown };
        const errors: { name: string; reason: string }[] = [];
        const target = url(input.url, 'url', errors);
        if (!target) errors.push({ name: 'url', reason: 'The property is required and cannot be null or empty.' });
        const events = Array.isArray(input.events) ? input.events : [];
        if (events.length === 0) errors.push({ name: 'events', reason: 'The property is required and cannot be null or empty.' });
        for (const event of events) if (typeof event !== 'string' || !EVENT_TYPES.includes(event)) errors.push({ name: 'events', reason: `Unknown event type ${String(event)}.` });
        if (errors.length) throw new Problem(400, 'Bad Request', 'One or more validation errors occurred.', errors);
        const id = randomUUID();
        const secret = randomBytes(64).toString('base64');
        webhooks.set(id, { id, msn, url: target!, events: events as string[], secret });
        return json(201, { id, secret });
      }
      const match = /^\/webhooks\/v1\/webhooks\/([^/]+)$/.exec(path);
      if (req.method === 'DELETE' && match) {
        const webhook = webhooks.get(match[1]!);
        if (!webhook || webhook.msn !== msn) throw new Problem(400, 'Bad Request', `No webhook ${match[1]}.`);
        webhooks.delete(webhook.id);
        return void res.writeHead(204).end();
      }
    }

    if (path.startsWith('/epayment/v1/')) {
      const msn = requireHeaders(req, { msn: true });
      const input = (body ?? {}) as Record<string, unknown>;
      if (req.method === 'POST' && path === '/epayment/v1/payments') {
        const key = requireIdempotencyKey(req);
        return replay(msn, path, key, raw, () => createPayment(msn, input));
      }
      const test = /^\/epayment\/v1\/test\/payments\/([^/]+)\/approve$/.exec(path);
      if (req.method === 'POST' && test) {
        authorize(findPayment(msn, test[1]!));
        return void res.writeHead(200).end();
      }
      const match = /^\/epayment\/v1\/payments\/([^/]+)(?:\/(events|capture|refund|cancel))?$/.exec(path);
      if (match) {
        const action = match[2];
        if (req.method === 'GET' && !action) return json(200, paymentView(findPayment(msn, match[1]!)));
        if (req.method === 'GET' && action === 'events') {
          const p = findPayment(msn, match[1]!);
          return json(
            200,
            p.events.map((e) => ({ reference: p.reference, pspReference: p.pspReference, ...e })),
          );
        }
        if (req.method === 'POST' && (action === 'capture' || action === 'refund' || action === 'cancel')) {
          const key = requireIdempotencyKey(req);
          return replay(msn, path, key, raw, () => adjust(action, findPayment(msn, match[1]!), input, key), 'application/problem+json');
        }
      }
    }
    throw new Problem(404, 'Not Found', `No route ${req.method} ${path}.`);

    function replay(msn: string, route: string, key: string, request: string, run: () => { status: number; body: unknown }, type = 'application/json') {
      const slot = `${msn} ${route} ${key}`;
      const earlier = replies.get(slot);
      if (earlier) {
        if (earlier.request !== request) throw new Problem(409, 'Conflict', 'The Idempotency-Key was used before with a different request.');
        return void res.writeHead(earlier.status, { 'content-type': `${type}; charset=utf-8` }).end(earlier.body);
      }
      const answer = run();
      const text = JSON.stringify(answer.body);
      replies.set(slot, { request, status: answer.status, body: text });
      res.writeHead(answer.status, { 'content-type': `${type}; charset=utf-8` }).end(text);
    }
  }

  function findPayment(msn: string, reference: string): FakeVippsPayment {
    const p = payments.get(reference);
    if (!p || p.msn !== msn) throw new Problem(404, 'Not Found', `No payment with reference ${reference}.`);
    return p;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const problem = error instanceof Problem ? error : new Problem(500, 'Internal Server Error', String(error));
      if (res.headersSent) return void res.end();
      res.writeHead(problem.status, { 'content-type': 'application/problem+json; charset=utf-8' }).end(
        JSON.stringify({
          type: `https://developer.vippsmobilepay.com/docs/knowledge-base/errors#${problem.status}`,
          title: problem.title,
          detail: problem.detail,
          status: problem.status,
          instance: req.url,
          traceId: randomUUID(),
          ...(problem.extraDetails ? { extraDetails: problem.extraDetails } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const act = (reference: string, what: (p: FakeVippsPayment) => void) => {
    const p = payments.get(reference);
    if (!p) throw new Error(`fake Vipps: no payment ${reference}`);
    what(p);
    return p;
  };

  return {
    baseUrl,
    clientId,
    clientSecret,
    subscriptionKey,
    merchantSerialNumber: msns[0]!,
    payments,
    requests,
    deliveries,
    webhooks,
    /** Requests to a path (after the query), in order. */
    requestsTo: (method: string, path: string | RegExp) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    /** The payer approves in the app (what force-approve and the landing page's Approve do). */
    approve: (reference: string) => act(reference, authorize),
    /** The payer rejects in the app: the payment is ABORTED. */
    reject: (reference: string) => act(reference, (p) => endBeforeAuthorization(p, 'ABORTED')),
    /** The payer never answered in time: the payment is EXPIRED. */
    expire: (reference: string) => act(reference, (p) => endBeforeAuthorization(p, 'EXPIRED')),
    /** Every token issued so far stops working (as after its hour in the test environment). */
    expireTokens: () => tokens.clear(),
    /** The next requests (of any kind) answer these HTTP statuses as problems, in order. */
    failNext: (...statuses: number[]) => failures.next.push(...statuses),
    /** Resolves once every notification queued so far was delivered or given up. */
    flushDeliveries: async () => {
      let pending: Promise<void>[] = [];
      do {
        pending = [...queues.values()];
        await Promise.all(pending);
      } while ([...queues.values()].some((q, i) => q !== pending[i]));
    },
    reset() {
      payments.clear();
      byToken.clear();
      replies.clear();
      webhooks.clear();
      requests.length = 0;
      deliveries.length = 0;
      failures.next.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeVipps = Awaited<ReturnType<typeof startFakeVipps>>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
