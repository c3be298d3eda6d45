import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { BASE_URL } from '../support/env';
import { pinFrom, waitForSms } from '../support/outbox';
import { postSandboxEvent, sandboxSessionObject, stripeEvent } from '../support/sandboxWebhook';

let merchant: TestMerchant;
let other: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant({ callbackUrl: 'http://127.0.0.1:9/callbacks' });
  other = await createMerchant();
  // The sandbox makes its signing secret on first use: an unsigned post is refused, but makes it.
  expect((await fetch(`${BASE_URL}/webhooks/stripe`, { method: 'POST', body: '{}' })).status).toBe(400);
});

const evtId = () => `evt_${randomBytes(8).toString('hex')}`;
const invoiceDoc = (id: string) => admin().db.collection('invoices').doc(id);
const sessionOf = (txn: { next: { url: string } }) => txn.next.url.split('/').pop()!;

async function openCard(owner: TestMerchant, body: Record<string, unknown> = {}) {
  const created = await api('POST', '/invoices', { key: owner.apiKey, body: validInvoice(body) });
  expect(created.status).toBe(201);
  const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
  expect(txn.status).toBe(201);
  return { invoiceId: created.body.id as string, token: tokenOf(created.body.payUrl), txnId: txn.body.id as string, sessionId: sessionOf(txn.body) };
}

/** Read from Firestore: the invoices these tests turn live are invisible to the test key (modes never mix). */
async function timeline(invoiceId: string) {
  const snap = await invoiceDoc(invoiceId).collection('events').orderBy('createdAt', 'asc').get();
  return snap.docs.map((d) => ({ type: d.get('type') as string, data: d.get('data') as Record<string, unknown> }));
}

async function expectUnmoved(invoiceId: string, txnId: string) {
  expect((await invoiceDoc(invoiceId).get()).get('status')).toBe('processing');
  expect((await admin().db.collection('transactions').doc(txnId).get()).get('status')).toBe('processing');
}

describe('a card event moves money only when its evidence matches the transaction', () => {
  it('refuses another, smaller session pointed at a large invoice, and records what differed', async () => {
    const victim = await openCard(merchant, { amount: 9_999_900, currency: 'NOK' });
    const small = await openCard(merchant, { amount: 100, currency: 'EUR', paymentMethods: ['card'] });
    // A validly signed event for the 1.00 EUR session whose metadata names the 99,999 NOK transaction.
    const forged = await sandboxSessionObject(small.sessionId, { client_reference_id: victim.txnId, metadata: { transactionId: victim.txnId, merchantId: merchant.merchantId } });
    const result = await postSandboxEvent(stripeEvent(evtId(), 'checkout.session.completed', forged));
    expect(result.status).toBe(200);
    expect(result.body.outcome).toBe('mismatch');
    await expectUnmoved(victim.invoiceId, victim.txnId);
    const mismatch = (await timeline(victim.invoiceId)).find((e) => e.type === 'payment.mismatch')!;
    expect(mismatch.data).toMatchObject({ transactionId: victim.txnId, event: 'payment_succeeded' });
    const fields = (mismatch.data.differences as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['amount', 'currency', 'sessionId']);
    expect(mismatch.data.differences).toContainEqual({ field: 'amount', expected: 9_999_900, received: 100 });
    expect((await timeline(victim.invoiceId)).map((e) => e.type)).not.toContain('invoice.paid');
  });

  it('refuses the right session with a wrong amount, currency, merchant or mode, each on its own', async () => {
    const target = await openCard(merchant, { amount: 25_000 });
    const cases: [string, Record<string, unknown>, boolean][] = [
      ['amount', { amount_total: 2_500 }, false],
      ['currency', { currency: 'sek' }, false],
      ['merchantId', { metadata: { transactionId: target.txnId, merchantId: other.merchantId } }, false],
      ['merchantId', { metadata: { transactionId: target.txnId } }, false],
      ['amount', { amount_total: '25000' }, false],
      ['livemode', {}, true],
    ];
    for (const [field, overrides, livemode] of cases) {
      const event = { ...stripeEvent(evtId(), 'checkout.session.completed', await sandboxSessionObject(target.sessionId, overrides)), ...(livemode ? { livemode: true } : {}) };
      const result = await postSandboxEvent(event);
      expect(result, field).toMatchObject({ status: 200, body: { outcome: 'mismatch' } });
      await expectUnmoved(target.invoiceId, target.txnId);
    }
    const recorded = (await timeline(target.invoiceId)).filter((e) => e.type === 'payment.mismatch');
    expect(recorded.map((e) => (e.data.differences as { field: string }[]).map((d) => d.field))).toEqual(cases.map(([field]) => [field]));
    // The real event, unchanged, still settles it.
    const genuine = await postSandboxEvent(stripeEvent(evtId(), 'checkout.session.completed', await sandboxSessionObject(target.sessionId)));
    expect(genuine.body.outcome).toBe('applied');
    expect((await invoiceDoc(target.invoiceId).get()).get('status')).toBe('paid');
  });

  it('does not fail or expire a transaction on the evidence of another session or payment', async () => {
    const target = await openCard(merchant, { amount: 4_000 });
    const elsewhere = await openCard(merchant, { amount: 4_000 });
    const expired = await sandboxSessionObject(elsewhere.sessionId, {
      status: 'expired',
      payment_status: 'unpaid',
      client_reference_id: target.txnId,
      metadata: { transactionId: target.txnId, merchantId: merchant.merchantId },
    });
    expect((await postSandboxEvent(stripeEvent(evtId(), 'checkout.session.expired', expired))).body.outcome).toBe('mismatch');
    const failed = {
      id: 'pi_someone_else',
      object: 'payment_intent',
      amount: 1,
      currency: 'nok',
      metadata: { transactionId: target.txnId, merchantId: merchant.merchantId },
      last_payment_error: { code: 'card_declined' },
    };
    expect((await postSandboxEvent(stripeEvent(evtId(), 'payment_intent.payment_failed', failed))).body.outcome).toBe('mismatch');
    await expectUnmoved(target.invoiceId, target.txnId);
    expect((await timeline(target.invoiceId)).map((e) => e.type)).not.toContain('invoice.payment_failed');
  });

  it('records a redelivered mismatching event once', async () => {
    const target = await openCard(merchant);
    const event = stripeEvent(evtId(), 'checkout.session.completed', await sandboxSessionObject(target.sessionId, { amount_total: 1 }));
    expect((await postSandboxEvent(event)).body.outcome).toBe('mismatch');
    expect((await postSandboxEvent(event)).body.outcome).toBe('duplicate');
    expect((await timeline(target.invoiceId)).filter((e) => e.type === 'payment.mismatch')).toHaveLength(1);
  });
});

