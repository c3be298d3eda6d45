import { beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { pinFrom, waitForSms } from '../support/outbox';
import { postSandboxEvent, sandboxSessionObject, stripeEvent } from '../support/sandboxWebhook';

let merchant: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant({ callbackUrl: 'http://127.0.0.1:9/callbacks' });
  await api('GET', '/sandbox/checkout/cs_0000000000000000000000');
});

const sessionOf = (txn: { next: { url: string } }) => txn.next.url.split('/').pop()!;

async function completed(txnId: string, sessionId: string) {
  const event = stripeEvent(`evt_done_${txnId}`, 'checkout.session.completed', await sandboxSessionObject(sessionId));
  expect((await postSandboxEvent(event)).body.outcome).toBe('applied');
}

describe('never two charges for one invoice', () => {
  it('closes a declined card’s checkout when the payer switches to Phone', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791118001' } }) });
    const token = tokenOf(created.body.payUrl);
    const card = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    const declined = await api('POST', `/sandbox/checkout/${sessionOf(card.body)}/pay`, { body: { cardNumber: '4000000000000002' } });
    expect(declined.status).toBe(402);
    const phone = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    expect(phone.status).toBe(201);
    const lateCard = await api('POST', `/sandbox/checkout/${sessionOf(card.body)}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(lateCard.status).toBe(409);
    expect((await admin().db.collection('invoices').doc(created.body.id).get()).get('status')).toBe('processing');
  });

  it('refuses a PIN once the invoice expired, and charges nothing', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791118002' } }) });
    const token = tokenOf(created.body.payUrl);
    const phone = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    const pin = pinFrom((await waitForSms(merchant.apiKey, created.body.id, 'pin')).body);
    await admin()
      .db.collection('invoices')
      .doc(created.body.id)
      .update({ expiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    const verify = await api('POST', `/pay/${token}/transactions/${phone.body.id}/verify`, { body: { pin } });
    expect(verify.status).toBe(409);
    expect(verify.body.transaction.status).toBe('cancelled');
    const txn = await admin().db.collection('transactions').doc(phone.body.id).get();
    expect(txn.get('status')).toBe('cancelled');
  });

  it('records a second paid attempt as a duplicate to refund, not a second “paid”', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791118003' } }) });
    const token = tokenOf(created.body.payUrl);
    const first = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    await admin()
      .db.collection('transactions')
      .doc(first.body.id)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 120_000) });
    const second = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    await admin().db.collection('transactions').doc(second.body.id).update({ status: 'cancelled' });
    const third = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    await completed(third.body.id, sessionOf(third.body));
    await completed(first.body.id, sessionOf(first.body));
    const invoice = await api('GET', `/invoices/${created.body.id}`, { key: merchant.apiKey });
    expect(invoice.body).toMatchObject({ status: 'paid', transaction: { id: third.body.id } });
    const types = (await api('GET', `/invoices/${created.body.id}/events`, { key: merchant.apiKey })).body.data.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'invoice.paid')).toHaveLength(1);
    expect(types).toContain('invoice.payment_duplicate');
    const paidCallbacks = await admin().db.collection('callbackEvents').where('invoiceId', '==', created.body.id).where('type', '==', 'invoice.paid').get();
    expect(paidCallbacks.size).toBe(1);
    expect((await admin().db.collection('transactions').doc(first.body.id).get()).get('status')).toBe('succeeded');
  });
});
