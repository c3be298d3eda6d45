import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, tokenOf, validInvoice, warmApiWorkers } from '../support/api';
import { BASE_URL } from '../support/env';
import { admin, countWhere, createMerchant, type TestMerchant } from '../support/admin';
import { startReceiver } from '../support/receiver';

let merchant: TestMerchant;
let other: TestMerchant;

beforeAll(async () => {
  merchant = await createMerchant();
  other = await createMerchant();
});

afterAll(async () => undefined);

function expectProblem(call: Awaited<ReturnType<typeof api>>, status: number, code: string) {
  expect(call.status, JSON.stringify(call.body)).toBe(status);
  expect(call.contentType).toContain('application/problem+json');
  expect(call.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

describe('POST /invoices', () => {
  // Eight requests at once below: eight warm workers, so the burst meets the idempotency claim
  // at once instead of arriving one cold start at a time (which timed it out under load).
  beforeAll(() => warmApiWorkers(8), 180_000);

  it('creates an invoice, answers 201 with the spec fields, and queues its SMS', async () => {
    const call = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reference: 'order-1', metadata: { orderId: '1' } }) });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({
      id: expect.stringMatching(/^inv_[A-Za-z0-9]{22}$/),
      status: 'sending',
      amount: 12900,
      currency: 'NOK',
      reference: 'order-1',
      payUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:5000\/pay\/[A-Za-z0-9_-]{32}$/),
      sms: { status: 'queued', segments: 1, encoding: 'GSM-7', sentAt: null, deliveredAt: null },
      createdAt: expect.any(String),
      openedAt: null,
      paidAt: null,
      transaction: null,
    });
    expect(call.body.sms.text).toContain(call.body.payUrl);
    const fetched = await api('GET', `/invoices/${call.body.id}`, { key: merchant.apiKey });
    expect(fetched.body.id).toBe(call.body.id);
  });

  const bad: [string, () => { body?: unknown; rawBody?: string; contentType?: string; key?: string | null }, number, string][] = [
    ['missing amount', () => ({ body: { ...validInvoice(), amount: undefined } }), 400, 'amount'],
    ['amount as string', () => ({ body: validInvoice({ amount: '129' }) }), 400, 'amount'],
    ['negative amount', () => ({ body: validInvoice({ amount: -100 }) }), 400, 'amount'],
    ['fractional amount', () => ({ body: validInvoice({ amount: 12.5 }) }), 400, 'amount'],
    ['zero amount', () => ({ body: validInvoice({ amount: 0 }) }), 400, 'amount'],
    ['unknown currency', () => ({ body: validInvoice({ currency: 'ABC' }) }), 400, 'currency'],
    ['lower-case currency', () => ({ body: validInvoice({ currency: 'nok' }) }), 400, 'currency'],
    ['missing payer', () => ({ body: { ...validInvoice(), payer: undefined } }), 400, 'payer'],
    ['non-E.164 phone', () => ({ body: validInvoice({ payer: { phone: '91234567' } }) }), 400, 'payer.phone'],
    ['impossible phone number', () => ({ body: validInvoice({ payer: { phone: '+4711' } }) }), 400, 'payer.phone'],
    ['SMS text without {link}', () => ({ body: validInvoice({ sms: { text: 'Pay {amount} now' } }) }), 400, 'sms.text'],
    ['unknown payment method', () => ({ body: validInvoice({ paymentMethods: ['card', 'bitcoin'] }) }), 400, 'paymentMethods.1'],
    ['javascript: returnUrl', () => ({ body: validInvoice({ returnUrl: 'javascript:alert(document.cookie)' }) }), 400, 'returnUrl'],
    ['data: cancelUrl', () => ({ body: validInvoice({ cancelUrl: 'data:text/html,<script>alert(1)</script>' }) }), 400, 'cancelUrl'],
    ['oversized description', () => ({ body: validInvoice({ description: 'x'.repeat(201) }) }), 400, 'description'],
    ['oversized reference', () => ({ body: validInvoice({ reference: 'r'.repeat(65) }) }), 400, 'reference'],
    ['too much metadata', () => ({ body: validInvoice({ metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }) }), 400, 'metadata'],
    ['unknown field', () => ({ body: validInvoice({ amout: 5 }) }), 400, 'amout'],
    ['expiresAt in the past', () => ({ body: validInvoice({ expiresAt: '2020-01-01T00:00:00Z' }) }), 400, 'expiresAt'],
    ['text/plain body', () => ({ rawBody: 'amount=5', contentType: 'text/plain' }), 400, '(body)'],
    ['JSON array body', () => ({ rawBody: '[1,2]', contentType: 'application/json' }), 400, '(body)'],
    ['empty body', () => ({ rawBody: '', contentType: 'application/json' }), 400, '(body)'],
    ['no API key', () => ({ body: validInvoice(), key: null }), 401, ''],
    ['a wrong API key', () => ({ body: validInvoice(), key: 'sk_test_wrongwrongwrong' }), 401, ''],
    ['a publishable-looking key', () => ({ body: validInvoice(), key: 'pk_test_abc' }), 401, ''],
  ];

  it.each(bad)('refuses %s with a problem naming the field, writing nothing', async (_name, make, status, field) => {
    const before = await countWhere('invoices', 'merchantId', merchant.merchantId);
    const messagesBefore = await countWhere('smsMessages', 'merchantId', merchant.merchantId);
    const request = make();
    const key = request.key === null ? undefined : (request.key ?? merchant.apiKey);
    const call = await api('POST', '/invoices', { key, body: request.body, rawBody: request.rawBody, contentType: request.contentType });
    expectProblem(call, status, status === 401 ? 'unauthorized' : 'invalid_request');
    if (field) expect(call.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await countWhere('invoices', 'merchantId', merchant.merchantId)).toBe(before);
    expect(await countWhere('smsMessages', 'merchantId', merchant.merchantId)).toBe(messagesBefore);
  });

  it('answers malformed JSON with a 4xx (the platform parses JSON bodies before our code runs)', async () => {
    const before = await countWhere('invoices', 'merchantId', merchant.merchantId);
    const call = await api('POST', '/invoices', { key: merchant.apiKey, rawBody: '{"amount": 12900,', contentType: 'application/json' });
    expect(call.status).toBe(400);
    expect(await countWhere('invoices', 'merchantId', merchant.merchantId)).toBe(before);
  });

  it('keeps references unique per merchant, but not across merchants', async () => {
    const first = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reference: 'dup-ref' }) });
    expect(first.status).toBe(201);
    const second = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reference: 'dup-ref' }) });
    expectProblem(second, 400, 'invalid_request');
    expect(second.body.errors[0].field).toBe('reference');
    const elsewhere = await api('POST', '/invoices', { key: other.apiKey, body: validInvoice({ reference: 'dup-ref' }) });
    expect(elsewhere.status).toBe(201);
  });

  it('creates one invoice when the same Idempotency-Key is sent 8 times at once', async () => {
    const body = validInvoice({ reference: 'idem-8' });
    const started = Date.now();
    const calls = await Promise.all(Array.from({ length: 8 }, () => api('POST', '/invoices', { key: merchant.apiKey, body, headers: { 'Idempotency-Key': 'key-eight-at-once' } })));
    console.info(`8 concurrent POST /invoices with one Idempotency-Key answered in ${Date.now() - started} ms`);
    expect(calls.map((c) => c.status)).toEqual(Array(8).fill(201));
    expect(new Set(calls.map((c) => c.body.id)).size).toBe(1);
    expect(calls.filter((c) => c.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const snap = await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).where('reference', '==', 'idem-8').get();
    expect(snap.size).toBe(1);
  });

  it('refuses the same Idempotency-Key with another body', async () => {
    const first = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice(), headers: { 'Idempotency-Key': 'reuse-me' } });
    expect(first.status).toBe(201);
    const second = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 1 }), headers: { 'Idempotency-Key': 'reuse-me' } });
    expectProblem(second, 409, 'idempotency_conflict');
    const tooLong = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice(), headers: { 'Idempotency-Key': 'k'.repeat(256) } });
    expectProblem(tooLong, 400, 'invalid_request');
  });
});