describe('a validly signed event of an odd shape', () => {
  it('gets a 2xx and changes nothing', async () => {
    const target = await openCard(merchant);
    const session = await sandboxSessionObject(target.sessionId);
    const odd: unknown[] = [
      { id: evtId(), type: 'checkout.session.completed' },
      { id: evtId(), type: 'checkout.session.completed', data: null },
      { id: evtId(), type: 'checkout.session.completed', data: { object: null } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: [session] } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: 'cs_1' } },
      { id: evtId(), type: 'charge.refunded', data: {} },
      { id: evtId(), type: 'charge.refunded', data: { object: { payment_intent: { nested: true }, amount_refunded: 'all' } } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: { ...session, metadata: 'txn', client_reference_id: 42 } } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: { ...session, metadata: { transactionId: 'txn_a/b' } } } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: { ...session, metadata: { transactionId: '__x__' }, client_reference_id: null } } },
      { id: 'evt/../x', type: 'checkout.session.completed', data: { object: session } },
      { id: 12, type: 'checkout.session.completed', data: { object: session } },
      { id: evtId(), type: ['checkout.session.completed'], data: { object: session } },
      { id: evtId(), type: 'payment_intent.payment_failed', data: { object: { id: 7, metadata: { transactionId: target.txnId }, last_payment_error: 'no' } } },
      { id: evtId(), type: 'checkout.session.completed', data: { object: { ...session, payment_intent: { id: 'pi_expanded' }, unknown_field: { deep: [1, 2] } } }, surprise: true },
      [],
    ];
    for (const event of odd) {
      const result = await postSandboxEvent(event as object);
      expect(result.status, JSON.stringify(event)).toBeGreaterThanOrEqual(200);
      expect(result.status, JSON.stringify(event)).toBeLessThan(300);
    }
    await expectUnmoved(target.invoiceId, target.txnId);
  });
});

