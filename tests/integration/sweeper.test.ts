import { beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { startReceiver } from '../support/receiver';
import { BASE_URL } from '../support/env';
import { LOST_AFTER_MS, MAX_SWEEPS, sweepLostWork, type SweepDeps } from '../../functions/src/domain/sweeper';
import { CARD_STALE_MS, PENDING_STALE_MS } from '../../functions/src/domain/reconcile';
import { REFUND_STALE_MS } from '../../functions/src/domain/refunds';
import { sandboxCardProvider } from '../../functions/src/adapters/sandboxCard';
import { sandboxPhoneBilling } from '../../functions/src/adapters/sandboxPhoneBilling';
import type { QueueName, TaskQueue } from '../../functions/src/adapters/tasks';

// The scheduled `sweep` function's domain code, called as the scheduler would, with the clock moved
// past the point where work counts as lost, and a queue that records what it is handed.
function recordingQueue() {
  const tasks: { queue: QueueName; payload: Record<string, unknown>; id: string }[] = [];
  const ids = new Set<string>();
  const queue: TaskQueue = {
    async enqueue(name, payload, { id }) {
      if (ids.has(id)) return; // Cloud Tasks: one task per id
      ids.add(id);
      tasks.push({ queue: name, payload, id });
    },
  };
  return { queue, tasks, for: (key: string, value: string) => tasks.filter((t) => t.payload[key] === value) };
}

/** What the `sweep` function is given: test mode's sandboxes (this deployment has no live providers). */
function sweepDeps(tasks: TaskQueue): SweepDeps {
  const test = { db: db(), card: sandboxCardProvider(db(), BASE_URL), phone: sandboxPhoneBilling() };
  return {
    db: db(),
    tasks,
    providers: (mode) => {
      if (mode === 'live') throw new Error('no live providers in this deployment');
      return test;
    },
  };
}

let merchant: TestMerchant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  merchant = await createMerchant({ callbackUrl: receiver.url });
});

const HOUR = 3_600_000;
const db = () => admin().db;

/** An invoice whose SMS is due in an hour, so its own task leaves it alone meanwhile. */
async function scheduledInvoice() {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ sendAt: new Date(Date.now() + HOUR).toISOString() }) });
  expect(created.status).toBe(201);
  const invoice = await db().collection('invoices').doc(created.body.id).get();
  return { id: created.body.id as string, messageId: invoice.get('sms.messageId') as string };
}

