import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CardProvider } from '../adapters/cardProvider';
import type { PhoneBilling } from '../adapters/phoneBilling';
import { DomainError, notFound } from './errors';
import { newId, sha256Hex } from './ids';
import { phoneChargeRequest } from './pay';
import { invoiceToApi } from './serialize';
import { changeInvoice, invoiceRef } from './timeline';
import type { InvoiceDoc, TransactionDoc } from './types';

export interface RefundDeps {
  db: Firestore;
  card: CardProvider;
  phone: PhoneBilling;
}

interface RefundDoc {
  id: string;
  merchantId: string;
  invoiceId: string;
  transactionId: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
  providerRefundId: string | null;
  failureMessage: string | null;
  createdAt: Timestamp;
}

/**
 * Refunds all or part of an invoice's paid transaction through its provider. The amount is
 * reserved on the invoice before the provider is asked, so concurrent refunds never exceed what
 * was paid; the same Idempotency-Key names the same refund, so a retried request refunds once.
 */
export async function refundInvoice(deps: RefundDeps, merchantId: string, invoiceId: string, requested: number | undefined, idempotencyKey: string | undefined) {
  const { db } = deps;
  if (!/^inv_[A-Za-z0-9]{22}$/.test(invoiceId)) throw notFound('Invoice');
  const refundId = idempotencyKey ? `re_${sha256Hex(`${merchantId}:${invoiceId}:${idempotencyKey}`).slice(0, 24)}` : newId('re');
  const refundRef = db.collection('refunds').doc(refundId);

  const begun = await db.runTransaction(async (tx) => {
    const [invSnap, existing] = await Promise.all([tx.get(invoiceRef(db, invoiceId)), tx.get(refundRef)]);
    const invoice = invSnap.data() as InvoiceDoc | undefined;
    if (!invoice || invoice.merchantId !== merchantId) throw notFound('Invoice');
    if (existing.exists) return { replay: existing.data() as RefundDoc, refund: null, txn: null, invoice: null };
    if (invoice.status !== 'paid' && invoice.status !== 'partially_refunded') {
      throw new DomainError('invalid_state', `Only a paid invoice can be refunded; this one is ${invoice.status}.`);
    }
    const txn = (await tx.get(db.collection('transactions').doc(invoice.transaction!.id))).data() as TransactionDoc;
    const refundable = txn.amount - invoice.amountRefunded - (invoice.refundPending ?? 0);
    const amount = requested ?? refundable;
    if (amount <= 0 || amount > refundable) {
      throw new DomainError('invalid_request', `At most ${refundable} can be refunded.`, { errors: [{ field: 'amount', message: `Must be between 1 and ${refundable}.` }] });
    }
    if (txn.method === 'phone' && amount !== txn.amount) {
      throw new DomainError('invalid_request', 'Phone bill payments can only be refunded in full.', { errors: [{ field: 'amount', message: `Omit it, or use ${txn.amount}.` }] });
    }
    const refund: RefundDoc = { id: refundId, merchantId, invoiceId, transactionId: txn.id, amount, status: 'pending', providerRefundId: null, failureMessage: null, createdAt: Timestamp.now() };
    tx.create(refundRef, refund);
    tx.update(invSnap.ref, { refundPending: FieldValue.increment(amount) });
    return { replay: null, refund, txn, invoice };
  });
  if (begun.replay) {
    if (begun.replay.status === 'failed') throw new DomainError('provider_error', begun.replay.failureMessage ?? 'The refund failed.');
    return { refund: begun.replay, invoice: invoiceToApi((await invoiceRef(db, invoiceId).get()).data() as InvoiceDoc) };
  }
  const { refund, txn, invoice } = begun;

  let providerRefundId: string | null = null;
  let failure: string | null = null;
  try {
    if (txn.method === 'card') {
      providerRefundId = (await deps.card.refund(txn.providerPaymentId!, refund.amount, `refund-${refundId}`)).refundId;
    } else if (!(await deps.phone.reverse(phoneChargeRequest(txn, invoice))).reversed) {
      failure = 'The phone billing provider says this payment can no longer be reversed.';
    }
  } catch (error) {
    failure = `The provider could not refund: ${(error as Error).message}`;
  }

  const after = await db.runTransaction(async (tx) => {
    const [invSnap, txnSnap] = await Promise.all([tx.get(invoiceRef(db, invoiceId)), tx.get(db.collection('transactions').doc(txn.id))]);
    const current = invSnap.data() as InvoiceDoc;
    const now = Timestamp.now();
    tx.update(refundRef, { status: failure ? 'failed' : 'succeeded', providerRefundId, failureMessage: failure });
    if (failure) {
      tx.update(invSnap.ref, { refundPending: FieldValue.increment(-refund.amount) });
      return current;
    }
    const refunded = current.amountRefunded + refund.amount;
    const full = refunded >= txn.amount;
    const fresh = txnSnap.data() as TransactionDoc;
    tx.update(txnSnap.ref, { amountRefunded: (fresh.amountRefunded ?? 0) + refund.amount, ...(full ? { status: 'refunded' } : {}), updatedAt: now });
    return (
      changeInvoice(
        db,
        tx,
        { ...current, refundPending: (current.refundPending ?? 0) - refund.amount },
        {
          to: full ? 'refunded' : 'partially_refunded',
          patch: {
            amountRefunded: refunded,
            refundPending: (current.refundPending ?? 0) - refund.amount,
            ...(full && current.transaction ? { transaction: { ...current.transaction, status: 'refunded' } } : {}),
          },
          timeline: { type: 'invoice.refunded', data: { refundId, amount: refund.amount, total: refunded, providerRefundId } },
          callback: 'invoice.refunded',
        },
        now,
      ) ?? current
    );
  });
  if (failure) throw new DomainError('provider_error', failure);
  return { refund: { ...refund, status: 'succeeded' as const, providerRefundId }, invoice: invoiceToApi(after) };
}
