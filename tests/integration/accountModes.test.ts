import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { idTokenFor } from '../support/idToken';
import { postSandboxEvent } from '../support/sandboxWebhook';
import { BASE_URL } from '../support/env';

let merchant: TestMerchant;
let liveKey: string;
let ownerToken: string;

async function addLiveKey(merchantId: string): Promise<string> {
  const key = `sk_live_${randomBytes(16).toString('hex')}`;
  await admin()
    .db.collection('apiKeys')
    .doc(createHash('sha256').update(key).digest('hex'))
    .set({ merchantId, mode: 'live', prefix: key.slice(0, 12), name: 'live', createdAt: Timestamp.now(), revokedAt: null, lastUsedAt: null });
  return key;
}

/** A test invoice turned into a live one in Firestore: this deployment has no live provider to make one. */
async function liveInvoice(): Promise<{ id: string; txnId: string; sessionId: string }> {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reference: `live-${randomBytes(4).toString('hex')}` }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
  expect(txn.status, JSON.stringify(txn.body)).toBe(201);
  const { db } = admin();
  await db.collection('invoices').doc(created.body.id).update({ mode: 'live' });
  await db.collection('transactions').doc(txn.body.id).update({ mode: 'live' });
  return { id: created.body.id, txnId: txn.body.id, sessionId: txn.body.next.url.split('/').pop() };
}

beforeAll(async () => {
  merchant = await createMerchant();
  liveKey = await addLiveKey(merchant.merchantId);
  ownerToken = await idTokenFor(merchant.email, merchant.password);
});

describe('test and live mode', () => {
  it('refuses a live invoice when live mode has no provider, with 403 live_mode_unavailable pointing at GET /account, which names what is missing', async () => {
    await admin().db.collection('merchants').doc(merchant.merchantId).update({ liveActivatedAt: Timestamp.now() });
    const invoicesBefore = (await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).get()).size;
    // A mode that can offer no method at all creates nothing (OpenAPI: LIVE_NOTE); the 400 on
    // `paymentMethods` is for a mode that can offer some methods but not the ones asked for.
    const defaults = await api('POST', '/invoices', { key: liveKey, body: validInvoice() });
    const card = await api('POST', '/invoices', { key: liveKey, body: validInvoice({ paymentMethods: ['card'] }) });
    const direct = await api('POST', '/transactions', { key: liveKey, body: { ...validInvoice(), method: 'card' } });
    for (const refused of [defaults, card, direct]) {
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('live_mode_unavailable');
      expect(refused.body.detail).toContain('GET /account');
    }
    expect((await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).get()).size).toBe(invoicesBefore);
    const account = await api('GET', '/account', { key: liveKey });
    expect(account.body).toMatchObject({ livemode: true, liveActivated: true, paymentMethods: [] });
    expect(account.body.methods.find((m: { method: string }) => m.method === 'card')).toMatchObject({ available: false, provider: null, missing: ['provider_not_configured'] });
  });

  it('never mixes the modes in lists, reads and the outbox', async () => {
    const test = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const live = await liveInvoice();
    const testList = (await api('GET', '/invoices?limit=100', { key: merchant.apiKey })).body.data.map((i: { id: string }) => i.id);
    const liveList = await api('GET', '/invoices?limit=100', { key: liveKey });
    expect(testList).toContain(test.body.id);
    expect(testList).not.toContain(live.id);
    expect(liveList.body.data.map((i: { id: string }) => i.id)).toEqual([live.id]);
    expect(liveList.body.data[0].livemode).toBe(true);
    expect((await api('GET', `/invoices/${live.id}`, { key: merchant.apiKey })).status).toBe(404);
    expect((await api('GET', `/invoices/${test.body.id}`, { key: liveKey })).status).toBe(404);
    expect((await api('POST', `/invoices/${live.id}/cancel`, { key: merchant.apiKey })).status).toBe(404);
    expect((await api('GET', `/transactions/${live.txnId}`, { key: merchant.apiKey })).status).toBe(404);
    const liveOutbox = await api('GET', '/dev/outbox', { key: liveKey });
    expect(liveOutbox.body.data).toEqual([]);
  }, 180_000);

  it("keeps the dashboard's statistics and callback deliveries to the mode of its X-Mode switch", async () => {
    const shop = await createMerchant({ callbackUrl: 'http://127.0.0.1:9/unused' });
    const token = await idTokenFor(shop.email, shop.password);
    const overview = async (mode: string) => (await api('GET', '/stats/overview?days=7', { key: token, headers: { 'x-mode': mode } })).body;
    const created = await api('POST', '/invoices', { key: shop.apiKey, body: validInvoice() });
    expect(created.status).toBe(201);
    expect((await overview('test')).funnel.created).toBe(1);
    expect(await overview('live')).toMatchObject({ funnel: { created: 0 }, volume: [] });
    // The dashboard lists callback deliveries of one mode (firestore query on `mode`).
    const events = await admin().db.collection('callbackEvents').where('invoiceId', '==', created.body.id).get();
    expect(events.docs.map((d) => d.get('mode'))).toContain('test');
    expect(events.docs.every((d) => d.get('mode') === 'test')).toBe(true);
    await admin().db.collection('invoices').doc(created.body.id).update({ mode: 'live' });
    expect((await overview('live')).funnel.created).toBe(1);
    expect(await overview('test')).toMatchObject({ funnel: { created: 0 }, volume: [] });
  }, 120_000);

  it('lets a test-mode (sandbox) event change nothing on a live transaction', async () => {
    const live = await liveInvoice();
    // An unsigned post is refused, and makes the sandbox's signing secret on the way.
    expect((await fetch(`${BASE_URL}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    const posted = await postSandboxEvent({
      id: `evt_cross_${live.txnId}`,
      type: 'checkout.session.completed',
      data: { object: { id: live.sessionId, payment_status: 'paid', payment_intent: `pi_${live.txnId.slice(4)}`, metadata: { transactionId: live.txnId } } },
    });
    expect(posted).toMatchObject({ status: 200, body: { outcome: 'mismatch' } });
    const { db } = admin();
    expect((await db.collection('invoices').doc(live.id).get()).get('status')).toBe('processing');
    expect((await db.collection('transactions').doc(live.txnId).get()).get('status')).toBe('processing');
  });

  it('makes live keys in the dashboard only after an operator activated live mode', async () => {
    const other = await createMerchant();
    const token = await idTokenFor(other.email, other.password);
    const refused = await api('POST', '/api-keys', { key: token, body: { name: 'Live' }, headers: { 'x-mode': 'live' } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('not activated');
    const test = await api('POST', '/api-keys', { key: token, body: { name: 'Test' } });
    expect(test.body.secret).toMatch(/^sk_test_/);
    await admin().db.collection('merchants').doc(other.merchantId).update({ liveActivatedAt: Timestamp.now() });
    const live = await api('POST', '/api-keys', { key: token, body: { name: 'Live' }, headers: { 'x-mode': 'live' } });
    expect(live.status).toBe(201);
    expect(live.body.secret).toMatch(/^sk_live_/);
    expect((await api('GET', '/account', { key: live.body.secret })).body.livemode).toBe(true);
    expect((await api('GET', '/account', { key: ownerToken, headers: { 'x-mode': 'live' } })).body.livemode).toBe(true);
  }, 180_000);
});
