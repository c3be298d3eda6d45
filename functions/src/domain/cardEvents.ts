import { Timestamp, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import type { CardEvent } from '../adapters/cardProvider';
import { applyAccountUpdated, type ConnectOutcome } from './connect';
import { evidenceDifferences, type EvidenceDifference } from './evidence';
import { failTransaction } from './pay';
import { changeTransaction, invoiceRef } from './timeline';
import { recordPaymentMismatch, settleSucceeded } from './settle';
import type { InvoiceDoc, Mode, TransactionDoc } from './types';

export type CardEventOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_transaction' | 'mismatch' | ConnectOutcome;

type PaymentEvent = Exclude<CardEvent, { kind: 'ignored' } | { kind: 'refunded' } | { kind: 'account_updated' }>;

const providerEventRef = (db: Firestore, provider: string, eventId: string) => db.collection('providerEvents').doc(`${provider}_${eventId}`);

/**
 * The mode of the provider whose secret verified the event (or that reconciliation asked) must be
 * the transaction's: a test-mode event never moves a live transaction, nor a live one a test one.
 */
const sameMode = (txn: TransactionDoc, mode: Mode, differences: EvidenceDifference[]): EvidenceDifference[] =>
  txn.mode === mode ? differences : [...differences, { field: 'mode', expected: txn.mode, received: mode }];

/** Whether a session or payment event is evidence about this transaction (see `evidenceDifferences`). */
const paymentEventDifferences = (txn: TransactionDoc, provider: string, event: PaymentEvent, mode: Mode) =>
  sameMode(txn, mode, evidenceDifferences(txn, provider, event.evidence, { session: event.kind !== 'payment_failed', merchant: true }));

/**
 * Applies one verified card event. The transaction named in the event is only a lookup: the
 * event moves it only when its evidence matches (session, amount, currency, merchant, mode);
 * otherwise it is recorded as `payment.mismatch` and nothing changes. The provider's event id is
 * recorded in the same Firestore transaction as what the event causes, so a redelivered event
 * changes nothing, and the state machine refuses any move backwards whatever order events arrive in.
 */
export async function applyCardEvent(db: Firestore, provider: string, event: CardEvent, mode: Mode): Promise<CardEventOutcome> {
  if (event.kind === 'ignored') return 'ignored';
  if (event.kind === 'refunded') return applyProviderRefund(db, provider, event, mode);
  if (event.kind === 'account_updated') return applyAccountUpdated(db, provider, event, mode);
  const eventRef = providerEventRef(db, provider, event.eventId);
  const txnRef = db.collection('transactions').doc(event.transactionId);

  if (event.kind === 'payment_failed' || event.kind === 'session_expired') {
    const txn = (await txnRef.get()).data() as TransactionDoc | undefined;
    if (!txn) return 'unknown_transaction';
    const differences = paymentEventDifferences(txn, provider, event, mode);
    if (differences.length) return recordMismatchOnce(db, eventRef, txn, provider, event, differences);
    const [code, message] = event.kind === 'payment_failed' ? [event.failureCode, event.failureMessage] : ['session_expired', 'The checkout session expired before payment.'];
    await failTransaction(db, event.transactionId, code, message, eventRef);
    return 'applied';
  }

  return db.runTransaction(async (tx) => {
    const [eventSnap, txnSnap] = await Promise.all([tx.get(eventRef), tx.get(txnRef)]);
    if (eventSnap.exists) return 'duplicate';
    const txn = txnSnap.data() as TransactionDoc | undefined;
    if (!txn) return 'unknown_transaction';
    const invSnap = await tx.get(invoiceRef(db, txn.invoiceId));
    const invoice = invSnap.data() as InvoiceDoc;
    const now = Timestamp.now();
    const differences = paymentEventDifferences(txn, provider, event, mode);
    tx.create(eventRef, { at: now, transactionId: txn.id, kind: differences.length ? 'mismatch' : event.kind });
    if (differences.length) {
      recordPaymentMismatch(db, tx, invoice, { transactionId: txn.id, provider, eventId: event.eventId, event: event.kind, differences }, now);
      return 'mismatch';
    }
    if (event.kind === 'payment_succeeded') settleSucceeded(db, tx, txn, invoice, now, event.evidence.paymentId);
    return 'applied';
  });
}

async function recordMismatchOnce(
  db: Firestore,
  eventRef: DocumentReference,
  txn: TransactionDoc,
  provider: string,
  event: PaymentEvent,
  differences: EvidenceDifference[],
): Promise<CardEventOutcome> {
  return db.runTransaction(async (tx) => {
    const [eventSnap, invSnap] = await Promise.all([tx.get(eventRef), tx.get(invoiceRef(db, txn.invoiceId))]);
    if (eventSnap.exists) return 'duplicate';
    const now = Timestamp.now();
    tx.create(eventRef, { at: now, transactionId: txn.id, kind: 'mismatch' });
    recordPaymentMismatch(db, tx, invSnap.data() as InvoiceDoc, { transactionId: txn.id, provider, eventId: event.eventId, event: event.kind, differences }, now);
    return 'mismatch';
  });
}

/**
 * A refund the provider reports (including ones made in its own dashboard), matched to the one
 * transaction whose payment it refunds. For the invoice's kept payment, the invoice's refunded
 * total becomes the provider's, never less than we already know, so our own refunds' echoes and
 * out-of-order events change nothing. A refunded duplicate payment changes only that transaction.
 */
async function applyProviderRefund(db: Firestore, provider: string, event: Extract<CardEvent, { kind: 'refunded' }>, mode: Mode): Promise<CardEventOutcome> {
  const found = await db.collection('transactions').where('provider', '==', provider).where('providerPaymentId', '==', event.evidence.paymentId).limit(1).get();
  const txnRef = found.docs[0]?.ref;
  if (!txnRef) return 'unknown_transaction';
  const eventRef = providerEventRef(db, provider, event.eventId);
  return db.runTransaction(async (tx) => {
    const [eventSnap, txnSnap] = await Promise.all([tx.get(eventRef), tx.get(txnRef)]);
    if (eventSnap.exists) return 'duplicate';
    const txn = txnSnap.data() as TransactionDoc;
    const invSnap = await tx.get(invoiceRef(db, txn.invoiceId));
    const invoice = invSnap.data() as InvoiceDoc;
    const now = Timestamp.now();
    const differences = sameMode(txn, mode, evidenceDifferences(txn, provider, event.evidence, { session: false, merchant: false }));
    tx.create(eventRef, { at: now, transactionId: txn.id, kind: differences.length ? 'mismatch' : event.kind });
    if (differences.length) {
      recordPaymentMismatch(db, tx, invoice, { transactionId: txn.id, provider, eventId: event.eventId, event: event.kind, differences }, now);
      return 'mismatch';
    }
    if (invoice.transaction?.id !== txn.id) {
      // A duplicate payment (see settleSucceeded) refunded at the provider: the kept payment and the invoice stay as they are.
      const total = Math.min(Math.max(event.amountRefunded, txn.amountRefunded ?? 0), txn.amount);
      if (total <= (txn.amountRefunded ?? 0)) return 'applied';
      changeTransaction(
        db,
        tx,
        txn,
        invoice,
        {
          to: total >= txn.amount ? 'refunded' : undefined,
          patch: { amountRefunded: total },
          timeline: { type: 'invoice.payment_duplicate_refunded', data: { transactionId: txn.id, amount: total - (txn.amountRefunded ?? 0), total, source: provider } },
        },
        now,
      );
      return 'applied';
    }
    const known = invoice.amountRefunded + (invoice.refundPending ?? 0);
    if (event.amountRefunded <= known) return 'applied';
    const total = Math.min(event.amountRefunded - (invoice.refundPending ?? 0), txn.amount);
    const full = total >= txn.amount;
    changeTransaction(
      db,
      tx,
      txn,
      invoice,
      {
        to: full ? 'refunded' : undefined,
        patch: { amountRefunded: total },
        invoice: { to: full ? 'refunded' : 'partially_refunded', patch: { amountRefunded: total } },
        timeline: { type: 'invoice.refunded', data: { amount: total - invoice.amountRefunded, total, source: provider } },
        callback: 'invoice.refunded',
      },
      now,
    );
    return 'applied';
  });
}
