import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { startReceiver } from '../support/receiver';
import { BASE_URL } from '../support/env';
import { sandboxSecret, sandboxSessionObject, stripeEvent } from '../support/sandboxWebhook';

let merchant: TestMerchant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  merchant = await createMerchant({ callbackUrl: receiver.url });
});
afterAll(() => receiver.close());

const invoiceDoc = (id: string) => admin().db.collection('invoices').doc(id);

async function createAndDeliver() {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ returnUrl: 'https://shop.example/thanks' }) });
  expect(created.status).toBe(201);
  await waitForSnapshot(invoiceDoc(created.body.id), (s) => s.get('sms.status') === 'delivered');
  return { id: created.body.id as string, token: tokenOf(created.body.payUrl) };
}

async function sandboxSignature(payload: string) {
  const secret = await sandboxSecret();
  return { secret, header: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

describe('card payment through the sandbox checkout', () => {
  it('goes sent → delivered → opened → processing → paid, declined card first', async () => {
    const { id, token } = await createAndDeliver();
    const outbox = await api('GET', '/dev/outbox', { key: merchant.apiKey });
    expect(outbox.body.data[0]).toMatchObject({ to: '+4791234567', status: 'delivered' });
    expect(outbox.body.data[0].body).toContain(`${BASE_URL}/pay/${token}`);

    const view = await api('GET', `/pay/${token}`);
    expect(view.body).toMatchObject({
      invoice: { status: 'opened', amount: 12900, currency: 'NOK', phoneMasked: '+47 ••• •• 567', paymentMethods: ['card', 'phone'] },
      merchant: { name: expect.any(String) },
      sandbox: { card: true },
    });
    expect(JSON.stringify(view.body)).not.toContain('91234567');

    const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ method: 'card', provider: 'sandbox', status: 'processing', next: { type: 'redirect' } });
    const again = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    expect(again.body.id).toBe(started.body.id);
    const sessionId = started.body.next.url.split('/').pop();

    const declined = await api('POST', `/sandbox/checkout/${sessionId}/pay`, { body: { cardNumber: '4000 0000 0000 0002' } });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ code: 'card_declined', detail: 'Your card was declined.' });
    const afterDecline = await api('GET', `/pay/${token}`);
    expect(afterDecline.body.invoice.status).toBe('opened');
    expect(afterDecline.body.transaction).toMatchObject({ status: 'failed', failureCode: 'card_declined' });

    const retry = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    expect(retry.body.id).not.toBe(started.body.id);
    const paid = await api('POST', `/sandbox/checkout/${retry.body.next.url.split('/').pop()}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(paid.status).toBe(200);
    expect(paid.body.redirectUrl).toBe(`${BASE_URL}/pay/${token}/receipt`);

    const receipt = await api('GET', `/pay/${token}`);
    expect(receipt.body.invoice.status).toBe('paid');
    expect(receipt.body.returnUrl).toBe(`https://shop.example/thanks?invoice=${id}&status=paid`);
    const invoice = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(invoice.body).toMatchObject({ status: 'paid', paidAt: expect.any(String), transaction: { id: retry.body.id, status: 'succeeded' } });

    const events = await api('GET', `/invoices/${id}/events`, { key: merchant.apiKey });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      'invoice.created',
      'invoice.sms.sent',
      'invoice.sms.delivered',
      'invoice.opened',
      'invoice.payment_started',
      'invoice.payment_failed',
      'invoice.payment_started',
      'invoice.paid',
    ]);
    const cancel = await api('POST', `/invoices/${id}/cancel`, { key: merchant.apiKey });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('invalid_state');
  });

  it('signs every callback per Standard Webhooks, with a sequence per invoice', async () => {
    const { id, token } = await createAndDeliver();
    await api('GET', `/pay/${token}`);
    const isFor = (r: { body: string }) => JSON.parse(r.body).data.invoice.id === id;
    const deadline = Date.now() + 20_000;
    while (receiver.received.filter(isFor).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const mine = receiver.received.filter(isFor);
    const verifier = new Webhook(merchant.webhookSecret);
    const payloads = mine.map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; sequence: number; id: string });
    expect(payloads.map((p) => p.type).sort()).toEqual(['invoice.created', 'invoice.opened', 'invoice.sms.delivered', 'invoice.sms.sent']);
    expect(payloads.map((p) => p.sequence).sort()).toEqual([1, 2, 3, 4]);
    for (const [i, p] of payloads.entries()) expect(mine[i]!.headers['webhook-id']).toBe(p.id);
    expect(() => new Webhook(`whsec_${Buffer.from('wrong').toString('base64')}`).verify(mine[0]!.body, mine[0]!.headers as Record<string, string>)).toThrow();
  });
});

describe('POST /webhooks/stripe', () => {
  async function post(body: string, signature?: string) {
    const response = await fetch(`${BASE_URL}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function openCardTransaction() {
    const { id, token } = await createAndDeliver();
    const txn = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    return { id, token, txnId: txn.body.id as string, sessionId: txn.body.next.url.split('/').pop() as string };
  }

  const completed = async (sessionId: string, eventId = `evt_${Math.random().toString(36).slice(2)}`) =>
    JSON.stringify(stripeEvent(eventId, 'checkout.session.completed', await sandboxSessionObject(sessionId)));

  it('refuses a tampered body, a wrong secret, a missing header and a stale timestamp, writing nothing', async () => {
    const { id, txnId, sessionId } = await openCardTransaction();
    const body = await completed(sessionId);
    const { secret, header } = await sandboxSignature(body);
    const tampered = body.replace('"paid"', '"paid" ');
    const stale = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(Date.now() / 1000) - 301 });
    const wrong = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong' });
    for (const [payload, signature] of [
      [tampered, header],
      [body, wrong],
      [body, undefined],
      [body, stale],
    ] as const) {
      const result = await post(payload, signature);
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('invalid_request');
    }
    expect((await invoiceDoc(id).get()).get('status')).toBe('processing');
    expect((await admin().db.collection('providerEvents').where('transactionId', '==', txnId).get()).size).toBe(0);
  });

  it('applies a completed event delivered 3 times at once, plus a late expiry, exactly once', async () => {
    const { id, txnId, sessionId } = await openCardTransaction();
    const body = await completed(sessionId, `evt_dup_${txnId}`);
    const { secret, header } = await sandboxSignature(body);
    const results = await Promise.all([post(body, header), post(body, header), post(body, header)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    const expired = JSON.stringify(stripeEvent(`evt_exp_${txnId}`, 'checkout.session.expired', await sandboxSessionObject(sessionId, { status: 'expired', payment_status: 'unpaid' })));
    expect((await post(expired, Stripe.webhooks.generateTestHeaderString({ payload: expired, secret }))).status).toBe(200);
    const unknown = JSON.stringify({ id: 'evt_unknown', type: 'customer.created', data: { object: { id: 'cus_1' } } });
    expect((await post(unknown, Stripe.webhooks.generateTestHeaderString({ payload: unknown, secret }))).body.outcome).toBe('ignored');

    const events = (await api('GET', `/invoices/${id}/events`, { key: merchant.apiKey })).body.data.map((e: { type: string }) => e.type);
    expect(events.filter((t: string) => t === 'invoice.paid')).toHaveLength(1);
    expect(events).not.toContain('invoice.payment_failed');
    expect((await invoiceDoc(id).get()).get('status')).toBe('paid');
    const txn = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(txn.body.transaction.status).toBe('succeeded');
    const callbacks = await admin().db.collection('callbackEvents').where('invoiceId', '==', id).where('type', '==', 'invoice.paid').get();
    expect(callbacks.size).toBe(1);
  });
});
