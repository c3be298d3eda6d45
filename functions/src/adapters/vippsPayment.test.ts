import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeVipps } from '../../../tests/support/fakeVipps.js' with { 'resolution-mode': 'import' };
import { DomainError } from '../domain/errors';
import { VippsApiError, parseVippsNotification, verifyVippsWebhook, vippsEpayment, vippsReference, type VippsStartRequest } from './vippsPayment';

// The fake lives with the other fakes in tests/support (an ES module), so it is imported dynamically.
let fake: FakeVipps;
let signVippsWebhook: typeof import('../../../tests/support/fakeVipps.js', { with: { 'resolution-mode': 'import' } }).signVippsWebhook;

const adapter = (overrides: { webhookSecret?: string; now?: () => Date } = {}) =>
  vippsEpayment({
    baseUrl: fake.baseUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    subscriptionKey: fake.subscriptionKey,
    merchantSerialNumber: fake.merchantSerialNumber,
    livemode: false,
    ...overrides,
  });

let n = 0;
const start = (over: Partial<VippsStartRequest> = {}): VippsStartRequest => {
  n++;
  return {
    reference: vippsReference(`txn_vippsTest${n}x${Date.now()}`),
    amount: 49_900,
    currency: 'NOK',
    description: 'Lawn mowing, May',
    userFlow: 'WEB_REDIRECT',
    phone: null,
    returnUrl: 'https://pay.example.no/pay/tok123/receipt',
    idempotencyKey: `create-${n}-${Date.now()}`,
    ...over,
  };
};

