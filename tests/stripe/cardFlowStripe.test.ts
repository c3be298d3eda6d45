import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { Browser } from 'playwright-core';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';
import { localSecret } from '../support/secrets';
import { startFakeStripe } from '../support/fakeStripe';

// This suite runs with CARD_PROVIDER=stripe (functions/.env.demo-smspay-stripe), the Stripe SDK
// pointed at a fake Stripe on 127.0.0.1. The test plays Stripe's part: it sends the signed webhook.
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let browser: Browser;
let merchant: TestMerchant;

beforeAll(async () => {
  stripe = await startFakeStripe();
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Fjellbutikken' });
});
afterAll(async () => {
  await browser?.close();
  await stripe?.close();
});

async function sendWebhook(event: object) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: localSecret('STRIPE_WEBHOOK_SECRET') });
  const response = await fetch(`${BASE_URL}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return response.status;
}

describe('card payment with CARD_PROVIDER=stripe', () => {
  it('redirects to Stripe Checkout, is paid by the signed webhook, shows Paid, and refunds through Stripe', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 34900, description: 'Ski wax', payer: { phone: '+4791112233', locale: 'nb' } }) });
    const token = tokenOf(created.body.payUrl);
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(created.body.payUrl);
    await page.getByRole('button', { name: /Card|kort/ }).click();
    await page.waitForURL(/127\.0\.0\.1:12111\/checkout\/cs_test_/);
    const sessionId = page.url().split('/').pop()!;

    const request = stripe.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(request.form).toMatchObject({
      mode: 'payment',
      client_reference_id: expect.stringMatching(/^txn_/),
      locale: 'nb',
      success_url: `${BASE_URL}/pay/${token}/receipt`,
      // Cancelling goes through our API, which sends the payer on to the invoice's cancelUrl or back to /pay/{token}.
      cancel_url: `${BASE_URL}/api/v1/pay/${token}/checkout-cancelled`,
      line_items: { '0': { quantity: '1', price_data: { currency: 'nok', unit_amount: '34900', product_data: { name: 'Ski wax' } } } },
      metadata: { invoiceId: created.body.id },
    });
    expect(request.idempotencyKey).toBe(`checkout-${request.form.client_reference_id}`);

    const session = stripe.complete(sessionId, { brand: 'visa', last4: '4242', country: 'NO', wallet: 'apple_pay' });
    // As Stripe sends it: every event says which mode it belongs to.
    const event = { id: `evt_${sessionId}`, object: 'event', livemode: false, type: 'checkout.session.completed', data: { object: session } };
    expect(await sendWebhook(event)).toBe(200);
    expect(await sendWebhook(event)).toBe(200);
    await page.goto(session.success_url);
    await page
      .getByText(/^(Paid|Betalt)$/)
      .first()
      .waitFor({ timeout: 15_000 });
    // What was charged, from the PaymentIntent's latest charge (payment_method_details.card and the balance transaction's fee).
    const paid = await api('GET', `/transactions/${String(request.form.client_reference_id)}`, { key: merchant.apiKey });
    expect(paid.body).toMatchObject({ status: 'succeeded', card: { brand: 'visa', last4: '4242', country: 'NO', wallet: 'apple_pay' }, fee: { amount: 704, currency: 'NOK' } });
    expect(stripe.requests.some((r) => r.method === 'GET' && r.path === `/v1/payment_intents/${session.payment_intent}`)).toBe(true);

    const refund = await api('POST', `/invoices/${created.body.id}/refund`, { key: merchant.apiKey, body: { amount: 4900 } });
    expect(refund.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 4900 });
    expect(stripe.refunds).toEqual([{ payment_intent: session.payment_intent, amount: 4900, key: expect.stringMatching(/^refund-re_/) }]);
    // Stripe's own charge.refunded echo of our refund changes nothing more.
    const echo = {
      id: `evt_ch_${sessionId}`,
      object: 'event',
      livemode: false,
      type: 'charge.refunded',
      data: { object: { id: 'ch_1', object: 'charge', payment_intent: session.payment_intent, amount: 34900, amount_refunded: 4900, currency: 'nok' } },
    };
    expect(await sendWebhook(echo)).toBe(200);
    const after = await api('GET', `/invoices/${created.body.id}`, { key: merchant.apiKey });
    expect(after.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 4900 });
  });

  it('opens Stripe Checkout in the language the payer chose on the pay page, not only the invoice’s', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791112234', locale: 'nb' } }) });
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(created.body.payUrl);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('button', { name: /Pay with Card/ }).click();
    await page.waitForURL(/127\.0\.0\.1:12111\/checkout\/cs_test_/);
    const request = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions').find((r) => (r.form.metadata as { invoiceId?: string }).invoiceId === created.body.id)!;
    expect(request.form.locale).toBe('en');
  });

  it('closes the Stripe session when the invoice is cancelled, and settles a lost webhook by reconciliation', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
    const sessionId = txn.body.next.url.split('/').pop();
    await api('POST', `/invoices/${created.body.id}/cancel`, { key: merchant.apiKey });
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect(stripe.requests.some((r) => r.path === `/v1/checkout/sessions/${sessionId}/expire`)).toBe(true);

    const lost = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const lostTxn = await api('POST', `/pay/${tokenOf(lost.body.payUrl)}/transactions`, { body: { method: 'card' } });
    stripe.complete(lostTxn.body.next.url.split('/').pop());
    const { Timestamp } = await import('firebase-admin/firestore');
    await admin()
      .db.collection('transactions')
      .doc(lostTxn.body.id)
      .update({ updatedAt: Timestamp.fromMillis(Date.now() - 16 * 60_000) });
    const { reconcileStale } = await import('../../functions/src/domain/reconcile');
    const { stripeCardProvider } = await import('../../functions/src/adapters/stripeCard');
    const { sandboxPhoneBilling } = await import('../../functions/src/adapters/sandboxPhoneBilling');
    const card = stripeCardProvider({
      secretKey: localSecret('STRIPE_SECRET_KEY'),
      webhookSecret: localSecret('STRIPE_WEBHOOK_SECRET'),
      stripeOptions: { host: '127.0.0.1', port: 12111, protocol: 'http' },
    });
    // A Stripe test key serves test mode; the test merchant's transactions are test-mode ones.
    const db = admin().db;
    const outcomes = await reconcileStale({ db, providers: () => ({ db, card, phone: sandboxPhoneBilling() }) });
    expect(outcomes[lostTxn.body.id]).toBe('applied');
    await waitForSnapshot(admin().db.collection('invoices').doc(lost.body.id), (s) => s.get('status') === 'paid');
  });
});
