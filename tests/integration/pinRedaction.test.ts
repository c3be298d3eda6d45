import { beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { handsetText, pinFrom, waitForSms } from '../support/outbox';

let merchant: TestMerchant;
beforeAll(async () => {
  merchant = await createMerchant({ name: 'Kiosk' });
});

describe('payer PINs are never readable by merchant users', () => {
  it('stores the PIN SMS redacted from the start, hands the provider the real text, and keeps no copy after sending', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 4900 }) });
    const token = tokenOf(created.body.payUrl);
    // Every version of the merchant's smsMessages documents for this invoice, from before the PIN exists.
    const seen: string[] = [];
    const stop = admin()
      .db.collection('smsMessages')
      .where('invoiceId', '==', created.body.id)
      .onSnapshot((snap) => snap.docChanges().forEach((c) => seen.push(JSON.stringify(c.doc.data()))));
    const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    expect(started.status).toBe(201);

    const sms = await waitForSms(merchant.apiKey, created.body.id, 'pin', 60_000);
    const pin = pinFrom(sms.body);
    expect(sms.body).toMatch(/^\d{6} is your code to pay NOK 49\.00 to Kiosk/);
    await waitForSnapshot(admin().db.collection('smsMessages').doc(sms.id), (s: DocumentSnapshot) => ['sent', 'delivered'].includes(s.get('status') as string));
    stop();

    // The merchant's views: the dev outbox (merchant key) and the smsMessages document the dashboard reads.
    const outbox = (await api('GET', '/dev/outbox', { key: merchant.apiKey })).body.data as { id: string; body: string }[];
    const listed = outbox.find((m) => m.id === sms.id)!;
    expect(listed.body).toBe('•••••• is your code to pay NOK 49.00 to Kiosk. Valid for 10 minutes. Never share it.');
    expect(seen.length).toBeGreaterThan(1);
    for (const version of seen) expect(version).not.toContain(pin);
    // The real text lived server-side only until the send, and is gone now.
    expect((await admin().db.collection('smsMessages').doc(sms.id).collection('secrets').doc('text').get()).exists).toBe(false);
    expect(await handsetText(sms.id)).toContain(pin);

    const verified = await api('POST', `/pay/${token}/transactions/${started.body.id}/verify`, { body: { pin } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  });
});
