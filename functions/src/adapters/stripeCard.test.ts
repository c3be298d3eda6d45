import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors';
import type { CheckoutRequest } from './cardProvider';
import { stripeCardProvider, type StripeCardProvider } from './stripeCard';

const SECRET_KEY = 'sk_test_fake_123';
const WEBHOOK_SECRET = 'whsec_test_fake_456';
const CONNECT_WEBHOOK_SECRET = 'whsec_test_connect_789';

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The form body flattened to Stripe's wire keys, e.g. `line_items[0][price_data][unit_amount]`. */
  form: Record<string, string>;
}

interface StoredResponse {
  rawBody: string;
  status: number;
  body: unknown;
}

/** What a request gets instead of normal handling; queued faults apply to the next requests in turn. */
type Fault = { kind: 'reset_after_processing' } | { kind: 'error'; status: number; body: unknown };

/**
 * A stand-in for api.stripe.com following its documented contract: form-encoded requests, Bearer
 * auth, JSON objects back, `{ error: { type, message, code } }` on failure, and idempotency keys
 * whose first response is stored and replayed (a reused key with other parameters is rejected).
 */
class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly sessions = new Map<string, Record<string, unknown>>();
  readonly refunds: Record<string, unknown>[] = [];
  readonly accounts = new Map<string, Stripe.Account>();
  private readonly idempotent = new Map<string, StoredResponse>();
  private readonly faults: Fault[] = [];
  private sequence = 0;
  private server: Server | undefined;

  async start(): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  reset(): void {
    this.requests.length = 0;
    this.sessions.clear();
    this.refunds.length = 0;
    this.accounts.clear();
    this.idempotent.clear();
    this.faults.length = 0;
  }

  failNextRequests(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rawBody = '';
    for await (const chunk of req) rawBody += String(chunk);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    this.requests.push({ method, path, headers: req.headers, form: Object.fromEntries(new URLSearchParams(rawBody)) });

    const fault = this.faults.shift();
    if (fault?.kind === 'error') return this.send(res, fault.status, fault.body);

    if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
      return this.send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const stored = idempotencyKey ? this.idempotent.get(idempotencyKey) : undefined;
    if (stored && stored.rawBody !== rawBody) {
      return this.send(res, 400, {
        error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters.' },
      });
    }
    const form = method === 'GET' ? Object.fromEntries(url.searchParams) : Object.fromEntries(new URLSearchParams(rawBody));
    const response = stored ?? { rawBody, ...this.route(method, path, form) };
    if (idempotencyKey && method === 'POST') this.idempotent.set(idempotencyKey, response);

    // Stripe acted on the request, but the answer is lost on the way back.
    if (fault?.kind === 'reset_after_processing') return void req.socket.destroy();
    if (stored) res.setHeader('Idempotent-Replayed', 'true');
    this.send(res, response.status, response.body);
  }

  private route(method: string, path: string, form: Record<string, string>): { status: number; body: unknown } {
    const expireMatch = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    const sessionMatch = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const id = `cs_test_${++this.sequence}`;
      const session = {
        id,
        object: 'checkout.session',
        mode: form.mode,
        url: `https://checkout.stripe.com/c/pay/${id}`,
        expires_at: Number(form.expires_at),
        status: 'open',
        payment_status: 'unpaid',
        payment_intent: null,
        client_reference_id: form.client_reference_id ?? null,
        amount_total: Number(form['line_items[0][price_data][unit_amount]']),
        currency: form['line_items[0][price_data][currency]'],
        livemode: false,
        metadata: { invoiceId: form['metadata[invoiceId]'], transactionId: form['metadata[transactionId]'], merchantId: form['metadata[merchantId]'] },
      };
      this.sessions.set(id, session);
      return { status: 200, body: session };
    }
    if (method === 'POST' && expireMatch) {
      const session = this.sessions.get(expireMatch[1]!);
      if (!session) return missing(expireMatch[1]!);
      if (session.status !== 'open') {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${String(session.status)}\`.`,
            },
          },
        };
      }
      session.status = 'expired';
      return { status: 200, body: session };
    }
    if (method === 'GET' && sessionMatch) {
      const session = this.sessions.get(sessionMatch[1]!);
      return session ? { status: 200, body: session } : missing(sessionMatch[1]!);
    }
    if (method === 'POST' && path === '/v1/accounts') {
      const account = connectedAccount(`acct_test_${++this.sequence}`, form);
      this.accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    const accountMatch = /^\/v1\/accounts\/([^/]+)$/.exec(path);
    if (method === 'GET' && accountMatch) {
      const account = this.accounts.get(accountMatch[1]!);
      return account ? { status: 200, body: account } : { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such account: '${accountMatch[1]}'` } } };
    }
    if (method === 'POST' && path === '/v1/account_links') {
      const link: Stripe.AccountLink = {
        object: 'account_link',
        created: nowSeconds(),
        expires_at: nowSeconds() + 300,
        url: `https://connect.stripe.com/setup/s/${form.account}/link${++this.sequence}`,
      };
      return { status: 200, body: link };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const metadata = Object.fromEntries(Object.entries(form).flatMap(([key, value]) => (/^metadata\[(.+)\]$/.exec(key) ? [[/^metadata\[(.+)\]$/.exec(key)![1]!, value]] : [])));
      const refund = { id: `re_test_${++this.sequence}`, object: 'refund', amount: Number(form.amount), payment_intent: form.payment_intent, status: 'succeeded', metadata };
      this.refunds.unshift(refund);
      return { status: 200, body: refund };
    }
    // List refunds, newest first, filtered by payment_intent, paged by limit and starting_after.
    if (method === 'GET' && path === '/v1/refunds') {
      const matching = this.refunds.filter((refund) => !form.payment_intent || refund.payment_intent === form.payment_intent);
      const after = form.starting_after ? matching.findIndex((refund) => refund.id === form.starting_after) + 1 : 0;
      const limit = Number(form.limit ?? 10);
      const data = matching.slice(after, after + limit);
      return { status: 200, body: { object: 'list', url: '/v1/refunds', has_more: after + limit < matching.length, data } };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } } };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': `req_test_${++this.sequence}` });
    res.end(JSON.stringify(body));
  }
}