describe('reading invoices', () => {
  it('lists newest first with filters and cursor paging', async () => {
    const m = await createMerchant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const call = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice({ reference: `page-${i}`, payer: { phone: i % 2 ? '+4791234567' : '+4798765432' } }) });
      ids.push(call.body.id);
    }
    const page1 = await api('GET', '/invoices?limit=2', { key: m.apiKey });
    expect(page1.body.data.map((i: { id: string }) => i.id)).toEqual([ids[4], ids[3]]);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await api('GET', `/invoices?limit=2&startingAfter=${ids[3]}`, { key: m.apiKey });
    expect(page2.body.data.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const page3 = await api('GET', `/invoices?limit=2&startingAfter=${ids[1]}`, { key: m.apiKey });
    expect(page3.body).toMatchObject({ hasMore: false });
    expect(page3.body.data).toHaveLength(1);

    const byRef = await api('GET', '/invoices?reference=page-2', { key: m.apiKey });
    expect(byRef.body.data.map((i: { id: string }) => i.id)).toEqual([ids[2]]);
    const byPhone = await api('GET', `/invoices?phone=${encodeURIComponent('+4791234567')}`, { key: m.apiKey });
    expect(byPhone.body.data).toHaveLength(2);
    const future = await api('GET', `/invoices?createdFrom=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, { key: m.apiKey });
    expect(future.body.data).toHaveLength(0);
    const badLimit = await api('GET', '/invoices?limit=500', { key: m.apiKey });
    expectProblem(badLimit, 400, 'invalid_request');
    expect(badLimit.body.errors[0].field).toBe('limit');
  });

  it('hides other merchants’ invoices behind the same 404', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const theirs = await api('GET', `/invoices/${created.body.id}`, { key: other.apiKey });
    expectProblem(theirs, 404, 'not_found');
    const missing = await api('GET', '/invoices/inv_0000000000000000000000', { key: other.apiKey });
    expect(missing.body.detail).toBe(theirs.body.detail);
    expect((await api('GET', '/health')).body).toEqual({ status: 'ok' });
  });

  it('cancels an unpaid invoice once, and its pay link then answers 404', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const cancelled = await api('POST', `/invoices/${created.body.id}/cancel`, { key: merchant.apiKey });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await api('POST', `/invoices/${created.body.id}/cancel`, { key: merchant.apiKey });
    expect(again.body.status).toBe('cancelled');
    const token = created.body.payUrl.split('/pay/')[1];
    const view = await api('GET', `/pay/${token}`);
    expectProblem(view, 404, 'not_found');
    const unknown = await api('GET', `/pay/${'x'.repeat(32)}`);
    expect(unknown.body.detail).toBe(view.body.detail);
    const events = await api('GET', `/invoices/${created.body.id}/events`, { key: merchant.apiKey });
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('invoice.cancelled');
  });
});

describe('direct transactions (POST /transactions)', () => {
  const messagesOf = async (invoiceId: string) => (await admin().db.collection('smsMessages').where('invoiceId', '==', invoiceId).get()).docs.map((d) => d.get('kind') as string);

  it('send no pay-link SMS for card: the integrator sends the payer to next.url', async () => {
    const txn = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice(), method: 'card' } });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    expect(txn.body.next).toMatchObject({ type: 'redirect', url: expect.any(String) });
    // Past the triggers that dispatch a queued message.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await messagesOf(txn.body.invoiceId)).toEqual([]);
    const invoice = await api('GET', `/invoices/${txn.body.invoiceId}`, { key: merchant.apiKey });
    expect(invoice.body).toMatchObject({ status: 'processing', sms: { status: null, sentAt: null } });
  });

  it('send only the PIN SMS for phone', async () => {
    const txn = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice({ amount: 2500 }), method: 'phone' } });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await messagesOf(txn.body.invoiceId)).toEqual(['pin']);
  });

  it('refuse sendAt and reminders, which only a pay-link SMS would use', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const call = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice({ sendAt, reminders: { afterHours: [24] } }), method: 'card' } });
    expectProblem(call, 400, 'invalid_request');
    expect(call.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['reminders', 'sendAt']);
  });
});

describe('cancelling at the checkout', () => {
  async function checkoutCancelUrl(overrides: Record<string, unknown>) {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice(overrides) });
    const token = tokenOf(created.body.payUrl);
    const txn = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    const sessionId = (txn.body.next.url as string).split('/sandbox/checkout/')[1];
    const session = await api('GET', `/sandbox/checkout/${sessionId}`);
    const cancel = await fetch(session.body.cancelUrl as string, { redirect: 'manual' });
    return { id: created.body.id as string, token, cancel };
  }

  it('sends the payer to the invoice’s cancelUrl with ?invoice={id}&status={status}', async () => {
    const { id, cancel } = await checkoutCancelUrl({ cancelUrl: 'https://shop.example/cart?step=pay' });
    expect(cancel.status).toBe(303);
    const location = new URL(cancel.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/cart');
    expect(Object.fromEntries(location.searchParams)).toEqual({ step: 'pay', invoice: id, status: 'processing' });
  });

  it('sends the payer back to /pay/{token} when the invoice has no cancelUrl', async () => {
    const { token, cancel } = await checkoutCancelUrl({});
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(`${BASE_URL}/pay/${token}`);
  });
});

describe('validation messages', () => {
  it('say what is wrong with each value, in JSON and in CSV', async () => {
    const json = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 12.5, currency: 5, payer: { phone: 4791234567 } }) });
    expectProblem(json, 400, 'invalid_request');
    expect(json.body.errors).toEqual([
      { field: 'amount', code: 'invalid_type', expected: 'int', message: 'Must be an integer in the currency’s minor unit (e.g. øre, cents), not 12.5.' },
      { field: 'currency', code: 'invalid_type', expected: 'string', message: 'Must be an ISO 4217 currency code, e.g. NOK, not a number.' },
      { field: 'payer.phone', code: 'invalid_type', expected: 'string', message: 'Must be a phone number in E.164 form, e.g. +4791234567, not a number.' },
    ]);
    const csv = await api('POST', '/invoices/import', {
      key: merchant.apiKey,
      rawBody: 'amount,currency,description,payer.phone\nabc,NOK,Pizza,+4791234567\n12.5,NOK,Pizza,+4791234567\n',
      contentType: 'text/csv',
    });
    expect(csv.status, JSON.stringify(csv.body)).toBe(200);
    expect(csv.body.data.map((r: { error: { errors: unknown } }) => r.error.errors)).toEqual([
      [{ field: 'amount', code: 'invalid_type', expected: 'number', message: 'Must be an integer amount in the currency’s minor unit, not "abc".' }],
      [{ field: 'amount', code: 'invalid_type', expected: 'int', message: 'Must be an integer in the currency’s minor unit (e.g. øre, cents), not 12.5.' }],
    ]);
  });
});

describe('billing information and failures', () => {
  it('invoice.payment_failed callbacks carry the failure code and message; a paid card shows brand, last 4 and country', async () => {
    const receiver = await startReceiver();
    try {
      const m = await createMerchant({ callbackUrl: receiver.url });
      const created = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice() });
      const token = tokenOf(created.body.payUrl);
      const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
      const session = (started.body.next.url as string).split('/').pop()!;
      const declined = await api('POST', `/sandbox/checkout/${session}/pay`, { body: { cardNumber: '4000 0000 0000 9995' } });
      expect(declined.status).toBe(402);
      const deadline = Date.now() + 20_000;
      let failed: { data: { invoice: { transaction: Record<string, unknown> } } } | undefined;
      while (!failed && Date.now() < deadline) {
        failed = receiver.received.map((r) => JSON.parse(r.body)).find((e) => e.type === 'invoice.payment_failed');
        if (!failed) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(failed?.data.invoice.transaction).toMatchObject({ id: started.body.id, status: 'failed', failureCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' });

      const retry = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
      const paid = await api('POST', `/sandbox/checkout/${(retry.body.next.url as string).split('/').pop()}/pay`, { body: { cardNumber: '5555 5555 5555 4444' } });
      expect(paid.status).toBe(200);
      const txn = await api('GET', `/transactions/${retry.body.id}`, { key: m.apiKey });
      expect(txn.body).toMatchObject({ status: 'succeeded', card: { brand: 'mastercard', last4: '4444', country: 'US', wallet: null }, phone: null, amountRefunded: 0 });
    } finally {
      await receiver.close();
    }
  });
});
