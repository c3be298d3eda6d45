import { beforeAll, describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { startReceiver } from '../support/receiver';
import { LOST_AFTER_MS, MAX_SWEEPS, sweepLostWork } from '../../functions/src/domain/sweeper';
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
    await Promise.all([sweepLostWork({ db: db(), tasks: q.queue }, later), sweepLostWork({ db: db(), tasks: q.queue }, later)]);
    expect(q.for('messageId', messageId)).toEqual([{ queue: 'dispatchSms', payload: { messageId }, id: `sms-${messageId}-sweep-1` }]);
    // Within the next LOST_AFTER_MS the claim holds; after it, the message is re-queued again under a new id.
    await sweepLostWork({ db: db(), tasks: q.queue }, later + LOST_AFTER_MS / 2);
    expect(q.for('messageId', messageId)).toHaveLength(1);
    await sweepLostWork({ db: db(), tasks: q.queue }, later + LOST_AFTER_MS + 1000);
    expect(q.for('messageId', messageId).map((t) => t.id)).toEqual([`sms-${messageId}-sweep-1`, `sms-${messageId}-sweep-2`]);
  });

  it(`settles an SMS that never goes out after ${MAX_SWEEPS} re-queues: failed, invoice undelivered with its callback`, async () => {
    const { id, messageId } = await scheduledInvoice();
    const q = recordingQueue();
    let at = Date.now() + 2 * HOUR;
    for (let i = 0; i <= MAX_SWEEPS; i++, at += LOST_AFTER_MS + 1000) await sweepLostWork({ db: db(), tasks: q.queue }, at);
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
    await sweepLostWork({ db: db(), tasks: q.queue }, now + LOST_AFTER_MS + 1000);
    expect(q.for('eventId', ref.id)).toEqual([{ queue: 'deliverCallback', payload: { eventId: ref.id, attempt: 1 }, id: `${ref.id}-1-sweep-1` }]);
    // Retrying, its next attempt's task lost.
    await ref.update({ status: 'retrying', attempts: 2, nextAttemptAt: Timestamp.fromMillis(now) });
    await sweepLostWork({ db: db(), tasks: q.queue }, now + 2 * (LOST_AFTER_MS + 1000));
    expect(q.for('eventId', ref.id).map((t) => [t.payload.attempt, t.id])).toEqual([[1, `${ref.id}-1-sweep-1`], [3, `${ref.id}-3-sweep-2`]]);
    // Delivered events are never swept.
    await ref.update({ status: 'delivered' });
    await sweepLostWork({ db: db(), tasks: q.queue }, now + 3 * (LOST_AFTER_MS + 1000));
    expect(q.for('eventId', ref.id)).toHaveLength(2);
  });

  it('re-queues the expiry of an invoice still payable past its expiresAt, and leaves settled ones alone', async () => {
    const open = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ expiresAt: new Date(Date.now() + HOUR).toISOString() }) });
    const cancelled = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ expiresAt: new Date(Date.now() + HOUR).toISOString() }) });
    await api('POST', `/invoices/${cancelled.body.id}/cancel`, { key: merchant.apiKey });
    const q = recordingQueue();
    await sweepLostWork({ db: db(), tasks: q.queue }, Date.now() + 2 * HOUR);
    expect(q.for('invoiceId', open.body.id)).toEqual([{ queue: 'expireInvoice', payload: { invoiceId: open.body.id }, id: `expire-${open.body.id}-sweep-1` }]);
    expect(q.for('invoiceId', cancelled.body.id)).toEqual([]);
  });
});
