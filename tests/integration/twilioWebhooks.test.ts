import { beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { Timestamp } from 'firebase-admin/firestore';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { localSecret } from '../support/secrets';
import { startReceiver } from '../support/receiver';
import { BASE_URL } from '../support/env';

let merchant: TestMerchant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const token = () => localSecret('TWILIO_AUTH_TOKEN');

beforeAll(async () => {
  receiver = await startReceiver();
  merchant = await createMerchant({ callbackUrl: receiver.url });
});

async function postTwilio(path: string, params: Record<string, string>, signature?: string | null) {
  const url = `${BASE_URL}${path}`;
  const sig = signature === undefined ? twilio.getExpectedTwilioSignature(token(), url, params) : signature;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  return response.status;
}

/** An invoice whose SMS Twilio accepted as `sid` a moment ago (the test project itself sends through the outbox). */
async function invoiceSentByTwilio(sid: string, phone = '+4791234567') {
  const created = await api('POST', '/invoices', {
    key: merchant.apiKey,
    body: validInvoice({ payer: { phone }, sendAt: new Date(Date.now() + 3600_000).toISOString() }),
  });
  const messageId = (await admin().db.collection('invoices').doc(created.body.id).get()).get('sms.messageId') as string;
  // What dispatchSms records when Twilio accepts the message: its SID on the message, and SID → message.
  await admin().db.collection('smsMessages').doc(messageId).update({ provider: 'twilio', providerMessageId: sid, status: 'sending', updatedAt: Timestamp.now() });
  await admin().db.collection('smsProviderIds').doc(`twilio_${sid}`).set({ messageId });
  return { id: created.body.id as string, messageId };
}

const timeline = async (id: string) => (await api('GET', `/invoices/${id}/events`, { key: merchant.apiKey })).body.data.map((e: { type: string }) => e.type) as string[];

describe('POST /webhooks/twilio/status', () => {
  it('refuses a missing, tampered or foreign signature, writing nothing', async () => {
    const sid = `SM${Date.now()}a`;
    const { id, messageId } = await invoiceSentByTwilio(sid);
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: 'AC123' };
    expect(await postTwilio('/webhooks/twilio/status', params, null)).toBe(403);
    const valid = twilio.getExpectedTwilioSignature(token(), `${BASE_URL}/webhooks/twilio/status`, params);
    expect(await postTwilio('/webhooks/twilio/status', { ...params, MessageStatus: 'failed' }, valid)).toBe(403);
    const foreign = twilio.getExpectedTwilioSignature('another-token', `${BASE_URL}/webhooks/twilio/status`, params);
    expect(await postTwilio('/webhooks/twilio/status', params, foreign)).toBe(403);
    const internalUrl = twilio.getExpectedTwilioSignature(token(), 'http://127.0.0.1:5001/demo-smspay-test/europe-west1/twilioStatusWebhook', params);
    expect(await postTwilio('/webhooks/twilio/status', params, internalUrl)).toBe(403);
    expect((await admin().db.collection('smsMessages').doc(messageId).get()).get('status')).toBe('sending');
    expect(await timeline(id)).toEqual(['invoice.created']);
  });

  it('moves SMS status only forward, whatever order and however often callbacks arrive', async () => {
    const sid = `SM${Date.now()}b`;
    const { id } = await invoiceSentByTwilio(sid);
    for (const status of ['delivered', 'sent', 'delivered', 'queued', 'sent']) {
      expect(await postTwilio('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: status, AccountSid: 'AC123' })).toBe(204);
    }
    const invoice = await admin().db.collection('invoices').doc(id).get();
    expect(invoice.get('sms.status')).toBe('delivered');
    expect(invoice.get('status')).toBe('sent');
    expect((await timeline(id)).filter((t) => t.startsWith('invoice.sms'))).toEqual(['invoice.sms.delivered']);
  });

  it('records an undelivered SMS with the carrier error code', async () => {
    const sid = `SM${Date.now()}c`;
    const { id } = await invoiceSentByTwilio(sid);
    await postTwilio('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'sent', AccountSid: 'AC123' });
    await postTwilio('/webhooks/twilio/status', { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30005', AccountSid: 'AC123' });
    const invoice = await admin().db.collection('invoices').doc(id).get();
    expect(invoice.get('sms')).toMatchObject({ status: 'undelivered', failureCode: '30005' });
    // The provider failed it permanently and the link was never opened.
    expect(invoice.get('status')).toBe('undelivered');
    expect(await timeline(id)).toEqual(['invoice.created', 'invoice.sms.sent', 'invoice.sms.failed']);
  });
});

describe('POST /webhooks/twilio/inbound', () => {
  it('opts a number out on STOP (open invoices marked, no more SMS) and back in on START', async () => {
    const phone = '+4791239876';
    const sid = `SM${Date.now()}d`;
    const open = await invoiceSentByTwilio(sid, phone);
    expect(await postTwilio('/webhooks/twilio/inbound', { From: phone, Body: ' stop ', AccountSid: 'AC123' })).toBe(200);
    expect((await admin().db.collection('optOuts').doc(phone).get()).exists).toBe(true);
    const marked = await admin().db.collection('invoices').doc(open.id).get();
    expect(marked.get('sms.status')).toBe('opted_out');
    expect(await timeline(open.id)).toContain('invoice.sms.failed');

    const next = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone } }) });
    const blocked = await waitForSnapshot(admin().db.collection('invoices').doc(next.body.id), (s) => s.get('sms.status') === 'opted_out');
    expect(blocked.get('sms.failureCode')).toBe('opted_out');
    const phonePay = await api('POST', `/pay/${next.body.payUrl.split('/pay/')[1]}/transactions`, { body: { method: 'phone' } });
    expect(phonePay.status).toBe(409);

    expect(blocked.get('status')).toBe('undelivered');

    expect(await postTwilio('/webhooks/twilio/inbound', { From: phone, Body: 'START', AccountSid: 'AC123' })).toBe(200);
    expect((await admin().db.collection('optOuts').doc(phone).get()).exists).toBe(false);
    const after = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone } }) });
    await waitForSnapshot(admin().db.collection('invoices').doc(after.body.id), (s) => s.get('sms.status') === 'delivered');
  });

  it('moves an invoice whose SMS can never go out after STOP to undelivered, with its callback and the reason, and its link still works', async () => {
    const phone = '+4791231122';
    expect(await postTwilio('/webhooks/twilio/inbound', { From: phone, Body: 'STOP', AccountSid: 'AC123' })).toBe(200);
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone } }) });
    const ref = admin().db.collection('invoices').doc(created.body.id);
    const lost = await waitForSnapshot(ref, (s) => s.get('status') !== 'sending');
    expect(lost.get('status')).toBe('undelivered');
    expect(lost.get('sms')).toMatchObject({ status: 'opted_out', failureCode: 'opted_out' });
    const events = (await api('GET', `/invoices/${created.body.id}/events`, { key: merchant.apiKey })).body.data as {
      type: string;
      status: string;
      data: Record<string, unknown>;
      callbackEventId: string | null;
    }[];
    const failed = events.find((e) => e.type === 'invoice.sms.failed')!;
    expect(failed).toMatchObject({ status: 'undelivered', data: { reason: 'opted_out', failureCode: 'opted_out' } });
    const callback = await admin().db.collection('callbackEvents').doc(failed.callbackEventId!).get();
    expect(callback.get('type')).toBe('invoice.sms.failed');
    expect(JSON.parse(callback.get('payload') as string).data.invoice.status).toBe('undelivered');
    const listed = await api('GET', '/invoices?status=undelivered', { key: merchant.apiKey });
    expect(listed.body.data.map((i: { id: string }) => i.id)).toContain(created.body.id);

    // The merchant shares the link another way: the payer opens it.
    const view = await api('GET', `/pay/${created.body.payUrl.split('/pay/')[1]}`);
    expect(view.status).toBe(200);
    expect((await ref.get()).get('status')).toBe('opened');
    await postTwilio('/webhooks/twilio/inbound', { From: phone, Body: 'START', AccountSid: 'AC123' });
  });
});
