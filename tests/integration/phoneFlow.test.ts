import { beforeAll, describe, expect, it } from 'vitest';
import { api, freshPhone, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { pinFrom, waitForSms } from '../support/outbox';
import { startPayment } from '../../functions/src/domain/pay';
import { sandboxPhoneBilling } from '../../functions/src/adapters/sandboxPhoneBilling';
import type { CardProvider } from '../../functions/src/adapters/cardProvider';
import type { DomainError } from '../../functions/src/domain/errors';

let merchant: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant({ name: 'Kiosk' });
});

async function phoneTransaction(phone = freshPhone()) {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone }, amount: 4900 }) });
  const token = tokenOf(created.body.payUrl);
  const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return { id: created.body.id as string, token, txn: started.body };
}

describe('phone payments with an SMS PIN (sandbox billing)', () => {
  it('sends a PIN naming amount and merchant, charges on the right PIN, and sends a receipt', async () => {
    const { id, token, txn } = await phoneTransaction();
    expect(txn).toMatchObject({ method: 'phone', provider: 'sandbox', status: 'awaiting_pin', next: { type: 'pin', attemptsLeft: 3, expiresAt: expect.any(String) } });
    expect(new Date(txn.next.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    const sms = await waitForSms(merchant.apiKey, id, 'pin');
    expect(sms.body).toContain('NOK 49.00');
    expect(sms.body).toContain('Kiosk');
    const pinDoc = await admin().db.collection('transactions').doc(txn.id).collection('secrets').doc('pin').get();
    expect(pinDoc.get('hash')).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(pinDoc.data())).not.toContain(pinFrom(sms.body));

    const verified = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: pinFrom(sms.body) } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'succeeded', next: null });
    expect((await api('GET', `/pay/${token}`)).body.invoice.status).toBe('paid');
    const receipt = await waitForSms(merchant.apiKey, id, 'receipt');
    expect(receipt.body).toMatch(/^Receipt from Kiosk: NOK 49\.00 for .+, charged to your phone bill .+\. Ref \S+\. Questions or complaints: \S+\/receipt$/);

    const reuse = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: pinFrom(sms.body) } });
    expect(reuse.status).toBe(409);
  });

  it('locks after 3 wrong PINs and lets the payer choose again', async () => {
    const { id, token, txn } = await phoneTransaction();
    const pin = pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body);
    const wrong = pin === '000000' ? '111111' : '000000';
    const first = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: wrong } });
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ code: 'invalid_request', attemptsLeft: 2, errors: [{ field: 'pin', code: 'wrong_pin' }], transaction: { next: { attemptsLeft: 2 } } });
    const malformed = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: '12' } });
    expect(malformed.body).toMatchObject({ attemptsLeft: 2, errors: [{ field: 'pin', code: 'invalid_format' }] });
    expect((await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: wrong } })).body.attemptsLeft).toBe(1);
    const locked = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin: wrong } });
    expect(locked.status).toBe(409);
    expect(locked.body.transaction).toMatchObject({ status: 'failed', failureCode: 'too_many_attempts' });
    const right = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin } });
    expect(right.status).toBe(409);
    const view = await api('GET', `/pay/${token}`);
    expect(view.body.invoice.status).toBe('opened');
    expect(view.body.transaction.failureCode).toBe('too_many_attempts');
    const again = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    expect(again.status).toBe(201);
  });

  it('refuses an expired PIN, and a PIN of another transaction', async () => {
    const a = await phoneTransaction();
    const b = await phoneTransaction();
    const pinA = pinFrom((await waitForSms(merchant.apiKey, a.id, 'pin')).body);
    const pinB = pinFrom((await waitForSms(merchant.apiKey, b.id, 'pin')).body);
    if (pinA !== pinB) {
      const crossed = await api('POST', `/pay/${b.token}/transactions/${b.txn.id}/verify`, { body: { pin: pinA } });
      expect(crossed.status).toBe(400);
    }
    const otherToken = await api('POST', `/pay/${a.token}/transactions/${b.txn.id}/verify`, { body: { pin: pinB } });
    expect(otherToken.status).toBe(404);
    const ref = admin().db.collection('transactions').doc(a.txn.id).collection('secrets').doc('pin');
    const { Timestamp } = await import('firebase-admin/firestore');
    await ref.update({ expiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    const expired = await api('POST', `/pay/${a.token}/transactions/${a.txn.id}/verify`, { body: { pin: pinA } });
    expect(expired.status).toBe(409);
    expect(expired.body.transaction).toMatchObject({ status: 'failed', failureCode: 'pin_expired' });
  });

  it.each([
    [`${freshPhone().slice(0, -4)}0002`, 'insufficient_funds', 'insufficient funds'],
    [`${freshPhone().slice(0, -4)}0003`, 'subscriber_barred', 'cannot be charged'],
  ])('declines %s with %s and a clear message', async (phone, code, words) => {
    const { id, token, txn } = await phoneTransaction(phone);
    const pin = pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body);
    const declined = await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin } });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ code: 'payment_declined', declineCode: code, transaction: { status: 'failed', failureCode: code } });
    expect(declined.body.detail).toContain(words);
    expect((await api('GET', `/pay/${token}`)).body.invoice.status).toBe('opened');
  });
});