/** A new connected account as Stripe answers POST /v1/accounts: nothing submitted, nothing enabled yet. */
function connectedAccount(id: string, form: Record<string, string>): Stripe.Account {
  return {
    id,
    object: 'account',
    type: 'standard',
    country: form.country ?? 'NO',
    email: form.email ?? null,
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    created: nowSeconds(),
    default_currency: 'nok',
    metadata: { merchantId: form['metadata[merchantId]'] ?? '' },
    requirements: {
      alternatives: [],
      current_deadline: null,
      currently_due: ['business_profile.url', 'external_account', 'tos_acceptance.date'],
      disabled_reason: 'requirements.past_due',
      errors: [],
      eventually_due: ['business_profile.url', 'external_account', 'tos_acceptance.date'],
      past_due: ['external_account'],
      pending_verification: [],
    },
  } as Stripe.Account;
}

const missing = (id: string) => ({
  status: 404,
  body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such checkout.session: '${id}'` } },
});

const fakeStripe = new FakeStripe();
let provider: StripeCardProvider;

beforeAll(async () => {
  const port = await fakeStripe.start();
  provider = stripeCardProvider({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    connectWebhookSecret: CONNECT_WEBHOOK_SECRET,
    stripeOptions: { host: '127.0.0.1', port, protocol: 'http' },
  });
});
afterAll(() => fakeStripe.stop());
beforeEach(() => fakeStripe.reset());

const HOUR_MS = 60 * 60 * 1000;
const nowSeconds = () => Math.floor(Date.now() / 1000);

const checkoutRequest = (overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  transactionId: 'txn_abc123',
  invoiceId: 'inv_def456',
  merchantId: 'mer_ghi789',
  merchantName: 'Kafé Bønna',
  amount: 12950,
  currency: 'NOK',
  description: 'Catering, 12 people',
  successUrl: 'https://pay.example.no/p/tok/return',
  cancelUrl: 'https://pay.example.no/p/tok',
  expiresAt: new Date(Date.now() + 2 * HOUR_MS),
  payerLocale: 'nb',
  ...overrides,
});

describe('stripeCardProvider.createCheckout', () => {
  it('posts the documented Checkout Session fields with an idempotency key per transaction', async () => {
    const request = checkoutRequest();
    const session = await provider.createCheckout(request);

    const [call, ...others] = fakeStripe.requestsTo('POST', '/v1/checkout/sessions');
    expect(others).toHaveLength(0);
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call!.headers['idempotency-key']).toBe('checkout-txn_abc123');
    expect(call!.form).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'nok',
      'line_items[0][price_data][unit_amount]': '12950',
      'line_items[0][price_data][product_data][name]': 'Catering, 12 people',
      client_reference_id: 'txn_abc123',
      'metadata[invoiceId]': 'inv_def456',
      'metadata[transactionId]': 'txn_abc123',
      'metadata[merchantId]': 'mer_ghi789',
      'payment_intent_data[metadata][invoiceId]': 'inv_def456',
      'payment_intent_data[metadata][transactionId]': 'txn_abc123',
      'payment_intent_data[metadata][merchantId]': 'mer_ghi789',
      'payment_intent_data[description]': 'Catering, 12 people',
      success_url: 'https://pay.example.no/p/tok/return',
      cancel_url: 'https://pay.example.no/p/tok',
      expires_at: String(Math.floor(request.expiresAt.getTime() / 1000)),
      locale: 'nb',
    });
    // Dynamic payment methods: Stripe picks them from the dashboard settings.
    expect(Object.keys(call!.form).some((key) => key.startsWith('payment_method_types'))).toBe(false);

    const created = fakeStripe.sessions.get(session.sessionId)!;
    expect(session).toEqual({
      sessionId: created.id,
      url: `https://checkout.stripe.com/c/pay/${String(created.id)}`,
      expiresAt: new Date(Number(created.expires_at) * 1000),
    });
  });

  it('opens Checkout in the language the payer reads in, and lets Stripe choose when that is unknown', async () => {
    await provider.createCheckout(checkoutRequest({ payerLocale: 'en' }));
    await provider.createCheckout(checkoutRequest({ transactionId: 'txn_unknown_locale', payerLocale: null }));
    expect(fakeStripe.requestsTo('POST', '/v1/checkout/sessions').map((r) => r.form.locale)).toEqual(['en', 'auto']);
  });

  it("clamps expires_at into Stripe's 30 minutes to 24 hours window", async () => {
    await provider.createCheckout(checkoutRequest({ transactionId: 'txn_soon', expiresAt: new Date(Date.now() + 60_000) }));
    await provider.createCheckout(checkoutRequest({ transactionId: 'txn_late', expiresAt: new Date(Date.now() + 48 * HOUR_MS) }));
    const [soon, late] = fakeStripe.requestsTo('POST', '/v1/checkout/sessions').map((call) => Number(call.form.expires_at));
    expect(soon! - nowSeconds()).toBeGreaterThanOrEqual(30 * 60);
    expect(late! - nowSeconds()).toBeLessThanOrEqual(24 * 60 * 60);
    expect(late! - nowSeconds()).toBeGreaterThan(23 * 60 * 60);
  });

  it('retries a connection reset with the same Idempotency-Key, so Stripe creates one session', async () => {
    fakeStripe.failNextRequests({ kind: 'reset_after_processing' });
    const session = await provider.createCheckout(checkoutRequest());

    const calls = fakeStripe.requestsTo('POST', '/v1/checkout/sessions');
    expect(calls).toHaveLength(2);
    expect(calls.map((call) => call.headers['idempotency-key'])).toEqual(['checkout-txn_abc123', 'checkout-txn_abc123']);
    expect([...fakeStripe.sessions.keys()]).toEqual([session.sessionId]);
  });

  it('propagates errors Stripe answers with', async () => {
    fakeStripe.failNextRequests({
      kind: 'error',
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least 3.00 nok' } },
    });
    await expect(provider.createCheckout(checkoutRequest({ amount: 100 }))).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});

