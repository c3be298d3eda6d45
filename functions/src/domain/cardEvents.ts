import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CardEvent } from '../adapters/cardProvider';
import { failTransaction } from './pay';
import { changeInvoice, invoiceRef } from './timeline';
import { settleSucceeded } from './settle';
import type { InvoiceDoc, TransactionDoc } from './types';

export type CardEventOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_transaction';

/**
 * Applies one verified card event. The provider's event id is recorded in the same Firestore
 * transaction as the state change it causes, so a redelivered event changes nothing, and the
 * state machine refuses any move backwards whatever order events arrive in.
 */
export async function applyCardEvent(db: Firestore, provider: string, event: CardEvent): Promise<CardEventOutcome> {
  if (event.kind === 'ignored') return 'ignored';
  if (event.kind === 'refunded') return applyProviderRefund(db, provider, event);
  const eventRef = db.collection('providerEvents').doc(`${provider}_${event.eventId}`);
  const txnRef = db.collection('transactions').doc(event.transactionId);

  if (event.kind === 'payment_failed' || event.kind === 'session_expired') {
    const exists = (await txnRef.get()).exists;
    if (!exists) return 'unknown_transaction';
    const [code, message] =
      event.kind === 'payment_failed' ? [event.failureCode, event.failureMessage] : ['session_expired', 'The checkout session expired before payment.'];
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
    tx.create(eventRef, { at: now, transactionId: txn.id, kind: event.kind });
    if (event.kind === 'payment_succeeded') settleSucceeded(db, tx, txn, invoice, now, event.paymentId);
    return 'applied';
  });
}

/**
 * A refund the provider reports (including ones made in its own dashboard): the invoice's refunded
 * total becomes the provider's, never less than we already know, so our own refunds' echoes and
 * out-of-order events change nothing.
 */
async function applyProviderRefund(
  db: Firestore,
  provider: string,
  event: Extract<CardEvent, { kind: 'refunded' }>,
): Promise<CardEventOutcome> {
  const found = await db.collection('transactions').where('providerPaymentId', '==', event.paymentId).limit(1).get();
  const txnRef = found.docs[0]?.ref;
  if (!txnRef) return 'unknown_transaction';
  const eventRef = db.collection('providerEvents').doc(`${provider}_${event.eventId}`);
  return db.runTransaction(async (tx) => {
    const [eventSnap, txnSnap] = await Promise.all([tx.get(eventRef), tx.get(txnRef)]);
    if (eventSnap.exists) return 'duplicate';
    const txn = txnSnap.data() as TransactionDoc;
    const invSnap = await tx.get(invoiceRef(db, txn.invoiceId));
    const invoice = invSnap.data() as InvoiceDoc;
    const now = Timestamp.now();
    tx.create(eventRef, { at: now, transactionId: txn.id, kind: event.kind });
    const known = invoice.amountRefunded + (invoice.refundPending ?? 0);
    if (event.amountRefunded <= known) return 'applied';
    const total = Math.min(event.amountRefunded - (invoice.refundPending ?? 0), txn.amount);
    const full = total >= txn.amount;
    tx.update(txnRef, { amountRefunded: total, ...(full ? { status: 'refunded' } : {}), updatedAt: now });
    changeInvoice(
      db,
      tx,
      invoice,
      {
        to: full ? 'refunded' : 'partially_refunded',
        patch: { amountRefunded: total, ...(full && invoice.transaction ? { transaction: { ...invoice.transaction, status: 'refunded' } } : {}) },
        timeline: { type: 'invoice.refunded', data: { amount: total - invoice.amountRefunded, total, source: provider } },
        callback: 'invoice.refunded',
      },
      now,
    );
    return 'applied';
  });
}