const pinSmsOf = async (invoiceId: string) => (await admin().db.collection('smsMessages').where('invoiceId', '==', invoiceId).where('kind', '==', 'pin').count().get()).data().count;

describe('PIN SMS limits, counted in Firestore', () => {
  // The emulator runs one worker process per concurrent request, so the 12 racing taps run in
  // this test process: it is "another instance", sharing only Firestore with the API function.
  it('12 concurrent Phone taps on one invoice send exactly 5 PINs; the rest are 429 with Retry-After', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() } }) });
    const token = tokenOf(created.body.payUrl);
    const providers = { db: admin().db, phone: sandboxPhoneBilling(), card: {} as CardProvider, publicBaseUrl: 'http://127.0.0.1:5000' };
    const deps = { ...providers, providers: () => providers };
    const taps = await Promise.allSettled(Array.from({ length: 12 }, () => startPayment(deps, { token }, 'phone')));
    const refused = taps.filter((t): t is PromiseRejectedResult => t.status === 'rejected').map((t) => t.reason as DomainError);
    expect(taps.filter((t) => t.status === 'fulfilled')).toHaveLength(5);
    expect(refused.map((e) => e.code)).toEqual(Array(7).fill('rate_limited'));
    expect(await pinSmsOf(created.body.id)).toBe(5);

    const overHttp = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    expect(overHttp.status).toBe(429);
    expect(overHttp.contentType).toContain('application/problem+json');
    expect(overHttp.body.code).toBe('rate_limited');
    const retryAfter = Number(overHttp.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Card still works: the limit is on texts, not on paying.
    expect((await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } })).status).toBe(201);
    const direct = await api('POST', '/transactions', { key: merchant.apiKey, body: { invoiceId: created.body.id, method: 'phone' } });
    expect(direct.status).toBe(429);
    expect(await pinSmsOf(created.body.id)).toBe(5);
  });

  it('sends at most 10 PINs to one phone number in 24 hours, however it is spelled and by whichever route', async () => {
    const phone = freshPhone();
    const other = await createMerchant();
    const invoices = [];
    for (let i = 0; i < 6; i++) {
      invoices.push((await api('POST', '/invoices', { key: (i % 2 ? other : merchant).apiKey, body: validInvoice({ payer: { phone } }) })).body);
    }
    const tap = (invoice: { payUrl: string }) => api('POST', `/pay/${tokenOf(invoice.payUrl)}/transactions`, { body: { method: 'phone' } });
    const answers = [];
    for (const invoice of invoices.slice(0, 5)) answers.push(await tap(invoice), await tap(invoice));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const eleventh = await tap(invoices[5]!);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.code).toBe('rate_limited');
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    const direct = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice({ payer: { phone } }), method: 'phone' } });
    expect(direct.status).toBe(429);
    expect(direct.headers.get('retry-after')).toBeTruthy();
    const sent = await admin().db.collection('smsMessages').where('to', '==', phone).where('kind', '==', 'pin').count().get();
    expect(sent.data().count).toBe(10);
  });
});

describe('direct transactions', () => {
  it('starts a card payment for an existing invoice and answers a redirect', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const txn = await api('POST', '/transactions', { key: merchant.apiKey, body: { invoiceId: created.body.id, method: 'card' } });
    expect(txn.status).toBe(201);
    expect(txn.body).toMatchObject({ method: 'card', status: 'processing', next: { type: 'redirect', url: expect.stringContaining('/sandbox/checkout/cs_') } });
    const read = await api('GET', `/transactions/${txn.body.id}`, { key: merchant.apiKey });
    expect(read.body.id).toBe(txn.body.id);
    const other = await createMerchant();
    expect((await api('GET', `/transactions/${txn.body.id}`, { key: other.apiKey })).status).toBe(404);
  });

  it('creates the invoice and a phone payment in one call, verified with the merchant key', async () => {
    const txn = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice({ amount: 2500, payer: { phone: freshPhone() } }), method: 'phone' } });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    expect(txn.body.next).toMatchObject({ type: 'pin', attemptsLeft: 3 });
    const pin = pinFrom((await waitForSms(merchant.apiKey, txn.body.invoiceId, 'pin')).body);
    const verified = await api('POST', `/transactions/${txn.body.id}/verify`, { key: merchant.apiKey, body: { pin } });
    expect(verified.body.status).toBe('succeeded');
    const invoice = await api('GET', `/invoices/${txn.body.invoiceId}`, { key: merchant.apiKey });
    expect(invoice.body).toMatchObject({ status: 'paid', paymentMethods: ['phone'], transaction: { status: 'succeeded' } });
  });

  it('validates the method and refuses a method the invoice does not offer', async () => {
    const bad = await api('POST', '/transactions', { key: merchant.apiKey, body: { ...validInvoice(), method: 'cash' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('method');
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ paymentMethods: ['card'] }) });
    const refused = await api('POST', '/transactions', { key: merchant.apiKey, body: { invoiceId: created.body.id, method: 'phone' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('method');
  });
});

