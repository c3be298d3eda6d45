import type { Firestore, Timestamp, Transaction } from 'firebase-admin/firestore';
import { canMoveTransaction, isSettled } from './status';
import { changeInvoice } from './timeline';
import { queueSms, renderReceiptSms } from './phoneSms';
import type { InvoiceDoc, TransactionDoc } from './types';

/**
 * A provider confirmed the money: the transaction succeeds and the invoice is paid, with the
 * SMS receipt (always for phone payments, for card when the merchant asked for it), in the
 * caller's transaction. Returns false when the transaction had already moved past this point.
 */
export function settleSucceeded(
  db: Firestore,
  tx: Transaction,
  txn: TransactionDoc,
  invoice: InvoiceDoc,
  now: Timestamp,
  providerPaymentId: string | null,
): boolean {
  if (!canMoveTransaction(txn.status, 'succeeded')) return false;
  if (isSettled(invoice.status) && invoice.transaction?.id !== txn.id) {
    // A second attempt was paid too (an old checkout tab, a PIN): record the money and tell the
    // merchant to refund it, without a second "paid".
    tx.update(db.collection('transactions').doc(txn.id), { status: 'succeeded', succeededAt: now, providerPaymentId: providerPaymentId ?? txn.providerPaymentId, updatedAt: now });
    changeInvoice(db, tx, invoice, { timeline: { type: 'invoice.payment_duplicate', data: { transactionId: txn.id, method: txn.method, amount: txn.amount } } }, now);
    return true;
  }
  tx.update(db.collection('transactions').doc(txn.id), {
    status: 'succeeded',
    succeededAt: now,
    providerPaymentId: providerPaymentId ?? txn.providerPaymentId,
    failureCode: null,
    failureMessage: null,
    updatedAt: now,
  });
  const paid = changeInvoice(
    db,
    tx,
    invoice,
    {
      to: 'paid',
      patch: { paidAt: now, transaction: { id: txn.id, method: txn.method, provider: txn.provider, status: 'succeeded' } },
      timeline: { type: 'invoice.paid', data: { transactionId: txn.id, method: txn.method, provider: txn.provider } },
      callback: 'invoice.paid',
    },
    now,
  );
  if (paid && (txn.method === 'phone' || invoice.smsReceipt)) queueSms(db, tx, paid, 'receipt', renderReceiptSms(paid), now);
  return true;
}