// A sweep looks at every merchant's documents in the emulator, left by the suites before this one.
describe('sweepLostWork', { timeout: 180_000 }, () => {
  it('re-queues an SMS whose task was lost once per sweep, even when two sweeps run at once', async () => {
    const { messageId } = await scheduledInvoice();
    // The state a crash between the write and the enqueue leaves (here: the SMS queued, its due time passed).
    const later = Date.now() + 2 * HOUR;
    const q = recordingQueue();
    await Promise.all([sweepLostWork(sweepDeps(q.queue), later), sweepLostWork(sweepDeps(q.queue), later)]);
    expect(q.for('messageId', messageId)).toEqual([{ queue: 'dispatchSms', payload: { messageId }, id: `sms-${messageId}-sweep-1` }]);
    // Within the next LOST_AFTER_MS the claim holds; after it, the message is re-queued again under a new id.
    await sweepLostWork(sweepDeps(q.queue), later + LOST_AFTER_MS / 2);
    expect(q.for('messageId', messageId)).toHaveLength(1);
    await sweepLostWork(sweepDeps(q.queue), later + LOST_AFTER_MS + 1000);
    expect(q.for('messageId', messageId).map((t) => t.id)).toEqual([`sms-${messageId}-sweep-1`, `sms-${messageId}-sweep-2`]);
  });

  it(`settles an SMS that never goes out after ${MAX_SWEEPS} re-queues: failed, invoice undelivered with its callback`, async () => {
    const { id, messageId } = await scheduledInvoice();
    const q = recordingQueue();
    let at = Date.now() + 2 * HOUR;
    for (let i = 0; i <= MAX_SWEEPS; i++, at += LOST_AFTER_MS + 1000) await sweepLostWork(sweepDeps(q.queue), at);
    expect(q.for('messageId', messageId)).toHaveLength(MAX_SWEEPS);
    const message = await db().collection('smsMessages').doc(messageId).get();
    expect(message.get('status')).toBe('failed');
    const invoice = await db().collection('invoices').doc(id).get();
    expect(invoice.get('status')).toBe('undelivered');
    expect(invoice.get('sms')).toMatchObject({ status: 'failed', failureCode: 'not_sent' });
    const events = await db().collection('callbackEvents').where('invoiceId', '==', id).where('type', '==', 'invoice.sms.failed').get();
    expect(events.size).toBe(1);
  });

  it('re-queues a callback event left pending, or retrying past its next attempt, at its next attempt number', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const eventsOf = db().collection('callbackEvents').where('invoiceId', '==', created.body.id).where('type', '==', 'invoice.created');
    const delivered = await waitForSnapshot(eventsOf, (s) => s.docs.some((d) => d.get('status') === 'delivered'));
    const ref = delivered.docs[0]!.ref;
    const q = recordingQueue();
    const now = Date.now();
    // What a worker killed before its first attempt leaves: pending, no task.
    await ref.update({ status: 'pending', attempts: 0 });
    await sweepLostWork(sweepDeps(q.queue), now + LOST_AFTER_MS + 1000);
    expect(q.for('eventId', ref.id)).toEqual([{ queue: 'deliverCallback', payload: { eventId: ref.id, attempt: 1 }, id: `${ref.id}-1-sweep-1` }]);
    // Retrying, its next attempt's task lost.
    await ref.update({ status: 'retrying', attempts: 2, nextAttemptAt: Timestamp.fromMillis(now) });
    await sweepLostWork(sweepDeps(q.queue), now + 2 * (LOST_AFTER_MS + 1000));
    expect(q.for('eventId', ref.id).map((t) => [t.payload.attempt, t.id])).toEqual([
      [1, `${ref.id}-1-sweep-1`],
      [3, `${ref.id}-3-sweep-2`],
    ]);
    // Delivered events are never swept.
    await ref.update({ status: 'delivered' });
    await sweepLostWork(sweepDeps(q.queue), now + 3 * (LOST_AFTER_MS + 1000));
    expect(q.for('eventId', ref.id)).toHaveLength(2);
  });

  it('re-queues the expiry of an invoice still payable past its expiresAt, and leaves settled ones alone', async () => {
    const open = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ expiresAt: new Date(Date.now() + HOUR).toISOString() }) });
    const cancelled = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ expiresAt: new Date(Date.now() + HOUR).toISOString() }) });
    await api('POST', `/invoices/${cancelled.body.id}/cancel`, { key: merchant.apiKey });
    const q = recordingQueue();
    await sweepLostWork(sweepDeps(q.queue), Date.now() + 2 * HOUR);
    expect(q.for('invoiceId', open.body.id)).toEqual([{ queue: 'expireInvoice', payload: { invoiceId: open.body.id }, id: `expire-${open.body.id}-sweep-1` }]);
    expect(q.for('invoiceId', cancelled.body.id)).toEqual([]);
  });

  /** A card payment started at the sandbox checkout: the transaction `processing`, its session open. */
  async function cardPayment() {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice() });
    const txn = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'card' } });
    expect(txn.body).toMatchObject({ status: 'processing' });
    return { invoiceId: created.body.id as string, txnId: txn.body.id as string, sessionId: String(txn.body.next.url).split('/').pop()! };
  }
  const eventsOfType = async (invoiceId: string, type: string) => (await db().collection('callbackEvents').where('invoiceId', '==', invoiceId).where('type', '==', type).get()).size;

  it('settles a card transaction left processing whose webhook was lost, asking the provider; two sweeps pay it once', async () => {
    const paid = await cardPayment();
    const open = await cardPayment();
    const expired = await cardPayment();
    // The payer paid at the checkout and the provider's webhook never came (lost, or its handler crashed).
    await db().collection('sandboxSessions').doc(paid.sessionId).update({ status: 'complete' });
    // A checkout nobody finished, closed by the provider: no webhook for that either.
    await db().collection('sandboxSessions').doc(expired.sessionId).update({ status: 'expired' });

    // Within the provider's usual time the sweep leaves card payments alone.
    const early = await sweepLostWork(sweepDeps(recordingQueue().queue), Date.now());
    expect(early.transactions).not.toHaveProperty(paid.txnId);
    expect((await db().collection('invoices').doc(paid.invoiceId).get()).get('status')).toBe('processing');

    const later = Date.now() + CARD_STALE_MS + 1000;
    const [a, b] = await Promise.all([sweepLostWork(sweepDeps(recordingQueue().queue), later), sweepLostWork(sweepDeps(recordingQueue().queue), later)]);
    // Exactly one sweep applies it; the other either finds it already applied or, when the first
    // finished before its query ran, no longer sees it processing at all.
    const outcomes = [a.transactions[paid.txnId], b.transactions[paid.txnId]];
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect([undefined, 'duplicate']).toContain(outcomes.find((o) => o !== 'applied'));
    const invoice = await db().collection('invoices').doc(paid.invoiceId).get();
    expect(invoice.data()).toMatchObject({ status: 'paid', transaction: { id: paid.txnId, status: 'succeeded' } });
    expect((await db().collection('transactions').doc(paid.txnId).get()).get('status')).toBe('succeeded');
    // The payer's checkout still open: left processing, asked again by the next sweep.
    expect(a.transactions[open.txnId]).toBe('open');
    expect((await db().collection('invoices').doc(open.invoiceId).get()).get('status')).toBe('processing');
    // The expired checkout ends the attempt: the invoice can be paid again.
    expect((await db().collection('transactions').doc(expired.txnId).get()).data()).toMatchObject({ status: 'failed', failureCode: 'session_expired' });
    expect((await db().collection('invoices').doc(expired.invoiceId).get()).get('status')).toBe('opened');

    // Later sweeps find nothing more to do for the paid one: one invoice.paid, once on the timeline.
    const again = await sweepLostWork(sweepDeps(recordingQueue().queue), later + LOST_AFTER_MS);
    expect(again.transactions).not.toHaveProperty(paid.txnId);
    expect(await eventsOfType(paid.invoiceId, 'invoice.paid')).toBe(1);
    expect((await db().collection('invoices').doc(paid.invoiceId).collection('events').where('type', '==', 'invoice.paid').get()).size).toBe(1);
    expect(await eventsOfType(expired.invoiceId, 'invoice.payment_failed')).toBe(1);
  });

  it('ends a card attempt a crash left pending before its checkout was recorded, so the invoice can be paid again', async () => {
    const started = await cardPayment();
    // Rewind to what a worker killed between writing the transaction and recording its session leaves.
    await db().collection('transactions').doc(started.txnId).update({ status: 'pending', redirectUrl: null, providerSessionId: null, providerSessionExpiresAt: null });

    const early = await sweepLostWork(sweepDeps(recordingQueue().queue), Date.now());
    expect(early.transactions).not.toHaveProperty(started.txnId);
    const later = Date.now() + PENDING_STALE_MS + 1000;
    const [a, b] = await Promise.all([sweepLostWork(sweepDeps(recordingQueue().queue), later), sweepLostWork(sweepDeps(recordingQueue().queue), later)]);
    expect([a.transactions[started.txnId], b.transactions[started.txnId]]).toContain('not_started');
    expect((await db().collection('transactions').doc(started.txnId).get()).data()).toMatchObject({ status: 'failed', failureCode: 'not_started' });
    const invoice = await db().collection('invoices').doc(started.invoiceId).get();
    expect(invoice.data()).toMatchObject({ status: 'opened', transaction: { id: started.txnId, status: 'failed' } });
    expect(await eventsOfType(started.invoiceId, 'invoice.payment_failed')).toBe(1);
    const again = await sweepLostWork(sweepDeps(recordingQueue().queue), later + LOST_AFTER_MS);
    expect(again.transactions).not.toHaveProperty(started.txnId);

    const retry = await api('POST', `/pay/${invoice.get('payToken')}/transactions`, { body: { method: 'card' } });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).not.toBe(started.txnId);
  });

  it('finishes a refund a crash left reserved, found at the provider by its idempotency key', async () => {
    const { invoiceId, sessionId } = await cardPayment();
    const pay = await api('POST', `/sandbox/checkout/${sessionId}/pay`, { body: { cardNumber: '4242424242424242' } });
    expect(pay.status).toBe(200);
    await waitForSnapshot(db().collection('invoices').doc(invoiceId), (s) => s.get('status') === 'paid');
    const refund = await api('POST', `/invoices/${invoiceId}/refund`, { key: merchant.apiKey, body: { amount: 1_000 }, headers: { 'Idempotency-Key': 'sweep-refund' } });
    expect(refund.status).toBe(200);
    // Rewind to what a crash after the provider's refund leaves: the refund reserved, nothing recorded.
    const [doc] = (await db().collection('refunds').where('invoiceId', '==', invoiceId).get()).docs;
    await doc!.ref.update({ status: 'pending', providerRefundId: null });
    await db().collection('invoices').doc(invoiceId).update({ status: 'paid', amountRefunded: 0, refundPending: 1_000 });
    await db()
      .collection('transactions')
      .doc((await db().collection('invoices').doc(invoiceId).get()).get('transaction.id'))
      .update({ amountRefunded: 0 });

    const report = await sweepLostWork(sweepDeps(recordingQueue().queue), Date.now() + REFUND_STALE_MS + 1000);
    expect(report.refunds[doc!.id]).toBe('succeeded');
    expect((await db().collection('invoices').doc(invoiceId).get()).data()).toMatchObject({ status: 'partially_refunded', amountRefunded: 1_000, refundPending: 0 });
    const again = await sweepLostWork(sweepDeps(recordingQueue().queue), Date.now() + REFUND_STALE_MS + 1000);
    expect(again.refunds).not.toHaveProperty(doc!.id);
  });
});
