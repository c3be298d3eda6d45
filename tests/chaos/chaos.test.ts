import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot } from '../support/admin';
import { killWorkers } from '../support/workers';
import { LOST_AFTER_MS, sweepLostWork } from '../../functions/src/domain/sweeper';
import type { TaskQueue } from '../../functions/src/adapters/tasks';

// Run with tests/vitest.chaos.config.ts (its own emulator run). Crashes for real: the functions
// emulator's worker process running our code is SIGKILLed in the middle of the work (see
// support/workers.ts), the emulator starts a fresh one for what comes next, and the sweeper's domain code runs as its schedule would (scheduled functions do not run on the
// emulator), with its clock past the point where work counts as lost. The one thing simulated is
// the passage of ten minutes (an Idempotency-Key claim going stale).

const { db } = admin();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const count = async (collection: string, merchantId: string) => (await db.collection(collection).where('merchantId', '==', merchantId).count().get()).data().count;

let tasks: TaskQueue;
beforeAll(async () => {
  // The test process enqueues on the Cloud Tasks emulator through the same adapter the functions use.
  process.env.FUNCTIONS_EMULATOR = 'true';
  tasks = (await import('../../functions/src/adapters/tasks')).cloudTasks;
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('chaos: a worker killed mid-work loses nothing and does nothing twice', () => {
  it('an import killed after its first rows: the retry with the same key writes the rest, each payer texted once', async () => {
    const m = await createMerchant();
    const rows = Array.from({ length: 400 }, (_, i) => validInvoice({ reference: `chaos-${i}`, payer: { phone: `+47913${String(i).padStart(5, '0')}` } }));
    const body = JSON.stringify({ invoices: rows });
    const key = 'chaos-import';
    const call = () => api('POST', '/invoices/import', { key: m.apiKey, rawBody: body, contentType: 'application/json', headers: { 'Idempotency-Key': key } });

    const first = call();
    await until(async () => (await count('invoices', m.merchantId)) > 0, 60_000, 'the first rows of the import');
    expect(killWorkers('api')).toBeGreaterThan(0);
    expect((await first).status).toBe(500);
    const written = await count('invoices', m.merchantId);
    expect(written, 'the worker must die mid-import').toBeLessThan(rows.length);

    // Right after the crash the key is still claimed: the integrator is told to retry in a moment.
    const early = await call();
    expect(early.status).toBe(409);
    // Ten minutes later the claim is stale and the retry takes it over, with the same row ids.
    await db.collection('idempotencyKeys').doc(`${m.merchantId}_${sha(key)}`).update({ createdAt: Timestamp.fromMillis(Date.now() - 11 * 60_000) });
    const retry = await call();
    expect(retry.status, JSON.stringify(retry.body).slice(0, 300)).toBe(200);
    expect(retry.body).toMatchObject({ created: rows.length, failed: 0 });

    expect(await count('invoices', m.merchantId)).toBe(rows.length);
    const messages = await db.collection('smsMessages').where('merchantId', '==', m.merchantId).get();
    expect(messages.size).toBe(rows.length);
    expect(new Set(messages.docs.map((d) => d.get('to'))).size).toBe(rows.length);
    // Every SMS goes out: none lost with the killed worker (each was written with its invoice, and
    // its trigger queued it), and a sweep afterwards finds nothing of this import to send again.
    const sent = db.collection('smsMessages').where('merchantId', '==', m.merchantId).where('status', 'in', ['sent', 'delivered']);
    await waitForSnapshot(sent, (s) => s.size === rows.length, 80_000);
    await sweepLostWork({ db, tasks }, Date.now());
    const after = await db.collection('smsMessages').where('merchantId', '==', m.merchantId).get();
    expect(after.docs.filter((d) => d.get('sweeps'))).toEqual([]);
    console.log(`chaos import: ${written} of ${rows.length} rows written before the kill; after the retry ${rows.length} invoices, ${messages.size} SMS`);
  });

  describe('a callback delivery killed while the merchant’s endpoint is answering', () => {
    const received: { id: string; res: ServerResponse }[] = [];
    let url = '';
    let close: () => Promise<void>;
    beforeAll(async () => {
      // The first request is held unanswered (the attempt in flight when the worker dies); the rest get 200.
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        req.resume();
        req.on('end', () => {
          received.push({ id: String(req.headers['webhook-id']), res });
          if (received.length > 1) res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
    });
    afterAll(() => close());

    it('is delivered by the sweeper, recorded delivered once', async () => {
      const m = await createMerchant({ callbackUrl: url });
      // A scheduled SMS keeps this invoice's only callback the `invoice.created` one.
      const created = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice({ sendAt: new Date(Date.now() + 3600_000).toISOString() }) });
      expect(created.status).toBe(201);
      await until(async () => received.length === 1, 60_000, 'the first callback attempt');
      expect(killWorkers('deliverCallback')).toBeGreaterThan(0);
      const eventRef = db.collection('callbackEvents').doc(received[0]!.id);
      expect((await eventRef.get()).get('status')).toBe('pending');

      const report = await sweepLostWork({ db, tasks }, Date.now() + LOST_AFTER_MS + 1000);
      expect(report.callbacks.requeued).toBeGreaterThanOrEqual(1);
      const delivered = await waitForSnapshot(eventRef, (s) => s.get('status') === 'delivered', 30_000);
      expect(delivered.get('attempts')).toBe(1);
      const attempts = await eventRef.collection('attempts').get();
      expect(attempts.docs.filter((a) => a.get('statusCode') === 200)).toHaveLength(1);
      // The receiver saw the killed attempt and the one that counted, under one webhook-id it dedupes by.
      expect(new Set(received.map((r) => r.id))).toEqual(new Set([eventRef.id]));
      const events = await db.collection('callbackEvents').where('invoiceId', '==', created.body.id).get();
      expect(events.size).toBe(1);
      console.log(`chaos callback: ${received.length} POSTs of ${events.size} event, ${attempts.size} recorded attempt(s)`);
    });
  });
});
