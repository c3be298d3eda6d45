import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc } from 'firebase/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { idTokenFor } from '../support/idToken';
import { PROJECT_ID } from '../support/env';

let merchant: TestMerchant;
let operatorToken: string;
let ownerToken: string;
const OPERATOR_EMAIL = `operator-${Date.now()}@example.com`;

beforeAll(async () => {
  merchant = await createMerchant();
  await admin().auth.createUser({ email: OPERATOR_EMAIL, password: 'operator-password' });
  // The claim comes from the project's script, exactly as an operator is made in production.
  execFileSync('node', ['scripts/operator.mjs', 'grant', OPERATOR_EMAIL, '--project', PROJECT_ID], { env: { ...process.env } });
  operatorToken = await idTokenFor(OPERATOR_EMAIL, 'operator-password');
  ownerToken = await idTokenFor(merchant.email, merchant.password);
}, 120_000);

describe('platform operators', () => {
  it('are made only by the script: merchant owners and API keys get 403 on the operators’ API', async () => {
    expect((await api('GET', '/operator/merchants', { key: ownerToken })).status).toBe(403);
    expect((await api('GET', '/operator/merchants', { key: merchant.apiKey })).status).toBe(403);
    expect((await api('POST', `/operator/merchants/${merchant.merchantId}/suspend`, { key: ownerToken })).status).toBe(403);
    expect((await api('GET', '/operator/merchants')).status).toBe(401);
  });

  it('list merchants with mode, status and volume, and activate live mode (logged with who and when)', async () => {
    const listed = await api('GET', '/operator/merchants', { key: operatorToken });
    expect(listed.status).toBe(200);
    const row = listed.body.data.find((m: { id: string }) => m.id === merchant.merchantId);
    expect(row).toMatchObject({ status: 'active', liveActivated: false, volume: [] });
    const activated = await api('POST', `/operator/merchants/${merchant.merchantId}/activate-live`, { key: operatorToken });
    expect(activated.body).toMatchObject({ liveActivated: true, changed: true });
    expect((await api('POST', `/operator/merchants/${merchant.merchantId}/activate-live`, { key: operatorToken })).body.changed).toBe(false);
    const log = await api('GET', '/operator/log', { key: operatorToken });
    const entries = log.body.data.filter((e: { merchantId: string }) => e.merchantId === merchant.merchantId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'live_activated', operatorEmail: OPERATOR_EMAIL, at: expect.any(String) });
    const live = await api('POST', '/api-keys', { key: ownerToken, body: { name: 'Live' }, headers: { 'x-mode': 'live' } });
    expect(live.body.secret).toMatch(/^sk_live_/);
  }, 120_000);

  it('suspend: keys get 403 merchant_suspended, pay links are unavailable, queued SMS are not sent; reinstating undoes it', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ sendAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    expect(created.status).toBe(201);
    const token = tokenOf(created.body.payUrl);
    await api('POST', `/operator/merchants/${merchant.merchantId}/suspend`, { key: operatorToken, body: { reason: 'Chargebacks' } });

    const refused = await api('GET', '/invoices', { key: merchant.apiKey });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('merchant_suspended');
    const view = await api('GET', `/pay/${token}`);
    expect(view.status).toBe(403);
    expect(view.body).toMatchObject({ code: 'merchant_suspended', detail: 'This payment request is unavailable.' });
    expect((await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } })).body.code).toBe('merchant_suspended');

    // The scheduled SMS comes due while suspended: it is not sent.
    const { db } = admin();
    const messageId = (await db.collection('invoices').doc(created.body.id).get()).get('sms.messageId') as string;
    const { dispatchSms } = await import('../../functions/src/domain/sms');
    const sent: string[] = [];
    await db.collection('smsMessages').doc(messageId).update({ sendAt: null });
    const outcome = await dispatchSms(db, { name: 'outbox', send: async (m: { to: string }) => (sent.push(m.to), { providerMessageId: 'x', status: 'sent' }) } as never, messageId);
    expect(outcome).toBe('skipped');
    expect(sent).toEqual([]);
    expect((await db.collection('smsMessages').doc(messageId).get()).get('failureCode')).toBe('merchant_suspended');

    await api('POST', `/operator/merchants/${merchant.merchantId}/reinstate`, { key: operatorToken });
    expect((await api('GET', '/invoices', { key: merchant.apiKey })).status).toBe(200);
    expect((await api('GET', `/pay/${token}`)).status).toBe(200);
    const actions = (await api('GET', '/operator/log', { key: operatorToken })).body.data
      .filter((e: { merchantId: string }) => e.merchantId === merchant.merchantId)
      .map((e: { action: string; reason: string | null }) => [e.action, e.reason]);
    expect(actions).toEqual([
      ['reinstated', null],
      ['suspended', 'Chargebacks'],
      ['live_activated', null],
    ]);
  }, 180_000);

  it('set a merchant’s Strex merchant id and service code: operators only, validated field by field, stored and logged', async () => {
    const path = `/operator/merchants/${merchant.merchantId}/strex`;
    const body = { merchantId: 'shop-42_no', serviceCode: '14002' };
    expect((await api('POST', path, { key: ownerToken, body })).status).toBe(403);
    expect((await api('POST', path, { key: merchant.apiKey, body })).status).toBe(403);
    const bad = await api('POST', path, { key: operatorToken, body: { merchantId: 'shop 42', serviceCode: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['merchantId', 'invalid_format'],
      ['serviceCode', 'too_small'],
    ]);
    const set = await api('POST', path, { key: operatorToken, body });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ id: merchant.merchantId, strex: { merchantId: 'shop-42_no', serviceCode: '14002', updatedAt: expect.any(String) }, changed: true });
    expect((await api('POST', path, { key: operatorToken, body })).body.changed).toBe(false);
    const stored = (await admin().db.collection('merchants').doc(merchant.merchantId).get()).get('strex');
    expect(stored).toMatchObject(body);
    const log = await api('GET', '/operator/log', { key: operatorToken });
    const entries = log.body.data.filter((e: { merchantId: string; action: string }) => e.merchantId === merchant.merchantId && e.action === 'strex_set');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ operatorEmail: OPERATOR_EMAIL, strex: body });
    expect((await api('POST', '/operator/merchants/mer_missing/strex', { key: operatorToken, body })).status).toBe(404);
  }, 60_000);
});

