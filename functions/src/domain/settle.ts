import type { Firestore, Timestamp, Transaction } from 'firebase-admin/firestore';
import { canMoveTransaction, isSettled } from './status';
import { changeTransaction, recordTimeline } from './timeline';
import type { EvidenceDifference } from './evidence';
import { queueSms, renderReceiptSms } from './phoneSms';
import type { InvoiceDoc, TransactionDoc } from './types';

/**
 * Evidence that did not match the transaction: nothing moves, and the merchant sees on the
 * timeline what differed. Written without touching the invoice itself.
 */
export function recordPaymentMismatch(
  db: Firestore,
  tx: Transaction,
  invoice: InvoiceDoc,
  mismatch: { transactionId: string; provider: string; eventId: string | null; event: string; differences: EvidenceDifference[] },
  now: Timestamp,
): void {
  recordTimeline(db, tx, invoice, { timeline: { type: 'payment.mismatch', data: mismatch } }, now);
}

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
  /** Billing information the provider gave with the outcome (a phone payment's operator). */
  details: Pick<Partial<TransactionDoc>, 'operator'> = {},
): boolean {
  if (!canMoveTransaction(txn.status, 'succeeded')) return false;
  if (txn.mode === 'live' && txn.provider === 'sandbox') {
    // Defence in depth: a sandbox never settles a live transaction, whoever asks.
    const differences: EvidenceDifference[] = [{ field: 'mode', expected: 'live', received: 'sandbox' }];
    recordPaymentMismatch(db, tx, invoice, { transactionId: txn.id, provider: txn.provider, eventId: null, event: 'payment_succeeded', differences }, now);
    return false;
  }
  const succeeded = { succeededAt: now, providerPaymentId: providerPaymentId ?? txn.providerPaymentId, ...details };
  if (isSettled(invoice.status) && invoice.transaction?.id !== txn.id) {
    // A second attempt was paid too (an old checkout tab, a PIN): record the money and tell the
    // merchant to refund it, without a second "paid".
    return Boolean(
      changeTransaction(
        db,
        tx,
        txn,
        invoice,
        { to: 'succeeded', patch: succeeded, timeline: { type: 'invoice.payment_duplicate', data: { transactionId: txn.id, method: txn.method, amount: txn.amount } } },
        now,
      ),
    );
  }
  const changed = changeTransaction(
    db,
    tx,
    txn,
    invoice,
    {
      to: 'succeeded',
      patch: { ...succeeded, failureCode: null, failureMessage: null },
      latest: true,
      invoice: { to: 'paid', patch: { paidAt: now } },
      timeline: { type: 'invoice.paid', data: { transactionId: txn.id, method: txn.method, provider: txn.provider } },
      callback: 'invoice.paid',
    },
    now,
  );
  if (!changed) return false;
  const paid = changed.invoice;
  if (paid && (txn.method === 'phone' || invoice.smsReceipt)) queueSms(db, tx, paid, 'receipt', renderReceiptSms(paid), now);
  return true;
}