describe('live mode is never settled by a sandbox', () => {
  it('refuses to create anything with a live key while the providers are sandboxes', async () => {
    const liveKey = `sk_live_${randomBytes(16).toString('hex')}`;
    await admin()
      .db.collection('apiKeys')
      .doc((await import('node:crypto')).createHash('sha256').update(liveKey).digest('hex'))
      .set({
        merchantId: merchant.merchantId,
        mode: 'live',
        prefix: liveKey.slice(0, 12),
        name: 'live',
        createdAt: Timestamp.now(),
        revokedAt: null,
        lastUsedAt: null,
      });
    const before = (await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).get()).size;
    const invoice = await api('POST', '/invoices', { key: liveKey, body: validInvoice() });
    const direct = await api('POST', '/transactions', { key: liveKey, body: { ...validInvoice(), method: 'card' } });
    const imported = await api('POST', '/invoices/import', { key: liveKey, body: { invoices: [validInvoice()] } });
    for (const refused of [invoice, direct, imported]) {
      expect(refused.status).toBe(403);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.code).toBe('live_mode_unavailable');
    }
    expect((await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).get()).size).toBe(before);
    // Reading stays possible.
    expect((await api('GET', '/invoices', { key: liveKey })).status).toBe(200);
  });

  it('never settles a live transaction through the sandbox checkout with a test card, and records why', async () => {
    const target = await openCard(merchant);
    // As if it had been created in live mode (before the configuration became a sandbox).
    await invoiceDoc(target.invoiceId).update({ mode: 'live' });
    await admin().db.collection('transactions').doc(target.txnId).update({ mode: 'live' });
    const paid = await api('POST', `/sandbox/checkout/${target.sessionId}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(paid.status).toBeLessThan(500);
    await expectUnmoved(target.invoiceId, target.txnId);
    const mismatch = (await timeline(target.invoiceId)).find((e) => e.type === 'payment.mismatch')!;
    expect(mismatch.data.differences).toContainEqual({ field: 'mode', expected: 'live', received: 'sandbox' });
    // And a live-looking event from the sandbox does not do it either.
    const live = { ...stripeEvent(evtId(), 'checkout.session.completed', await sandboxSessionObject(target.sessionId, { livemode: true })), livemode: true };
    expect((await postSandboxEvent(live)).body.outcome).toBe('mismatch');
    await expectUnmoved(target.invoiceId, target.txnId);
  });
});

describe('live mode is never settled by the phone sandbox', () => {
  it('keeps a live phone transaction unpaid when the sandbox confirms its PIN, and records why', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791118005' } }) });
    const token = tokenOf(created.body.payUrl);
    const phone = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    const pin = pinFrom((await waitForSms(merchant.apiKey, created.body.id, 'pin')).body);
    await invoiceDoc(created.body.id).update({ mode: 'live' });
    await admin().db.collection('transactions').doc(phone.body.id).update({ mode: 'live' });
    const verify = await api('POST', `/pay/${token}/transactions/${phone.body.id}/verify`, { body: { pin } });
    // Live mode has no phone provider here, so the sandbox is never even asked (domain/modes.ts).
    expect(verify.status).toBe(409);
    expect((await invoiceDoc(created.body.id).get()).get('status')).toBe('processing');
    expect((await admin().db.collection('transactions').doc(phone.body.id).get()).get('status')).not.toBe('succeeded');
  });
});

describe('a provider-side refund of a duplicate payment', () => {
  it('refunds only that duplicate, never the kept payment or the invoice', async () => {
    const first = await openCard(merchant, { amount: 7_000, payer: { phone: '+4791118004' } });
    // The payer opens a second checkout later (the first one looks abandoned) and both get paid.
    await admin()
      .db.collection('transactions')
      .doc(first.txnId)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 120_000) });
    const phone = await api('POST', `/pay/${first.token}/transactions`, { body: { method: 'phone' } });
    await admin().db.collection('transactions').doc(phone.body.id).update({ status: 'cancelled' });
    const second = await api('POST', `/pay/${first.token}/transactions`, { body: { method: 'card' } });
    const kept = await sandboxSessionObject(sessionOf(second.body));
    const duplicate = await sandboxSessionObject(first.sessionId);
    expect((await postSandboxEvent(stripeEvent(evtId(), 'checkout.session.completed', kept))).body.outcome).toBe('applied');
    expect((await postSandboxEvent(stripeEvent(evtId(), 'checkout.session.completed', duplicate))).body.outcome).toBe('applied');
    expect((await timeline(first.invoiceId)).map((e) => e.type)).toContain('invoice.payment_duplicate');

    const refund = { id: 'ch_duplicate', object: 'charge', payment_intent: duplicate.payment_intent, amount: 7_000, amount_refunded: 7_000, currency: 'nok', refunded: true };
    expect((await postSandboxEvent(stripeEvent(evtId(), 'charge.refunded', refund))).body.outcome).toBe('applied');
    const invoice = (await invoiceDoc(first.invoiceId).get()).data()!;
    expect(invoice).toMatchObject({ status: 'paid', amountRefunded: 0, transaction: { id: second.body.id, status: 'succeeded' } });
    expect((await admin().db.collection('transactions').doc(second.body.id).get()).data()).toMatchObject({ status: 'succeeded', amountRefunded: 0 });
    expect((await admin().db.collection('transactions').doc(first.txnId).get()).data()).toMatchObject({ status: 'refunded', amountRefunded: 7_000 });
    const types = (await timeline(first.invoiceId)).map((e) => e.type);
    expect(types).toContain('invoice.payment_duplicate_refunded');
    expect(types).not.toContain('invoice.refunded');
    const refundedCallbacks = await admin().db.collection('callbackEvents').where('invoiceId', '==', first.invoiceId).where('type', '==', 'invoice.refunded').get();
    expect(refundedCallbacks.size).toBe(0);

    // The kept payment's own refund still refunds the invoice.
    const keptRefund = { ...refund, id: 'ch_kept', payment_intent: kept.payment_intent };
    expect((await postSandboxEvent(stripeEvent(evtId(), 'charge.refunded', keptRefund))).body.outcome).toBe('applied');
    expect((await invoiceDoc(first.invoiceId).get()).get('status')).toBe('refunded');
  });
});