describe('firestore.rules for operators', () => {
  let env: RulesTestEnvironment;
  beforeAll(async () => {
    const [host, port] = (process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080').split(':');
    env = await initializeTestEnvironment({ projectId: 'demo-smspay-rules-operator', firestore: { rules: readFileSync('firestore.rules', 'utf8'), host, port: Number(port) } });
    await env.withSecurityRulesDisabled(async (ctx) => {
      await setDoc(doc(ctx.firestore(), 'operatorLog', 'op_1'), { action: 'suspended', merchantId: 'm-a' });
      await setDoc(doc(ctx.firestore(), 'merchants', 'm-a'), { id: 'm-a', name: 'A' });
    });
  });
  afterAll(async () => env?.cleanup());

  it('let operators read the log and merchants; merchant users and others cannot read the log, and nobody writes it', async () => {
    const op = env.authenticatedContext('op', { operator: true }).firestore();
    await assertSucceeds(getDoc(doc(op, 'operatorLog/op_1')));
    await assertSucceeds(getDoc(doc(op, 'merchants/m-a')));
    await assertFails(setDoc(doc(op, 'operatorLog/op_2'), { action: 'suspended' }));
    for (const db of [
      env.authenticatedContext('owner', { merchantId: 'm-a', role: 'owner' }).firestore(),
      env.authenticatedContext('fake', { operator: 'true' }).firestore(),
      env.unauthenticatedContext().firestore(),
    ]) {
      await assertFails(getDoc(doc(db, 'operatorLog/op_1')));
    }
  });
});