describe('refunds', () => {
  it('refunds a card payment partially then fully, never more than was paid', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 10000 }) });
    const token = tokenOf(created.body.payUrl);
    const txn = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    await api('POST', `/sandbox/checkout/${txn.body.next.url.split('/').pop()}/pay`, { body: { cardNumber: '4242424242424242' } });
    const tooMuch = await api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 10001 } });
    expect(tooMuch.status).toBe(400);
    const partial = await api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 3000 }, headers: { 'Idempotency-Key': 'r1' } });
    expect(partial.status, JSON.stringify(partial.body)).toBe(200);
    expect(partial.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 3000, refund: { amount: 3000, status: 'succeeded' } });
    const replay = await api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 3000 }, headers: { 'Idempotency-Key': 'r1' } });
    expect(replay.body.amountRefunded).toBe(3000);
    const concurrent = await Promise.all([
      api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 7000 } }),
      api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 7000 } }),
    ]);
    // One wins; the other finds nothing left to refund (400) or the invoice already refunded (409).
    expect(concurrent.filter((c) => c.status === 200)).toHaveLength(1);
    expect(concurrent.find((c) => c.status !== 200)!.status).toBeOneOf([400, 409]);
    const after = await api('GET', `/invoices/${created.body.id}`, { key: merchant.apiKey });
    expect(after.body).toMatchObject({ status: 'refunded', amountRefunded: 10000, transaction: { status: 'refunded', amountRefunded: 10000 } });
    const events = await api('GET', `/invoices/${created.body.id}/events`, { key: merchant.apiKey });
    expect(events.body.data.filter((e: { type: string }) => e.type === 'invoice.refunded')).toHaveLength(2);
  });

  it('refunds a phone payment only in full', async () => {
    const { id, token, txn } = await phoneTransaction();
    const pin = pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body);
    await api('POST', `/pay/${token}/transactions/${txn.id}/verify`, { body: { pin } });
    const partial = await api('POST', `/invoices/${id}/refund`, { key: merchant.apiKey, body: { amount: 100 } });
    expect(partial.status).toBe(400);
    const full = await api('POST', `/invoices/${id}/refund`, { key: merchant.apiKey });
    expect(full.body.status).toBe('refunded');
  });
});

describe('resend', () => {
  it('sends the SMS again, at most 3 times and not twice within a minute', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    await waitForSnapshot(admin().db.collection('invoices').doc(created.body.id), (s) => s.get('sms.status') === 'delivered');
    const tooSoon = await api('POST', `/invoices/${created.body.id}/resend`, { key: merchant.apiKey });
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    const { Timestamp } = await import('firebase-admin/firestore');
    await admin()
      .db.collection('invoices')
      .doc(created.body.id)
      .update({ 'sms.queuedAt': Timestamp.fromMillis(Date.now() - 120_000) });
    const resent = await api('POST', `/invoices/${created.body.id}/resend`, { key: merchant.apiKey });
    expect(resent.status).toBe(200);
    expect(resent.body.sms.status).toBe('queued');
    await waitForSnapshot(admin().db.collection('invoices').doc(created.body.id), (s) => s.get('sms.status') === 'delivered');
    const messages = await admin().db.collection('smsMessages').where('invoiceId', '==', created.body.id).where('kind', '==', 'invoice').get();
    expect(messages.size).toBe(2);
    await admin()
      .db.collection('invoices')
      .doc(created.body.id)
      .update({ 'sms.resends': 3, 'sms.queuedAt': Timestamp.fromMillis(0) });
    expect((await api('POST', `/invoices/${created.body.id}/resend`, { key: merchant.apiKey })).status).toBe(429);
  });
});