describe('stripeCardProvider on a connected account (Stripe Connect)', () => {
  it('creates the Checkout Session on the connected account, with the platform fee', async () => {
    await provider.createCheckout(checkoutRequest({ connectedAccount: 'acct_merchant', applicationFeeAmount: 259 }));
    const [call] = fakeStripe.requestsTo('POST', '/v1/checkout/sessions');
    expect(call!.headers['stripe-account']).toBe('acct_merchant');
    expect(call!.form).toMatchObject({ 'payment_intent_data[application_fee_amount]': '259' });
  });

  it('sends no Stripe-Account header and no fee for a payment on the platform’s own account', async () => {
    await provider.createCheckout(checkoutRequest({ connectedAccount: null, applicationFeeAmount: null }));
    const [call] = fakeStripe.requestsTo('POST', '/v1/checkout/sessions');
    expect(call!.headers['stripe-account']).toBeUndefined();
    expect(Object.keys(call!.form).some((key) => key.includes('application_fee'))).toBe(false);
  });

  it('expires, reads back, refunds and looks up refunds and payment details on the account the payment was made on', async () => {
    const { sessionId } = await provider.createCheckout(checkoutRequest({ connectedAccount: 'acct_merchant', applicationFeeAmount: null }));
    await expect(provider.sessionStatus(sessionId, 'acct_merchant')).resolves.toMatchObject({ evidence: { sessionId, account: 'acct_merchant' } });
    await provider.expireCheckout(sessionId, 'acct_merchant');
    await provider.refund('pi_test_1', 5000, 'refund-re_1', 'acct_merchant');
    await provider.findRefund('pi_test_1', 'refund-re_1', 'acct_merchant');
    await provider.paymentDetails('pi_test_1', 'acct_merchant').catch(() => undefined);
    const scoped = fakeStripe.requests.filter((r) => r.path !== '/v1/checkout/sessions' || r.method !== 'POST');
    expect(scoped.map((r) => `${r.method} ${r.path} ${String(r.headers['stripe-account'])}`)).toEqual([
      `GET /v1/checkout/sessions/${sessionId} acct_merchant`,
      `POST /v1/checkout/sessions/${sessionId}/expire acct_merchant`,
      'POST /v1/refunds acct_merchant',
      'GET /v1/refunds acct_merchant',
      'GET /v1/payment_intents/pi_test_1 acct_merchant',
    ]);
  });

  it('creates a connected account and an onboarding Account Link, and reads the account’s status', async () => {
    const account = await provider.createAccount({ merchantId: 'mer_ghi789', name: 'Kafé Bønna', email: 'owner@example.no', idempotencyKey: 'connect-mer_ghi789-test' });
    const [create] = fakeStripe.requestsTo('POST', '/v1/accounts');
    expect(create!.headers['idempotency-key']).toBe('connect-mer_ghi789-test');
    expect(create!.form).toMatchObject({
      email: 'owner@example.no',
      'business_profile[name]': 'Kafé Bønna',
      'metadata[merchantId]': 'mer_ghi789',
      // A Standard-like account: the merchant has the full Stripe dashboard and pays Stripe's fees on its direct charges.
      'controller[stripe_dashboard][type]': 'full',
      'controller[fees][payer]': 'account',
      'controller[losses][payments]': 'stripe',
      'controller[requirement_collection]': 'stripe',
    });
    expect(account).toEqual({
      accountId: expect.stringMatching(/^acct_test_/),
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: false,
      requirementsDue: ['business_profile.url', 'external_account', 'tos_acceptance.date'],
      disabledReason: 'requirements.past_due',
    });

    const link = await provider.createAccountLink(account.accountId, {
      refreshUrl: 'https://pay.example.no/merchant/settings?stripe=refresh',
      returnUrl: 'https://pay.example.no/merchant/settings?stripe=return',
    });
    const [linkCall] = fakeStripe.requestsTo('POST', '/v1/account_links');
    expect(linkCall!.form).toEqual({
      account: account.accountId,
      type: 'account_onboarding',
      refresh_url: 'https://pay.example.no/merchant/settings?stripe=refresh',
      return_url: 'https://pay.example.no/merchant/settings?stripe=return',
    });
    expect(link).toEqual({ url: expect.stringContaining(account.accountId), expiresAt: expect.any(Date) });

    Object.assign(fakeStripe.accounts.get(account.accountId)!, {
      charges_enabled: true,
      requirements: { ...fakeStripe.accounts.get(account.accountId)!.requirements, currently_due: [], past_due: [], disabled_reason: null },
    });
    await expect(provider.retrieveAccount(account.accountId)).resolves.toMatchObject({ chargesEnabled: true, requirementsDue: [], disabledReason: null });
  });
});

