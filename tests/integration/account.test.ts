import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';

let merchant: TestMerchant;
let liveKey: string;

/** A live key written the way POST /api-keys stores one (the API makes live keys only after activation). */
async function addLiveKey(merchantId: string): Promise<string> {
  const key = `sk_live_${randomBytes(16).toString('hex')}`;
  await admin()
    .db.collection('apiKeys')
    .doc(createHash('sha256').update(key).digest('hex'))
    .set({ merchantId, mode: 'live', prefix: key.slice(0, 12), name: 'live', createdAt: Timestamp.now(), revokedAt: null, lastUsedAt: null });
  return key;
}

beforeAll(async () => {
  merchant = await createMerchant({ name: 'Account Shop' });
  liveKey = await addLiveKey(merchant.merchantId);
});

// The emulator run's deployment (functions/.env.demo-smspay-test) has only sandbox providers.
describe('GET /account', () => {
  it('answers a test key with the merchant, test mode and the sandboxes that take each method', async () => {
    const call = await api('GET', '/account', { key: merchant.apiKey });
    expect(call.status).toBe(200);
    expect(call.body).toEqual({
      id: merchant.merchantId,
      object: 'account',
      name: 'Account Shop',
      livemode: false,
      status: 'active',
      liveActivated: false,
      paymentMethods: ['card', 'phone'],
      methods: [
        { method: 'card', available: true, provider: 'sandbox', missing: [] },
        { method: 'phone', available: true, provider: 'sandbox', missing: [] },
      ],
    });
  });

  it('answers a live key with no live methods, and why: not activated, and no real provider here', async () => {
    const call = await api('GET', '/account', { key: liveKey });
    expect(call.status).toBe(200);
    expect(call.body).toMatchObject({ livemode: true, liveActivated: false, paymentMethods: [] });
    expect(call.body.methods).toEqual([
      { method: 'card', available: false, provider: null, missing: ['live_not_activated', 'provider_not_configured'] },
      { method: 'phone', available: false, provider: null, missing: ['live_not_activated', 'provider_not_configured', 'strex_not_configured'] },
    ]);
  });

  it('after activation, a sandbox-only deployment still offers nothing live: the provider is what is missing', async () => {
    await admin().db.collection('merchants').doc(merchant.merchantId).update({ liveActivatedAt: Timestamp.now() });
    const call = await api('GET', '/account', { key: liveKey });
    expect(call.body).toMatchObject({ livemode: true, liveActivated: true, paymentMethods: [] });
    expect(call.body.methods.map((m: { missing: string[] }) => m.missing)).toEqual([['provider_not_configured'], ['provider_not_configured', 'strex_not_configured']]);
  });

  it("stops naming strex_not_configured once the merchant's Strex settings are set", async () => {
    await admin()
      .db.collection('merchants')
      .doc(merchant.merchantId)
      .update({ strex: { merchantId: 'account-shop', serviceCode: '14002', updatedAt: Timestamp.now() } });
    const call = await api('GET', '/account', { key: liveKey });
    expect(call.body.methods.map((m: { missing: string[] }) => m.missing)).toEqual([['provider_not_configured'], ['provider_not_configured']]);
  });

  it('needs a key', async () => {
    const call = await api('GET', '/account');
    expect(call.status).toBe(401);
    expect(call.headers.get('www-authenticate') ?? 'Bearer').toContain('Bearer');
  });
});
