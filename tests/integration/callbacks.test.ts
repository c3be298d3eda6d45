import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot } from '../support/admin';
import { startReceiver } from '../support/receiver';

const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

async function firstEvent(invoiceId: string, type = 'invoice.created') {
  const snap = await waitForSnapshot(admin().db.collection('callbackEvents').where('invoiceId', '==', invoiceId).where('type', '==', type), (s) => s.size === 1);
  return snap.docs[0]!.id;
}

describe('merchant callbacks', () => {
  let merchant: Awaited<ReturnType<typeof createMerchant>>;
  let flaky: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    // Fails the first 3 deliveries of each event, then accepts.
    const seen = new Map<string, number>();
    flaky = await startReceiver((_n, received) => {
      const id = String(received.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return seen.get(id)! <= 3 ? 503 : 200;
    });
    receivers.push(flaky);
    merchant = await createMerchant({ callbackUrl: flaky.url });
  });

  it('retries on the schedule until a 2xx, with the same webhook-id, logging every attempt', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const eventId = await firstEvent(created.body.id);
    await waitForSnapshot(admin().db.collection('callbackEvents').doc(eventId), (s) => s.get('status') === 'delivered', 30_000);
    const event = await api('GET', `/events/${eventId}`, { key: merchant.apiKey });
    expect(event.body).toMatchObject({ id: eventId, type: 'invoice.created', status: 'delivered', sequence: 1 });
    expect(event.body.deliveries.map((d: { statusCode: number }) => d.statusCode)).toEqual([503, 503, 503, 200]);
    expect(event.body.deliveries.map((d: { attempt: number }) => d.attempt)).toEqual([1, 2, 3, 4]);
    for (const d of event.body.deliveries) expect(d.durationMs).toEqual(expect.any(Number));
    const deliveries = flaky.received.filter((r) => r.headers['webhook-id'] === eventId);
    expect(deliveries).toHaveLength(4);
    const verifier = new Webhook(merchant.webhookSecret);
    for (const d of deliveries) expect(verifier.verify(d.body, d.headers as Record<string, string>)).toMatchObject({ id: eventId, type: 'invoice.created' });

    const redelivered = await api('POST', `/events/${eventId}/redeliver`, { key: merchant.apiKey });
    expect(redelivered.status).toBe(202);
    await waitForSnapshot(admin().db.collection('callbackEvents').doc(eventId).collection('attempts'), (s) => s.size === 5);
    expect(flaky.received.filter((r) => r.headers['webhook-id'] === eventId).length).toBeGreaterThanOrEqual(5);
    const other = await createMerchant();
    expect((await api('GET', `/events/${eventId}`, { key: other.apiKey })).status).toBe(404);
  });

  it('disables an endpoint that answers 410, tells the merchant, and sends it nothing more', async () => {
    const gone = await startReceiver(() => 410);
    receivers.push(gone);
    const m = await createMerchant({ callbackUrl: gone.url });
    const created = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice() });
    const eventId = await firstEvent(created.body.id);
    await waitForSnapshot(admin().db.collection('callbackEvents').doc(eventId), (s) => s.get('status') === 'disabled');
    const events = await api('GET', `/invoices/${created.body.id}/events`, { key: m.apiKey });
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('callback.endpoint_disabled');
    const before = gone.received.length;
    const second = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice() });
    const secondEvent = await firstEvent(second.body.id);
    await waitForSnapshot(admin().db.collection('callbackEvents').doc(secondEvent), (s) => s.get('status') === 'disabled');
    expect(gone.received.length).toBe(before);
  });

  it('on the emulator allows exactly loopback beyond live’s rule: a metadata address is refused at once and never attempted again', async () => {
    for (const url of ['http://169.254.10.20/x', 'http://[::ffff:169.254.10.20]/x', 'http://localhost.example.com./x', 'http://10.0.0.1/x']) {
      const refused = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ callbackUrl: url }) });
      expect(refused.status, url).toBe(400);
      expect(refused.body.errors[0].field).toBe('callbackUrl');
    }
    // A URL stored before this check (written past the API) is refused again at send time, once.
    const m = await createMerchant({ callbackUrl: 'http://169.254.10.20/x' });
    const created = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice() });
    expect(created.status).toBe(201);
    const eventId = await firstEvent(created.body.id);
    const failed = await waitForSnapshot(admin().db.collection('callbackEvents').doc(eventId), (s) => s.get('status') === 'failed');
    expect(failed.get('lastError')).toMatch(/https|public/);
    await new Promise((r) => setTimeout(r, 8_000));
    const attempts = await admin().db.collection('callbackEvents').doc(eventId).collection('attempts').get();
    expect(attempts.size).toBe(1);
    expect(attempts.docs[0]!.get('statusCode')).toBeNull();
  });
});