describe('stripeCardProvider.expireCheckout', () => {
  it('expires an open session', async () => {
    const { sessionId } = await provider.createCheckout(checkoutRequest());
    await provider.expireCheckout(sessionId);
    expect(fakeStripe.requestsTo('POST', `/v1/checkout/sessions/${sessionId}/expire`)).toHaveLength(1);
    expect(fakeStripe.sessions.get(sessionId)!.status).toBe('expired');
  });

  it('treats a session that is no longer open as done', async () => {
    const { sessionId } = await provider.createCheckout(checkoutRequest());
    fakeStripe.sessions.get(sessionId)!.status = 'complete';
    await expect(provider.expireCheckout(sessionId)).resolves.toBeUndefined();
  });

  it('rethrows an unknown session and server errors', async () => {
    await expect(provider.expireCheckout('cs_test_unknown')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });

    const { sessionId } = await provider.createCheckout(checkoutRequest());
    const serverError: Fault = { kind: 'error', status: 500, body: { error: { type: 'api_error', message: 'Something went wrong.' } } };
    fakeStripe.failNextRequests(serverError, serverError, serverError);
    await expect(provider.expireCheckout(sessionId)).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    // The SDK retried the 500 itself (maxNetworkRetries: 2) before giving up.
    expect(fakeStripe.requestsTo('POST', `/v1/checkout/sessions/${sessionId}/expire`)).toHaveLength(3);
  });
});

