import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timestamp, type DocumentReference } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot } from '../support/admin';
import { BASE_URL } from '../support/env';
import { killWorkers } from '../support/workers';
import { LOST_AFTER_MS, sweepLostWork, type SweepDeps } from '../../functions/src/domain/sweeper';
import { REFUND_STALE_MS } from '../../functions/src/domain/refunds';
import { sandboxCardProvider } from '../../functions/src/adapters/sandboxCard';
import { sandboxPhoneBilling } from '../../functions/src/adapters/sandboxPhoneBilling';
import type { TaskQueue } from '../../functions/src/adapters/tasks';

// Run with tests/vitest.chaos.config.ts (its own emulator run: CHAOS=1 node scripts/test-emulators.mjs).
// Crashes for real: the functions emulator's worker process running our code is SIGKILLed in the
// middle of the work (see support/workers.ts), the emulator starts a fresh one for what comes next,
// and the sweeper's domain code runs as its schedule would (scheduled functions do not run on the
// emulator), with its clock past the point where work counts as lost.
// "In the middle" is made certain, not left to timing: the test holds a Firestore transaction on a
// document the work is about to write (the emulator, like Firestore, makes a write wait for a
// document an open transaction has read), so the worker is killed while it waits on that write.
// The one thing simulated is the passage of time (an Idempotency-Key claim going stale, a sweep
// later than now).

const { db } = admin();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const count = async (collection: string, merchantId: string) => (await db.collection(collection).where('merchantId', '==', merchantId).count().get()).data().count;

let tasks: TaskQueue;
beforeAll(async () => {
  // The test process enqueues on the Cloud Tasks emulator through the same adapter the functions use.
  process.env.FUNCTIONS_EMULATOR = 'true';
  tasks = (await import('../../functions/src/adapters/tasks')).cloudTasks;
});