beforeAll(async () => {
  const module = await import('../../../tests/support/fakeVipps.js');
  signVippsWebhook = module.signVippsWebhook;
  fake = await module.startFakeVipps({ allowHttpUrls: true, retryDelayMs: 5 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('webhook signatures (Webhooks API request authentication)', () => {
  // The worked example on the Webhooks API's request-authentication page.
  const sample = {
    secret: 'A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==',
    url: 'https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63',
    date: 'Thu, 30 Mar 2023 08:38:32 GMT',
    body: '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
    contentHash: 'lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=',
    authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=',
  };
  const then = new Date('2023-03-30T08:39:00Z');
  const documented = { 'x-ms-date': sample.date, 'x-ms-content-sha256': sample.contentHash, authorization: sample.authorization };

  it("the fake signs exactly as Vipps' documented example", () => {
    expect(signVippsWebhook({ url: sample.url, body: sample.body, secret: sample.secret, date: sample.date })).toEqual(documented);
  });

  it("accepts the documented example's headers", () => {
    expect(() => verifyVippsWebhook({ rawBody: Buffer.from(sample.body), url: sample.url, headers: documented }, sample.secret, then)).not.toThrow();
  });

  it.each([
    ['a changed body', { rawBody: Buffer.from(sample.body.replace('hello', 'hallo')) }, sample.secret],
    ['another secret', {}, 'another-secret'],
    ['another host', { url: 'https://evil.example/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63' }, sample.secret],
    ['another path', { url: 'https://webhook.site/other' }, sample.secret],
    ['no Authorization', { headers: { ...documented, authorization: undefined } }, sample.secret],
    ['no content hash', { headers: { ...documented, 'x-ms-content-sha256': undefined } }, sample.secret],
    ['other signed headers', { headers: { ...documented, authorization: sample.authorization.replace('x-ms-date;host;', 'host;x-ms-date;') } }, sample.secret],
    ['a changed date', { headers: { ...documented, 'x-ms-date': 'Thu, 30 Mar 2023 08:38:33 GMT' } }, sample.secret],
    ['no secret configured', {}, ''],
  ])('refuses %s', (_what, change, secret) => {
    const delivery = { rawBody: Buffer.from(sample.body), url: sample.url, headers: documented, ...change };
    expect(() => verifyVippsWebhook(delivery, secret, then)).toThrow(DomainError);
  });

  it('refuses a correctly signed delivery whose x-ms-date is over 15 minutes old (a replay)', () => {
    const delivery = { rawBody: Buffer.from(sample.body), url: sample.url, headers: documented };
    expect(() => verifyVippsWebhook(delivery, sample.secret, new Date('2023-03-30T08:54:00Z'))).toThrow(/too far/);
    expect(() => verifyVippsWebhook(delivery, sample.secret, new Date('2023-03-30T08:50:00Z'))).not.toThrow();
  });
});

describe('access tokens', () => {
  it('asks the Access Token API with client_id, client_secret and the subscription key, once for many calls', async () => {
    const vipps = adapter();
    const a = await vipps.createPayment(start());
    await vipps.getPayment(a.reference);
    await vipps.paymentEvents(a.reference);
    const tokenCalls = fake.requestsTo('POST', '/accesstoken/get');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.headers).toMatchObject({ client_id: fake.clientId, client_secret: fake.clientSecret, 'ocp-apim-subscription-key': fake.subscriptionKey });
  });

  it('renews an expired token and retries the call once', async () => {
    const vipps = adapter();
    const a = await vipps.createPayment(start());
    fake.expireTokens();
    expect((await vipps.getPayment(a.reference)).state).toBe('CREATED');
    expect(fake.requestsTo('POST', '/accesstoken/get')).toHaveLength(2);
  });

  it('fails with the API error when the keys are wrong', async () => {
    const vipps = vippsEpayment({ ...adapterOptions(), clientSecret: 'wrong' });
    await expect(vipps.getPayment('abcdefgh')).rejects.toMatchObject({ name: 'VippsApiError', status: 401 });
  });
});

function adapterOptions() {
  return { baseUrl: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret, subscriptionKey: fake.subscriptionKey, merchantSerialNumber: fake.merchantSerialNumber, livemode: false };
}

describe('create payment', () => {
  it('WEB_REDIRECT: a WALLET payment with returnUrl and no customer, every required header; answers the landing page', async () => {
    const request = start();
    const started = await adapter().createPayment(request);
    const [call, ...others] = fake.requestsTo('POST', '/epayment/v1/payments');
    expect(others).toHaveLength(0);
    expect(call!.body).toEqual({
      amount: { currency: 'NOK', value: 49_900 },
      paymentMethod: { type: 'WALLET' },
      reference: request.reference,
      userFlow: 'WEB_REDIRECT',
      returnUrl: request.returnUrl,
      paymentDescription: 'Lawn mowing, May',
    });
    expect(call!.headers).toMatchObject({
      'ocp-apim-subscription-key': fake.subscriptionKey,
      'merchant-serial-number': fake.merchantSerialNumber,
      'idempotency-key': request.idempotencyKey,
      'vipps-system-name': 'smspay',
      'vipps-system-plugin-name': 'smspay',
    });
    expect(call!.headers['vipps-system-version']).toBeTruthy();
    expect(call!.headers.authorization).toMatch(/^Bearer /);
    expect(started).toEqual({ reference: request.reference, redirectUrl: expect.stringContaining(`${fake.baseUrl}/landing?token=`) });
  });

  it('PUSH_MESSAGE: sends the payer’s number as an MSISDN and gets no redirect', async () => {
    const request = start({ userFlow: 'PUSH_MESSAGE', phone: '+4791234567' });
    const started = await adapter().createPayment(request);
    expect(fake.requestsTo('POST', '/epayment/v1/payments')[0]!.body).toMatchObject({ userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4791234567' } });
    expect(started.redirectUrl).toBeNull();
    expect(fake.payments.get(request.reference)!.phoneNumber).toBe('4791234567');
  });

  it('never sends a phone number with WEB_REDIRECT, and refuses PUSH_MESSAGE without one', async () => {
    await adapter().createPayment(start({ phone: '+4791234567' }));
    expect(fake.requestsTo('POST', '/epayment/v1/payments')[0]!.body).not.toHaveProperty('customer');
    await expect(adapter().createPayment(start({ userFlow: 'PUSH_MESSAGE', phone: null }))).rejects.toThrow(DomainError);
  });

  it('a retry with the same Idempotency-Key makes one payment; a 500 or 429 is retried with the same key', async () => {
    const request = start();
    const vipps = adapter();
    const first = await vipps.createPayment(request);
    const again = await vipps.createPayment(request);
    expect(again).toEqual(first);
    const other = start();
    fake.failNext(500, 429);
    await vipps.createPayment(other);
    const keys = fake.requestsTo('POST', '/epayment/v1/payments').map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([request.idempotencyKey, request.idempotencyKey, other.idempotencyKey, other.idempotencyKey, other.idempotencyKey]);
    expect(fake.payments.size).toBe(2);
  });

  it('surfaces the problem details of a refused request (reference reused under another key)', async () => {
    const request = start();
    await adapter().createPayment(request);
    const error = await adapter()
      .createPayment({ ...request, idempotencyKey: 'another-key' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VippsApiError);
    expect(error).toMatchObject({ status: 409, problem: { title: 'Conflict' } });
  });

  it('makes references Vipps accepts from our transaction ids', () => {
    expect(vippsReference('txn_4f8Kq9Zr2LmN0pQs7TuVwX')).toMatch(/^[a-zA-Z0-9-]{8,50}$/);
  });
});

describe('the fake refuses what the ePayment API refuses', () => {
  const raw = async (path: string, headers: Record<string, string>, body?: object) => {
    const token = (
      (await await fetch(`${fake.baseUrl}/accesstoken/get`, {
        method: 'POST',
        headers: { client_id: fake.clientId, client_secret: fake.clientSecret, 'Ocp-Apim-Subscription-Key': fake.subscriptionKey },
      }).then((r) => r.json())) as { access_token: string }
    ).access_token;
    const all: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      'Ocp-Apim-Subscription-Key': fake.subscriptionKey,
      'Merchant-Serial-Number': fake.merchantSerialNumber,
      'Idempotency-Key': 'k-1',
      'Content-Type': 'application/json',
      ...headers,
    };
    for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
    const response = await fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: all, body: JSON.stringify(body ?? {}) });
    return { status: response.status, type: response.headers.get('content-type'), problem: (await response.json()) as { title: string; extraDetails?: { name: string }[] } };
  };
  const valid = { amount: { currency: 'NOK', value: 1000 }, paymentMethod: { type: 'WALLET' }, reference: 'reference-1', userFlow: 'WEB_REDIRECT', returnUrl: 'https://x.example/r' };

  it.each([
    ['no Idempotency-Key', { 'Idempotency-Key': '' }, valid, 400, 'Idempotency-Key'],
    ['no Merchant-Serial-Number', { 'Merchant-Serial-Number': '' }, valid, 400, 'Merchant-Serial-Number'],
    ['a bad reference', {}, { ...valid, reference: 'has_underscore' }, 400, 'reference'],
    ['PUSH_MESSAGE without a customer', {}, { ...valid, userFlow: 'PUSH_MESSAGE' }, 400, 'customer'],
    ['a phone number with +', {}, { ...valid, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '+4791234567' } }, 400, 'customer.phoneNumber'],
  ])('%s', async (_what, headers, body, status, field) => {
    const answer = await raw('/epayment/v1/payments', headers, body);
    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.problem.extraDetails?.map((d) => d.name)).toContain(field);
  });

  it('no subscription key or no token: 401', async () => {
    expect((await raw('/epayment/v1/payments', { 'Ocp-Apim-Subscription-Key': '' }, valid)).status).toBe(401);
    expect((await raw('/epayment/v1/payments', { Authorization: '' }, valid)).status).toBe(401);
  });

  it('the same Idempotency-Key with another request: 409', async () => {
    expect((await raw('/epayment/v1/payments', {}, valid)).status).toBe(201);
    expect((await raw('/epayment/v1/payments', {}, { ...valid, amount: { currency: 'NOK', value: 2000 } })).status).toBe(409);
  });
});

describe('capture, refund, cancel and the payment record', () => {
  it('an approved payment is AUTHORIZED with evidence; capture moves it; more than authorized is refused', async () => {
    const vipps = adapter();
    const { reference } = await vipps.createPayment(start());
    fake.approve(reference);
    const authorized = await vipps.getPayment(reference);
    expect(authorized).toEqual({
      state: 'AUTHORIZED',
      aggregate: { authorized: 49_900, cancelled: 0, captured: 0, refunded: 0 },
      evidence: { sessionId: reference, paymentId: fake.payments.get(reference)!.pspReference, amount: 49_900, currency: 'NOK', merchantId: null, livemode: false },
    });
    await expect(vipps.capture(reference, 49_901, 'NOK', 'cap-too-much')).rejects.toMatchObject({ status: 400 });
    const captured = await vipps.capture(reference, 49_900, 'NOK', 'cap-1');
    expect(captured.aggregate.captured).toBe(49_900);
    // A retried capture with the same key captures nothing more; a new key finds nothing left.
    expect((await vipps.capture(reference, 49_900, 'NOK', 'cap-1')).aggregate.captured).toBe(49_900);
    await expect(vipps.capture(reference, 1, 'NOK', 'cap-2')).rejects.toMatchObject({ status: 400 });
    expect(fake.requestsTo('POST', `/epayment/v1/payments/${reference}/capture`).every((r) => typeof r.headers['idempotency-key'] === 'string')).toBe(true);
  });

  it('refunds in part, more than once, never more than captured; a key never refunds twice; findAdjustment finds it', async () => {
    const vipps = adapter();
    const { reference } = await vipps.createPayment(start());
    fake.approve(reference);
    await vipps.capture(reference, 49_900, 'NOK', 'cap');
    expect((await vipps.refund(reference, 10_000, 'NOK', 'ref-1')).aggregate.refunded).toBe(10_000);
    expect((await vipps.refund(reference, 10_000, 'NOK', 'ref-1')).aggregate.refunded).toBe(10_000);
    expect((await vipps.refund(reference, 20_000, 'NOK', 'ref-2')).aggregate.refunded).toBe(30_000);
    await expect(vipps.refund(reference, 19_901, 'NOK', 'ref-3')).rejects.toMatchObject({ status: 400, problem: { title: 'Refund amount too high' } });
    await expect(vipps.refund(reference, 100, 'EUR', 'ref-4')).rejects.toMatchObject({ status: 400 });
    expect(await vipps.findAdjustment(reference, 'REFUNDED', 'ref-2')).toMatchObject({ name: 'REFUNDED', amount: 20_000, success: true });
    expect(await vipps.findAdjustment(reference, 'REFUNDED', 'ref-3')).toBeNull();
    expect((await vipps.paymentEvents(reference)).map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'REFUNDED']);
  });

  it('a refund before capture is refused (nothing was captured)', async () => {
    const vipps = adapter();
    const { reference } = await vipps.createPayment(start());
    fake.approve(reference);
    await expect(vipps.refund(reference, 1, 'NOK', 'r')).rejects.toMatchObject({ status: 400 });
  });

  it('cancel before authorization terminates the payment; after a partial capture it releases the rest', async () => {
    const vipps = adapter();
    const a = await vipps.createPayment(start());
    expect((await vipps.cancel(a.reference, 'cancel-a')).state).toBe('TERMINATED');
    await expect(vipps.capture(a.reference, 1, 'NOK', 'c')).rejects.toMatchObject({ status: 409 });
    const b = await vipps.createPayment(start({ amount: 1_000 }));
    fake.approve(b.reference);
    await vipps.capture(b.reference, 250, 'NOK', 'cap-b');
    const cancelled = await vipps.cancel(b.reference, 'cancel-b');
    expect(cancelled).toMatchObject({ state: 'AUTHORIZED', aggregate: { authorized: 1_000, captured: 250, cancelled: 750, refunded: 0 } });
  });

  it('a payment the payer rejected is ABORTED, one never answered EXPIRED; neither can be captured', async () => {
    const vipps = adapter();
    const a = await vipps.createPayment(start());
    const b = await vipps.createPayment(start({ userFlow: 'PUSH_MESSAGE', phone: '+4791234567' }));
    fake.reject(a.reference);
    fake.expire(b.reference);
    expect((await vipps.getPayment(a.reference)).state).toBe('ABORTED');
    expect((await vipps.getPayment(b.reference)).state).toBe('EXPIRED');
    await expect(vipps.capture(a.reference, 1, 'NOK', 'x')).rejects.toMatchObject({ status: 409 });
  });

  it('an unknown reference is a 404', async () => {
    await expect(adapter().getPayment('no-such-payment')).rejects.toMatchObject({ status: 404 });
  });

  it('the landing page plays the app: Approve authorizes and returns the browser to returnUrl', async () => {
    const request = start();
    const { redirectUrl } = await adapter().createPayment(request);
    const page = await (await fetch(redirectUrl!)).text();
    expect(page).toContain('Approve');
    const token = new URL(redirectUrl!).searchParams.get('token')!;
    const answer = await fetch(`${fake.baseUrl}/landing/approve?token=${token}`, { method: 'POST', redirect: 'manual' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(request.returnUrl);
    expect(fake.payments.get(request.reference)!.state).toBe('AUTHORIZED');
  });
});

describe('webhooks', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { raw: Buffer; headers: Record<string, string | string[] | undefined> }[] = [];
  const answers: number[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/vipps?x=1`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    answers.length = 0;
  });

  it('registers a webhook, and every delivery verifies on its raw body with the answered secret', async () => {
    const registrar = adapter();
    const { secret } = await registrar.registerWebhook(receiverUrl);
    expect(fake.requestsTo('POST', '/webhooks/v1/webhooks')[0]!.body).toEqual({
      url: receiverUrl,
      events: expect.arrayContaining(['epayments.payment.authorized.v1', 'epayments.payment.refunded.v1']),
    });
    expect(await registrar.listWebhooks()).toHaveLength(1);
    const vipps = adapter({ webhookSecret: secret });
    const { reference } = await vipps.createPayment(start());
    fake.approve(reference);
    await vipps.capture(reference, 49_900, 'NOK', 'cap-w');
    await fake.flushDeliveries();
    const notifications = received.map((r) => vipps.parseWebhook({ rawBody: r.raw, url: receiverUrl, headers: r.headers }));
    expect(notifications.map((x) => (x.kind === 'payment' ? x.name : x.kind))).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    expect(notifications[1]).toMatchObject({
      kind: 'payment',
      success: true,
      evidence: { sessionId: reference, paymentId: fake.payments.get(reference)!.pspReference, amount: 49_900, currency: 'NOK', livemode: false },
    });
    expect(notifications[2]).toMatchObject({ idempotencyKey: 'cap-w' });
    // A delivery checked with another webhook's secret does not verify.
    expect(() => adapter({ webhookSecret: 'other' }).parseWebhook({ rawBody: received[0]!.raw, url: receiverUrl, headers: received[0]!.headers })).toThrow(DomainError);
  });

  it('a refused delivery is retried, and the next event for the webhook waits for it', async () => {
    const vipps = adapter();
    await vipps.registerWebhook(receiverUrl, ['epayments.payment.authorized.v1', 'epayments.payment.captured.v1']);
    const { reference } = await vipps.createPayment(start());
    answers.push(500, 400);
    fake.approve(reference);
    await vipps.capture(reference, 49_900, 'NOK', 'cap-r');
    await fake.flushDeliveries();
    const names = received.map((r) => (JSON.parse(r.raw.toString()) as { name: string }).name);
    expect(names).toEqual(['AUTHORIZED', 'AUTHORIZED', 'AUTHORIZED', 'CAPTURED']);
    expect(fake.deliveries.map((d) => d.attempts)).toEqual([[500, 400, 200], [200]]);
  });

  it('the same notification redelivered has the same event id; one for another merchant serial number is ignored', () => {
    const body = Buffer.from(
      JSON.stringify({ msn: '123456', reference: 'ref-12345', pspReference: 'p1', name: 'AUTHORIZED', amount: { currency: 'NOK', value: 100 }, timestamp: '2026-01-01T00:00:00Z', success: true }),
    );
    const a = parseVippsNotification(body, '123456', true);
    expect(a).toMatchObject({ kind: 'payment', name: 'AUTHORIZED', evidence: { livemode: true } });
    expect(parseVippsNotification(Buffer.from(body), '123456', true).eventId).toBe(a.eventId);
    expect(parseVippsNotification(body, '654321', true)).toMatchObject({ kind: 'ignored' });
  });

  it('refuses webhook URLs without https, as the Webhooks API does', async () => {
    const module = await import('../../../tests/support/fakeVipps.js');
    const strict = await module.startFakeVipps();
    try {
      const vipps = vippsEpayment({ ...adapterOptions(), baseUrl: strict.baseUrl, clientId: strict.clientId, clientSecret: strict.clientSecret, subscriptionKey: strict.subscriptionKey });
      await expect(vipps.registerWebhook('http://127.0.0.1:1/webhooks/vipps')).rejects.toMatchObject({ status: 400 });
      await expect(vipps.createPayment(start({ returnUrl: 'http://127.0.0.1:1/r' }))).rejects.toMatchObject({ status: 400 });
    } finally {
      await strict.close();
    }
  });
});