describe('stripeCardProvider.sessionStatus and refund', () => {
  it('reads a session back for reconciliation', async () => {
    const { sessionId } = await provider.createCheckout(checkoutRequest());
    Object.assign(fakeStripe.sessions.get(sessionId)!, { status: 'complete', payment_status: 'paid', payment_intent: 'pi_test_1' });

    await expect(provider.sessionStatus(sessionId)).resolves.toEqual({
      status: 'complete',
      paymentStatus: 'paid',
      evidence: { sessionId, paymentId: 'pi_test_1', amount: 12950, currency: 'NOK', merchantId: 'mer_ghi789', livemode: false },
    });
    expect(fakeStripe.requestsTo('GET', `/v1/checkout/sessions/${sessionId}`)).toHaveLength(1);
  });

  it('refunds part of a payment intent under the caller’s idempotency key', async () => {
    const refund = await provider.refund('pi_test_1', 5000, 'refund-txn_abc123-1');

    const [call] = fakeStripe.requestsTo('POST', '/v1/refunds');
    expect(call!.form).toEqual({ payment_intent: 'pi_test_1', amount: '5000', 'metadata[idempotencyKey]': 'refund-txn_abc123-1' });
    expect(call!.headers['idempotency-key']).toBe('refund-txn_abc123-1');
    expect(refund).toEqual({ refundId: expect.stringMatching(/^re_test_/), status: 'succeeded' });
  });

  it('finds a refund again by the idempotency key it was made under, across pages, or says there is none', async () => {
    const made = await provider.refund('pi_test_1', 5000, 'refund-re_wanted');
    for (let i = 0; i < 120; i++) fakeStripe.refunds.push({ id: `re_other_${i}`, object: 'refund', payment_intent: 'pi_test_1', amount: 1, status: 'succeeded', metadata: {} });
    fakeStripe.refunds.reverse();
    await expect(provider.findRefund('pi_test_1', 'refund-re_wanted')).resolves.toEqual({ refundId: made.refundId, status: 'succeeded' });
    expect(fakeStripe.requestsTo('GET', '/v1/refunds').length).toBeGreaterThan(1);
    await expect(provider.findRefund('pi_test_1', 'refund-re_never_made')).resolves.toBeNull();
    await expect(provider.findRefund('pi_test_2', 'refund-re_wanted')).resolves.toBeNull();
  });
});