/** What the scheduled `sweep` function is given: the real task queues and test mode's sandboxes. */
function sweepDeps(): SweepDeps {
  const test = { db, card: sandboxCardProvider(db, BASE_URL), phone: sandboxPhoneBilling() };
  return {
    db,
    tasks,
    providers: (mode) => {
      if (mode === 'live') throw new Error('no live providers in this deployment');
      return test;
    },
  };
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Holds a transaction that has read `ref` (existing or not): until `release`, every write to it
 * waits. `release(create)` ends it, rolled back, or creating `create` at `ref` so the waiting write
 * (a create) fails: the write the killed worker had in flight never lands.
 */
async function holdDocument(ref: DocumentReference) {
  let release!: (create?: Record<string, unknown>) => void;
  const released = new Promise<Record<string, unknown> | undefined>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = db
    .runTransaction(
      async (tx) => {
        await tx.get(ref);
        held();
        const create = await released;
        if (!create) throw new Error('rolled back');
        tx.create(ref, create);
      },
      { maxAttempts: 1 },
    )
    .catch((error: Error) => {
      if (error.message !== 'rolled back') throw error;
    });
  await holding;
  return async (create?: Record<string, unknown>) => {
    release(create);
    await done;
  };
}

describe('chaos: a worker killed mid-work loses nothing and does nothing twice', () => {
  it('an import killed with a batch in flight: the retry with the same key writes the rest, each payer texted once', async () => {
    const m = await createMerchant();
    // Two batches (importInvoices writes 80 rows per batch): rows 1-80 and 81-100.
    const rows = Array.from({ length: 100 }, (_, i) => validInvoice({ reference: `chaos-${i}`, payer: { phone: `+47913${String(i).padStart(5, '0')}` } }));
    const body = JSON.stringify({ invoices: rows });
    const key = 'chaos-import';
    const call = () => api('POST', '/invoices/import', { key: m.apiKey, rawBody: body, contentType: 'application/json', headers: { 'Idempotency-Key': key } });

    // Row 50's reference claim is held, so the first batch waits on it while the second commits.
    const heldRef = db.collection('invoiceReferences').doc(`${m.merchantId}_${sha('chaos-49')}`);
    const release = await holdDocument(heldRef);
    const first = call();
    await until(async () => (await count('invoices', m.merchantId)) >= 20, 60_000, 'the second batch of the import');
    expect(killWorkers('api')).toBeGreaterThan(0);
    expect((await first).status).toBe(500);
    // The batch the worker had in flight never lands.
    await release({ invoiceId: 'chaos-hold' });
    await heldRef.delete();
    const written = await count('invoices', m.merchantId);
    expect(written, 'the worker must die mid-import').toBe(20);

    // Right after the crash the key is still claimed: the integrator is told to retry in a moment.
    const early = await call();
    expect(early.status).toBe(409);
    // Ten minutes later the claim is stale and the retry takes it over, with the same row ids.
    await db
      .collection('idempotencyKeys')
      .doc(`${m.merchantId}_${sha(key)}`)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 11 * 60_000) });
    const retry = await call();
    expect(retry.status, JSON.stringify(retry.body).slice(0, 300)).toBe(200);
    expect(retry.body).toMatchObject({ created: rows.length, failed: 0 });
    // Every row answers with its own invoice, and the 20 written before the crash kept their ids.
    const ids = (retry.body.data as { row: number; id: string }[]).map((r) => r.id);
    expect(new Set(ids).size).toBe(rows.length);

    expect(await count('invoices', m.merchantId)).toBe(rows.length);
    const messages = await db.collection('smsMessages').where('merchantId', '==', m.merchantId).get();
    expect(messages.size).toBe(rows.length);
    expect(new Set(messages.docs.map((d) => d.get('to'))).size).toBe(rows.length);
    // Every SMS goes out: none lost with the killed worker (each was written with its invoice, and
    // its trigger queued it), and a sweep afterwards finds nothing of this import to send again.
    const sent = db.collection('smsMessages').where('merchantId', '==', m.merchantId).where('status', 'in', ['sent', 'delivered']);
    // 100 SMS through the emulated send queue take a minute or more on a loaded 2-core machine.
    await waitForSnapshot(sent, (s) => s.size === rows.length, 180_000);
    await sweepLostWork(sweepDeps(), Date.now());
    const after = await db.collection('smsMessages').where('merchantId', '==', m.merchantId).get();
    expect(after.docs.filter((d) => d.get('sweeps'))).toEqual([]);
    expect(await count('smsMessages', m.merchantId)).toBe(rows.length);
    console.log(`chaos import: ${written} of ${rows.length} rows written before the kill; after the retry ${rows.length} invoices, ${messages.size} SMS, all sent`);
  }, 300_000);

  it('a refund killed while the provider is being asked: the sweep finishes or releases it, and the money moves back once', async () => {
    const m = await createMerchant();
    const created = await api('POST', '/invoices', { key: m.apiKey, body: validInvoice({ amount: 25_000 }) });
    const started = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
    const paid = await api('POST', `/sandbox/checkout/${String(started.body.next.url).split('/').pop()}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(paid.status).toBe(200);
    const invoiceRef = db.collection('invoices').doc(created.body.id);
    await waitForSnapshot(invoiceRef, (s) => s.get('status') === 'paid');
    const paymentId = (await db.collection('transactions').doc(started.body.id).get()).get('providerPaymentId') as string;

    // The refund's id comes from its Idempotency-Key, and the sandbox provider's record of it from
    // the payment and that id (as Stripe keys a refund by its idempotency key): hold that record.
    const key = 'chaos-refund';
    const refundId = `re_${sha(`${m.merchantId}:${created.body.id}:${key}`).slice(0, 24)}`;
    const providerRef = db.collection('sandboxRefunds').doc(`re_sandbox_${sha(`${paymentId}:refund-${refundId}`).slice(0, 24)}`);
    const release = await holdDocument(providerRef);
    const refund = (k: string) => api('POST', `/invoices/${created.body.id}/refund`, { key: m.apiKey, body: {}, headers: { 'Idempotency-Key': k } });
    const first = refund(key);
    await waitForSnapshot(db.collection('refunds').doc(refundId), (s) => s.get('status') === 'pending', 30_000);
    expect((await invoiceRef.get()).get('refundPending')).toBe(25_000);
    expect(killWorkers('api')).toBeGreaterThan(0);
    expect((await first).status).toBe(500);
    await release();
    // Whether the provider got the request the dying worker had sent is up to the provider: either way is handled.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const providerGotIt = (await providerRef.get()).exists;

    // Right after the crash the key is still claimed; the sweep (its clock past the refund's stale
    // point) asks the provider by the refund's idempotency key and records what it finds.
    expect((await refund(key)).status).toBe(409);
    const report = await sweepLostWork(sweepDeps(), Date.now() + REFUND_STALE_MS + 1000);
    expect(report.refunds[refundId]).toBe(providerGotIt ? 'succeeded' : 'failed');
    expect((await invoiceRef.get()).get('refundPending')).toBe(0);
    // A second sweep finds nothing left to do.
    expect(await sweepLostWork(sweepDeps(), Date.now() + REFUND_STALE_MS + 1000)).toMatchObject({ refunds: {} });

    // The integrator's retry, once the key's claim is stale: the refund that was made, or (released,
    // nothing refunded) a provider_error telling it to refund again, which it does with a new key.
    await db
      .collection('idempotencyKeys')
      .doc(`${m.merchantId}_${sha(key)}`)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 11 * 60_000) });
    const retry = await refund(key);
    if (providerGotIt) {
      expect(retry.body).toMatchObject({ status: 'refunded', refund: { id: refundId, status: 'succeeded' } });
    } else {
      expect(retry.status).toBe(502);
      expect(retry.body).toMatchObject({ code: 'provider_error' });
      expect((await refund('chaos-refund-again')).body).toMatchObject({ status: 'refunded', amountRefunded: 25_000 });
    }

    // At the provider: one refund of the payment. Here: one refund succeeded, the invoice refunded once.
    const atProvider = await db.collection('sandboxRefunds').where('paymentId', '==', paymentId).get();
    expect(atProvider.docs.map((d) => d.get('amount'))).toEqual([25_000]);
    const refunds = await db.collection('refunds').where('invoiceId', '==', created.body.id).get();
    expect(refunds.docs.filter((d) => d.get('status') === 'succeeded').map((d) => d.get('amount'))).toEqual([25_000]);
    expect(refunds.docs.filter((d) => d.get('status') === 'pending')).toEqual([]);
    expect((await invoiceRef.get()).data()).toMatchObject({ status: 'refunded', amountRefunded: 25_000, refundPending: 0 });
    expect((await invoiceRef.collection('events').where('type', '==', 'invoice.refunded').get()).size).toBe(1);
    console.log(
      `chaos refund: killed with the refund reserved; the provider ${providerGotIt ? 'had' : 'had not'} received it; ${atProvider.size} refund at the provider, ${refunds.size} refund record(s)`,
    );
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
      close = () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
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

      const report = await sweepLostWork(sweepDeps(), Date.now() + LOST_AFTER_MS + 1000);
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
