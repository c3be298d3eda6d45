import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { createHash } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { expireInvoice, sendReminder } from '../../functions/src/domain/lifecycle';
import { importInvoices } from '../../functions/src/domain/importInvoices';
import type { MerchantDoc } from '../../functions/src/domain/types';
import { BASE_URL } from '../support/env';

let merchant: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant();
});

// Cloud Tasks runs these at their time in production; the emulator has no schedule, so the test
// calls the task's domain function as the queue would, with the clock at the due time.
describe('expiry and reminders', () => {
  it('expires an unpaid invoice on time, with its callback, and the pay page says so', async () => {
    const expiresAt = new Date(Date.now() + 120_000);
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ expiresAt: expiresAt.toISOString() }) });
    expect((await expireInvoice(admin().db, created.body.id, Date.now())).outcome).toBe('not_due');
    expect((await expireInvoice(admin().db, created.body.id, expiresAt.getTime())).outcome).toBe('expired');
    expect((await expireInvoice(admin().db, created.body.id, expiresAt.getTime())).outcome).toBe('settled');
    const invoice = await api('GET', `/invoices/${created.body.id}`, { key: merchant.apiKey });
    expect(invoice.body.status).toBe('expired');
    const view = await api('GET', `/pay/${tokenOf(created.body.payUrl)}`);
    expect(view.status).toBe(404);
    const events = await api('GET', `/invoices/${created.body.id}/events`, { key: merchant.apiKey });
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('invoice.expired');
  });

  it('sends reminders when due, once each, and stops them when the invoice is paid', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reminders: { afterHours: [24, 1] } }) });
    expect(created.body.reminders).toEqual({ afterHours: [1, 24], sent: 0 });
    const createdAt = new Date(created.body.createdAt).getTime();
    expect(await sendReminder(admin().db, created.body.id, 0, createdAt)).toBe('not_due');
    expect(await sendReminder(admin().db, created.body.id, 0, createdAt + 3_600_000)).toBe('queued');
    expect(await sendReminder(admin().db, created.body.id, 0, createdAt + 3_600_000)).toBe('already_sent');
    const reminders = await waitForSnapshot(
      admin().db.collection('smsMessages').where('invoiceId', '==', created.body.id).where('kind', '==', 'reminder'),
      (s) => s.size === 1 && s.docs[0]!.get('status') === 'delivered',
    );
    expect(reminders.docs[0]!.get('body')).toContain(created.body.payUrl);

    const token = tokenOf(created.body.payUrl);
    const txn = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    await api('POST', `/sandbox/checkout/${txn.body.next.url.split('/').pop()}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(await sendReminder(admin().db, created.body.id, 1, createdAt + 24 * 3_600_000)).toBe('stopped_paid');
  });

  it('refuses more than 3 reminders, or one after expiry', async () => {
    const many = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ reminders: { afterHours: [1, 2, 3, 4] } }) });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].field).toBe('reminders.afterHours');
    const late = await api('POST', '/invoices', {
      key: merchant.apiKey,
      body: validInvoice({ expiresAt: new Date(Date.now() + 2 * 3_600_000).toISOString(), reminders: { afterHours: [3] } }),
    });
    expect(late.body.errors[0].field).toBe('reminders.afterHours.0');
  });
});

describe('POST /invoices/import', () => {
  it('imports CSV with a result per row; refused rows write nothing', async () => {
    const m = await createMerchant();
    const csv = [
      'amount,currency,description,payer.phone,reference,metadata.order',
      '12900,NOK,"Pizza, large",+4791234567,imp-1,1',
      '12.5,NOK,Fractional,+4791234567,imp-2,2',
      '5000,NOK,Bad phone,12345,imp-3,3',
      '5000,NOK,Duplicate reference,+4791234567,imp-1,4',
      '7000,NOK,Cake,+4798765432,imp-5,5',
    ].join('\r\n');
    const result = await api('POST', '/invoices/import', { key: m.apiKey, rawBody: csv, contentType: 'text/csv' });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toMatchObject({ created: 2, failed: 3 });
    const rows = result.body.data as { row: number; id?: string; error?: { errors?: { field: string }[] } }[];
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.id).toMatch(/^inv_/);
    expect(rows[1]!.error!.errors![0]!.field).toBe('amount');
    expect(rows[2]!.error!.errors![0]!.field).toBe('payer.phone');
    expect(rows[3]!.error!.errors![0]!.field).toBe('reference');
    expect(rows[4]!.id).toMatch(/^inv_/);
    const invoices = await admin().db.collection('invoices').where('merchantId', '==', m.merchantId).get();
    expect(invoices.size).toBe(2);
    const messages = await admin().db.collection('smsMessages').where('merchantId', '==', m.merchantId).get();
    expect(messages.size).toBe(2);
    const again = await api('POST', '/invoices/import', { key: m.apiKey, body: { invoices: [validInvoice({ reference: 'imp-1' })] } });
    expect(again.body).toMatchObject({ created: 0, failed: 1 });
  });

  it('takes JSON, replays with an Idempotency-Key, and refuses more than 10,000 rows', async () => {
    const m = await createMerchant();
    const body = { invoices: [validInvoice({ reference: 'j-1' }), validInvoice({ reference: 'j-2' })] };
    const first = await api('POST', '/invoices/import', { key: m.apiKey, body, headers: { 'Idempotency-Key': 'import-1' } });
    expect(first.body.created).toBe(2);
    const replay = await api('POST', '/invoices/import', { key: m.apiKey, body, headers: { 'Idempotency-Key': 'import-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // 10,000 full rows are about 1.2 MB of JSON: more than one request's 1 MB, within the import's limit.
    const big = await api('POST', '/invoices/import', {
      key: m.apiKey,
      body: { invoices: Array.from({ length: 10_000 }, () => ({ ...validInvoice(), description: 'x'.repeat(120) })).map((r, i) => (i === 0 ? r : { ...r, amount: -1 })) },
    });
    expect(big.status, JSON.stringify(big.body).slice(0, 300)).toBe(200);
    expect(big.body).toMatchObject({ created: 1, failed: 9_999 });
    const tooMany = await api('POST', '/invoices/import', { key: m.apiKey, body: { invoices: Array.from({ length: 10_001 }, () => ({})) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('invoices');
  });

  it('after a crash mid-import, a retry with the same key writes only the missing rows and texts nobody twice', async () => {
    const m = await createMerchant();
    const { db } = admin();
    const rows = Array.from({ length: 100 }, (_, i) => validInvoice({ reference: `crash-${i}`, payer: { phone: `+47912${String(i).padStart(5, '0')}` } }));
    const body = JSON.stringify({ invoices: rows });
    const key = 'import-crash-1';
    // The state a crash after the first 60 rows leaves: the key claimed (long enough ago that the
    // claim is stale) and those rows written, each with its invoice, token, reference, SMS and timeline.
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const keyRef = db.collection('idempotencyKeys').doc(`${m.merchantId}_${sha(key)}`);
    const claimedAt = Timestamp.fromMillis(Date.now() - 11 * 60_000);
    await keyRef.set({
      merchantId: m.merchantId,
      fingerprint: sha(`POST /invoices/import\n${body}`),
      state: 'processing',
      seed: 'key_crashed',
      createdAt: claimedAt,
      expiresAt: Timestamp.fromMillis(Date.now() + 3600_000),
    });
    const merchantDoc = (await db.collection('merchants').doc(m.merchantId).get()).data() as MerchantDoc;
    const partial = await importInvoices(db, merchantDoc, rows.slice(0, 60), BASE_URL, () => null, { seed: `${keyRef.id}:key_crashed`, resumed: false });
    expect(partial.created).toBe(60);

    const retry = await api('POST', '/invoices/import', { key: m.apiKey, rawBody: body, contentType: 'application/json', headers: { 'Idempotency-Key': key } });
    expect(retry.status, JSON.stringify(retry.body).slice(0, 300)).toBe(200);
    expect(retry.body).toMatchObject({ created: 100, failed: 0 });
    const ids = (retry.body.data as { id: string }[]).map((r) => r.id);
    expect(ids.slice(0, 60)).toEqual(partial.data.map((r) => r.id));
    expect(new Set(ids).size).toBe(100);
    const count = async (collection: string) => (await db.collection(collection).where('merchantId', '==', m.merchantId).count().get()).data().count;
    expect(await count('invoices')).toBe(100);
    expect(await count('smsMessages')).toBe(100);
    const replay = await api('POST', '/invoices/import', { key: m.apiKey, rawBody: body, contentType: 'application/json', headers: { 'Idempotency-Key': key } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(retry.body);
  });

  it('answers and replays an import whose result is larger than one Firestore document', async () => {
    const m = await createMerchant();
    const bad = { amount: -1, currency: 'nok', description: 'x'.repeat(120), payer: { phone: '12345' } };
    // Each refused row's result names five problems: 3,000 of them are about 1.3 MB.
    const invoices = Array.from({ length: 3_000 }, (_, i) => (i % 600 === 0 ? validInvoice({ description: 'x'.repeat(120) }) : bad));
    const key = 'import-big-1';
    const first = await api('POST', '/invoices/import', { key: m.apiKey, body: { invoices }, headers: { 'Idempotency-Key': key } });
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    expect(first.body).toMatchObject({ created: 5, failed: 2_995 });
    expect(JSON.stringify(first.body).length).toBeGreaterThan(1_048_576);
    const replay = await api('POST', '/invoices/import', { key: m.apiKey, body: { invoices }, headers: { 'Idempotency-Key': key } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const { db } = admin();
    expect((await db.collection('invoices').where('merchantId', '==', m.merchantId).count().get()).data().count).toBe(5);
    expect((await db.collection('smsMessages').where('merchantId', '==', m.merchantId).count().get()).data().count).toBe(5);
  });
});