describe('stripeCardProvider.parseWebhook', () => {
  const signed = (event: object, options: { secret?: string; timestamp?: number } = {}) => {
    const payload = JSON.stringify({ object: 'event', api_version: '2026-02-25.clover', ...event });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
    return { body: Buffer.from(payload), header };
  };
  const parse = (event: object) => {
    const { body, header } = signed(event);
    return provider.parseWebhook(body, header);
  };
  const sessionEvent = (type: string, session: Record<string, unknown>) => ({
    id: 'evt_1',
    type,
    livemode: false,
    data: {
      object: { id: 'cs_test_1', object: 'checkout.session', amount_total: 12950, currency: 'nok', metadata: { transactionId: 'txn_abc123', merchantId: 'mer_ghi789' }, ...session },
    },
  });
  const evidence = { sessionId: 'cs_test_1', paymentId: 'pi_test_1', amount: 12950, currency: 'NOK', merchantId: 'mer_ghi789', livemode: false };

  it('maps a completed, paid session to payment_succeeded, with its evidence', async () => {
    await expect(parse(sessionEvent('checkout.session.completed', { payment_status: 'paid', payment_intent: 'pi_test_1' }))).resolves.toEqual({
      kind: 'payment_succeeded',
      eventId: 'evt_1',
      transactionId: 'txn_abc123',
      evidence,
    });
  });

  it('reports what the event does not say as null, never a guess', async () => {
    const odd = sessionEvent('checkout.session.completed', {
      payment_status: 'paid',
      payment_intent: { id: 'pi_expanded' },
      amount_total: '12950',
      currency: 7,
      metadata: { transactionId: 'txn_abc123' },
    });
    await expect(parse({ ...odd, livemode: 'no' })).resolves.toEqual({
      kind: 'payment_succeeded',
      eventId: 'evt_1',
      transactionId: 'txn_abc123',
      evidence: { sessionId: 'cs_test_1', paymentId: 'pi_expanded', amount: null, currency: null, merchantId: null, livemode: null },
    });
  });

  it('ignores a signed event of an odd shape instead of throwing', async () => {
    for (const event of [
      { id: 'evt_4', type: 'checkout.session.completed' },
      { id: 'evt_4', type: 'checkout.session.completed', data: { object: null } },
      { id: 'evt_4', type: 'checkout.session.completed', data: { object: [] } },
      { id: 'evt_4', type: 'charge.refunded', data: { object: { payment_intent: 'pi_1', amount_refunded: '5' } } },
      { id: 'evt/4', type: 'checkout.session.completed', data: { object: { metadata: { transactionId: 'txn_abc123' } } } },
      { id: 'evt_4', type: 'checkout.session.completed', data: { object: { metadata: { transactionId: 'txn_a/b' } } } },
      { id: 'evt_4', type: 42, data: { object: { metadata: { transactionId: 'txn_abc123' } } } },
    ]) {
      await expect(parse(event), JSON.stringify(event)).resolves.toMatchObject({ kind: 'ignored' });
    }
  });

  it('maps a completed but unpaid session (delayed payment method) to payment_pending', async () => {
    await expect(parse(sessionEvent('checkout.session.completed', { payment_status: 'unpaid', payment_intent: 'pi_test_1' }))).resolves.toEqual({
      kind: 'payment_pending',
      eventId: 'evt_1',
      transactionId: 'txn_abc123',
      evidence,
    });
  });

  it('maps the async payment outcomes', async () => {
    await expect(parse(sessionEvent('checkout.session.async_payment_succeeded', { payment_status: 'paid', payment_intent: 'pi_test_1' }))).resolves.toMatchObject({
      kind: 'payment_succeeded',
      transactionId: 'txn_abc123',
      evidence,
    });
    await expect(parse(sessionEvent('checkout.session.async_payment_failed', { payment_status: 'unpaid' }))).resolves.toEqual({
      kind: 'payment_failed',
      eventId: 'evt_1',
      transactionId: 'txn_abc123',
      evidence: { ...evidence, paymentId: null },
      failureCode: 'payment_failed',
      failureMessage: 'The payment failed.',
    });
  });

  it('maps an expired session, finding the transaction by client_reference_id when metadata is absent', async () => {
    await expect(parse(sessionEvent('checkout.session.expired', { metadata: {}, client_reference_id: 'txn_xyz' }))).resolves.toEqual({
      kind: 'session_expired',
      eventId: 'evt_1',
      transactionId: 'txn_xyz',
      evidence: { ...evidence, paymentId: null, merchantId: null },
    });
  });

  it('maps a failed payment intent to its decline code', async () => {
    const event = {
      id: 'evt_2',
      type: 'payment_intent.payment_failed',
      data: {
        object: {
          id: 'pi_test_1',
          object: 'payment_intent',
          amount: 12950,
          currency: 'nok',
          metadata: { transactionId: 'txn_abc123', merchantId: 'mer_ghi789' },
          last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
        },
      },
    };
    await expect(parse(event)).resolves.toEqual({
      kind: 'payment_failed',
      eventId: 'evt_2',
      transactionId: 'txn_abc123',
      evidence: { ...evidence, sessionId: null, livemode: null },
      failureCode: 'insufficient_funds',
      failureMessage: 'Your card has insufficient funds.',
    });
  });

  it('ignores event types it does not act on, and events not about our transactions', async () => {
    await expect(parse({ id: 'evt_3', type: 'customer.created', data: { object: { id: 'cus_1', metadata: { transactionId: 'txn_abc123' } } } })).resolves.toEqual({
      kind: 'ignored',
      eventId: 'evt_3',
      type: 'customer.created',
    });
    await expect(parse(sessionEvent('checkout.session.completed', { metadata: {}, payment_status: 'paid' }))).resolves.toEqual({
      kind: 'ignored',
      eventId: 'evt_1',
      type: 'checkout.session.completed',
    });
  });

  it('verifies Connect events by the Connect endpoint’s secret and keeps the event’s account', async () => {
    const event = { ...sessionEvent('checkout.session.completed', { payment_status: 'paid', payment_intent: 'pi_test_1' }), account: 'acct_merchant' };
    const { body, header } = signed(event, { secret: CONNECT_WEBHOOK_SECRET });
    await expect(provider.parseWebhook(body, header)).resolves.toMatchObject({ kind: 'payment_succeeded', evidence: { ...evidence, account: 'acct_merchant' } });
  });

  it('maps account.updated to the connected account’s status, when the event is about its own account', async () => {
    const account = { ...connectedAccount('acct_merchant', {}), charges_enabled: true, payouts_enabled: false, details_submitted: true };
    const event = { id: 'evt_acct_1', type: 'account.updated', created: 1_800_000_000, livemode: false, account: 'acct_merchant', data: { object: account } };
    const { body, header } = signed(event, { secret: CONNECT_WEBHOOK_SECRET });
    await expect(provider.parseWebhook(body, header)).resolves.toEqual({
      kind: 'account_updated',
      eventId: 'evt_acct_1',
      created: 1_800_000_000,
      livemode: false,
      account: {
        accountId: 'acct_merchant',
        chargesEnabled: true,
        payoutsEnabled: false,
        detailsSubmitted: true,
        requirementsDue: ['business_profile.url', 'external_account', 'tos_acceptance.date'],
        disabledReason: 'requirements.past_due',
      },
    });
    // An account.updated about another account than the one that sent it is not believed.
    await expect(parse({ ...event, account: 'acct_other' })).resolves.toMatchObject({ kind: 'ignored' });
  });

  describe('rejects with invalid_request when the signature does not verify', () => {
    const paid = sessionEvent('checkout.session.completed', { payment_status: 'paid' });
    const expectRejected = async (parsing: Promise<unknown>) => {
      const error = await parsing.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^Webhook signature verification failed: /) });
    };

    it('a tampered body', async () => {
      const { body, header } = signed(paid);
      const tampered = Buffer.from(body.toString().replace('"paid"', '"unpaid"'));
      await expectRejected(provider.parseWebhook(tampered, header));
    });

    it('a different secret', async () => {
      const { body, header } = signed(paid, { secret: 'whsec_someone_else' });
      await expectRejected(provider.parseWebhook(body, header));
    });

    it('a missing header', async () => {
      await expectRejected(provider.parseWebhook(signed(paid).body, undefined));
    });

    it('a timestamp past the 300 s tolerance', async () => {
      const { body, header } = signed(paid, { timestamp: nowSeconds() - 301 });
      await expectRejected(provider.parseWebhook(body, header));
    });

    it('but accepts one just inside it', async () => {
      const { body, header } = signed(paid, { timestamp: nowSeconds() - 290 });
      await expect(provider.parseWebhook(body, header)).resolves.toMatchObject({ kind: 'payment_succeeded' });
    });
  });
});
