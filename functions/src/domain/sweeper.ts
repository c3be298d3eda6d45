import { Timestamp, type DocumentReference, type Firestore, type Query } from 'firebase-admin/firestore';
import type { TaskQueue } from '../adapters/tasks';
import type { CardProvider } from '../adapters/cardProvider';
import type { PhoneBilling } from '../adapters/phoneBilling';
import { reconcileStale } from './reconcile';
import { REFUND_STALE_MS, reconcileReservedRefunds } from './refunds';
import { recordSmsStatus } from './sms';
import { INVOICE_STATUSES, isPayable, type InvoiceStatus } from './status';
import type { Mode, SmsMessageDoc } from './types';

const PAYABLE = INVOICE_STATUSES.filter(isPayable);

/**
 * How long work may sit without its task before the sweeper calls it lost. Longer than a queue's
 * own retries take to start (and than a bulk import's SMS wait behind the send rate limit), so
 * the sweeper only finds work whose task is gone: a trigger that crashed before enqueueing, a
 * worker killed mid-attempt, a queue that gave up.
 */
export const LOST_AFTER_MS = 10 * 60_000;
/** Work re-queued this many times without finishing is settled as failed, so nothing is retried forever. */
export const MAX_SWEEPS = 5;
const PAGE = 200;
const MAX_PER_SWEEP = 2_000;

export interface SweepDeps {
  db: Firestore;
  tasks: TaskQueue;
  /** The providers of a mode (services.providers): asked about work only they can answer for. */
  providers(mode: Mode): { db: Firestore; card: CardProvider; phone: PhoneBilling };
}

export interface SweepReport {
  sms: { requeued: number; failed: number };
  callbacks: { requeued: number; failed: number };
  expiries: number;
  /** Transactions left `processing` (or a PIN left untyped) that the provider was asked about, with what came of it, by id. */
  transactions: Record<string, string>;
  /** Refunds left reserved that were finished or released, by id. */
  refunds: Record<string, string>;
}

/**
 * One sweep (the scheduled `sweep` function's work, every 5 minutes): every SMS still queued,
 * being sent, or scheduled past its time, and every callback event pending or retrying past its
 * next attempt, and every invoice still payable past its expiry, is handed to its queue again.
 * Each re-queue is claimed in a transaction on the document (`sweeps`, `sweptAt`) and the task id
 * names the claim, so two sweeps at once queue it once, and the task itself still checks the
 * document's state before doing anything.
 * Then the work only a provider can answer for: a card or phone transaction left `processing`
 * past its provider's usual time is looked up at the provider and settled from its record
 * (domain/reconcile.ts; applied under an event id derived from the session and its state, so a
 * second sweep, or the webhook arriving late, changes nothing again), and a refund left reserved
 * is finished or released by asking the provider by its idempotency key (domain/refunds.ts).
 */
export async function sweepLostWork(deps: SweepDeps, now = Date.now()): Promise<SweepReport> {
  const cutoff = Timestamp.fromMillis(now - LOST_AFTER_MS);
  const { db } = deps;
  const sms = { requeued: 0, failed: 0 };
  const callbacks = { requeued: 0, failed: 0 };

  const messages = [
    db.collection('smsMessages').where('status', 'in', ['queued', 'sending']).where('updatedAt', '<', cutoff),
    db.collection('smsMessages').where('status', '==', 'scheduled').where('sendAt', '<', cutoff),
  ];
  for (const ref of await lostDocuments(messages)) {
    const outcome = await claimSweep(db, ref, now, (data) => isLostSms(data, cutoff));
    if (outcome === 'give_up') {
      // Its invoice becomes `undelivered`, with its `invoice.sms.failed` callback.
      await recordSmsStatus(db, { messageId: ref.id, status: 'failed', failureCode: 'not_sent' });
      sms.failed++;
    } else if (outcome !== null) {
      await deps.tasks.enqueue('dispatchSms', { messageId: ref.id }, { id: `sms-${ref.id}-sweep-${outcome}` });
      sms.requeued++;
    }
  }

  const events = [
    db.collection('callbackEvents').where('status', '==', 'pending').where('updatedAt', '<', cutoff),
    db.collection('callbackEvents').where('status', '==', 'retrying').where('nextAttemptAt', '<', cutoff),
  ];
  for (const ref of await lostDocuments(events)) {
    let attempt = 0;
    const outcome = await claimSweep(db, ref, now, (data) => {
      attempt = (data.attempts as number) + 1;
      return isLostCallback(data, cutoff);
    });
    if (outcome === 'give_up') {
      await ref.update({ status: 'failed', lastError: `no delivery attempt finished after ${MAX_SWEEPS} re-queues`, nextAttemptAt: null, updatedAt: Timestamp.fromMillis(now) });
      callbacks.failed++;
    } else if (outcome !== null) {
      await deps.tasks.enqueue('deliverCallback', { eventId: ref.id, attempt }, { id: `${ref.id}-${attempt}-sweep-${outcome}` });
      callbacks.requeued++;
    }
  }

  // An expiry task that never ran: the invoice is still payable a while after its `expiresAt`.
  let expiries = 0;
  for (const ref of await lostDocuments([
    db
      .collection('invoices')
      .where('status', 'in', [...PAYABLE])
      .where('expiresAt', '<', cutoff),
  ])) {
    const outcome = await claimSweep(db, ref, now, (data) => isPayable(data.status as InvoiceStatus) && (data.expiresAt as Timestamp).toMillis() < cutoff.toMillis());
    if (outcome === null || outcome === 'give_up') continue;
    await deps.tasks.enqueue('expireInvoice', { invoiceId: ref.id }, { id: `expire-${ref.id}-sweep-${outcome}` });
    expiries++;
  }

  const transactions = await reconcileStale(deps, now);
  const refunds = await reconcileReservedRefunds(deps, REFUND_STALE_MS, now);
  return { sms, callbacks, expiries, transactions, refunds };
}

/** Every document the queries match, page by page, up to MAX_PER_SWEEP each (the next sweep takes the rest). */
async function lostDocuments(queries: Query[]): Promise<DocumentReference[]> {
  const found: DocumentReference[] = [];
  for (const query of queries) {
    let page = await query.limit(PAGE).get();
    let taken = page.size;
    found.push(...page.docs.map((d) => d.ref));
    while (page.size === PAGE && taken < MAX_PER_SWEEP) {
      page = await query
        .startAfter(page.docs[page.size - 1]!)
        .limit(PAGE)
        .get();
      taken += page.size;
      found.push(...page.docs.map((d) => d.ref));
    }
  }
  return found;
}

export const isLostSms = (message: FirebaseFirestore.DocumentData, cutoff: Timestamp) => {
  const status = message.status as SmsMessageDoc['status'];
  if (status === 'queued' || status === 'sending') return (message.updatedAt as Timestamp).toMillis() < cutoff.toMillis();
  return status === 'scheduled' && (message.sendAt as Timestamp | null) !== null && (message.sendAt as Timestamp).toMillis() < cutoff.toMillis();
};

export const isLostCallback = (event: FirebaseFirestore.DocumentData, cutoff: Timestamp) => {
  if (event.status === 'pending') return (event.updatedAt as Timestamp).toMillis() < cutoff.toMillis();
  return event.status === 'retrying' && Boolean(event.nextAttemptAt) && (event.nextAttemptAt as Timestamp).toMillis() < cutoff.toMillis();
};

/**
 * Claims one re-queue of a lost document: null when it is no longer lost or another sweep took
 * it within the last LOST_AFTER_MS, 'give_up' after MAX_SWEEPS, else the sweep's number.
 */
async function claimSweep(db: Firestore, ref: DocumentReference, now: number, stillLost: (data: FirebaseFirestore.DocumentData) => boolean): Promise<number | 'give_up' | null> {
  return db.runTransaction(async (tx) => {
    const data = (await tx.get(ref)).data();
    if (!data || !stillLost(data)) return null;
    const claim = nextSweep(data as { sweeps?: number; sweptAt?: Timestamp }, now);
    if (claim === null) return null;
    tx.update(ref, { sweeps: ((data.sweeps as number | undefined) ?? 0) + 1, sweptAt: Timestamp.fromMillis(now) });
    return claim;
  });
}

/**
 * Whether a sweep at `now` may re-queue a lost document, from its sweep record: null while an
 * earlier sweep's claim is younger than LOST_AFTER_MS, 'give_up' past MAX_SWEEPS, else the number
 * of this sweep (it names the task, so a task is queued once per claim).
 */
export function nextSweep(data: { sweeps?: number; sweptAt?: Timestamp }, now: number): number | 'give_up' | null {
  if (data.sweptAt && data.sweptAt.toMillis() > now - LOST_AFTER_MS) return null;
  const sweeps = (data.sweeps ?? 0) + 1;
  return sweeps > MAX_SWEEPS ? 'give_up' : sweeps;
}
