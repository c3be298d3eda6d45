import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CardProvider } from '../adapters/cardProvider';
import type { PhoneBilling } from '../adapters/phoneBilling';
import { DomainError, notFound } from './errors';
import { newId, sha256Hex } from './ids';
import { phoneChargeRequest } from './pay';
import { invoiceToApi } from './serialize';
import { changeTransaction, invoiceRef } from './timeline';
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
      throw new DomainError('invalid_request', `At most ${refundable} can be refunded.`, {
        errors: [{ field: 'amount', code: 'too_big', minimum: 1, maximum: refundable, message: `Must be between 1 and ${refundable}.` }],
      });
    }
    if (txn.method === 'phone' && amount !== txn.amount) {
      throw new DomainError('invalid_request', 'Phone bill payments can only be refunded in full.', {
        errors: [{ field: 'amount', code: 'full_refund_only', minimum: txn.amount, maximum: txn.amount, message: `Omit it, or use ${txn.amount}.` }],
      });
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

  let outcome: RefundOutcome;
  try {
    outcome = await askProvider(deps, txn, invoice, refund);
  } catch (error) {
    outcome = { failure: `The provider could not refund: ${(error as Error).message}` };
  }
  const recorded = await recordRefundOutcome(db, refundId, outcome);
  if (recorded.refund.status === 'failed') throw new DomainError('provider_error', recorded.refund.failureMessage ?? 'The refund failed.');
  return { refund: recorded.refund, invoice: invoiceToApi(recorded.invoice) };
}

type RefundOutcome = { providerRefundId: string | null } | { failure: string };

const refundKey = (refundId: string) => `refund-${refundId}`;

async function askProvider(deps: RefundDeps, txn: TransactionDoc, invoice: InvoiceDoc, refund: RefundDoc): Promise<RefundOutcome> {
  if (txn.method === 'card') return { providerRefundId: (await deps.card.refund(txn.providerPaymentId!, refund.amount, refundKey(refund.id), txn.providerAccountId)).refundId };
  if ((await deps.phone.reverse(phoneChargeRequest(txn, invoice))).reversed) return { providerRefundId: null };
  return { failure: 'The phone billing provider says this payment can no longer be reversed.' };
}

/**
 * Records what the provider did with a reserved refund, once: whichever of the request itself
 * and reconciliation gets here first decides, and the other changes nothing. A failure releases
 * the reservation; a success moves the money on the transaction and the invoice.
 */
async function recordRefundOutcome(db: Firestore, refundId: string, outcome: RefundOutcome): Promise<{ refund: RefundDoc; invoice: InvoiceDoc }> {
  const refundRef = db.collection('refunds').doc(refundId);
  return db.runTransaction(async (tx) => {
    const refund = (await tx.get(refundRef)).data() as RefundDoc;
    const [invSnap, txnSnap] = await Promise.all([tx.get(invoiceRef(db, refund.invoiceId)), tx.get(db.collection('transactions').doc(refund.transactionId))]);
    const current = invSnap.data() as InvoiceDoc;
    if (refund.status !== 'pending') return { refund, invoice: current };
    const now = Timestamp.now();
    if ('failure' in outcome) {
      tx.update(refundRef, { status: 'failed', failureMessage: outcome.failure });
      tx.update(invSnap.ref, { refundPending: FieldValue.increment(-refund.amount) });
      return { refund: { ...refund, status: 'failed', failureMessage: outcome.failure }, invoice: { ...current, refundPending: (current.refundPending ?? 0) - refund.amount } };
    }
    const { providerRefundId } = outcome;
    tx.update(refundRef, { status: 'succeeded', providerRefundId });
    const txn = txnSnap.data() as TransactionDoc;
    const refunded = current.amountRefunded + refund.amount;
    const full = refunded >= txn.amount;
    const after = changeTransaction(
      db,
      tx,
      txn,
      { ...current, refundPending: (current.refundPending ?? 0) - refund.amount },
      {
        to: full ? 'refunded' : undefined,
        patch: { amountRefunded: (txn.amountRefunded ?? 0) + refund.amount },
        invoice: { to: full ? 'refunded' : 'partially_refunded', patch: { amountRefunded: refunded, refundPending: (current.refundPending ?? 0) - refund.amount } },
        timeline: { type: 'invoice.refunded', data: { refundId, amount: refund.amount, total: refunded, providerRefundId } },
        callback: 'invoice.refunded',
      },
      now,
    )?.invoice;
    return { refund: { ...refund, status: 'succeeded', providerRefundId }, invoice: after ?? current };
  });
}

/** A reserved refund older than this had its request die (crash, timeout) before the outcome was recorded. */
export const REFUND_STALE_MS = 10 * 60_000;

/**
 * Finishes or releases refunds left reserved by a crash between reserving and recording. The
 * provider is asked by the refund's idempotency key, never asked to refund again: a card refund
 * it made is recorded as made, one it never received is released (the merchant may refund again).
 * A phone reversal is keyed by the payment itself (full amount only), so asking again cannot
 * reverse twice. Returns each refund's outcome by id.
 */
export async function reconcileReservedRefunds(
  deps: { db: Firestore; providers(mode: TransactionDoc['mode']): RefundDeps },
  olderThanMs = REFUND_STALE_MS,
  now = Date.now(),
): Promise<Record<string, string>> {
  const { db } = deps;
  const stale = await db
    .collection('refunds')
    .where('status', '==', 'pending')
    .where('createdAt', '<', Timestamp.fromMillis(now - olderThanMs))
    .limit(200)
    .get();
  const outcomes: Record<string, string> = {};
  for (const doc of stale.docs) {
    const refund = doc.data() as RefundDoc;
    try {
      const txn = (await db.collection('transactions').doc(refund.transactionId).get()).data() as TransactionDoc;
      const invoice = (await invoiceRef(db, refund.invoiceId).get()).data() as InvoiceDoc;
      // The providers of the mode the payment was made in, as when the refund began.
      const providers = deps.providers(txn.mode);
      let outcome: RefundOutcome;
      if (txn.method === 'card') {
        const made = await providers.card.findRefund(txn.providerPaymentId!, refundKey(refund.id), txn.providerAccountId);
        outcome =
          made && made.status !== 'failed' && made.status !== 'canceled'
            ? { providerRefundId: made.refundId }
            : { failure: made ? `The card provider reports the refund ${made.status}.` : 'The refund was interrupted before the card provider received it; nothing was refunded.' };
      } else {
        outcome = await askProvider(providers, txn, invoice, refund);
      }
      outcomes[refund.id] = (await recordRefundOutcome(db, refund.id, outcome)).refund.status;
    } catch (error) {
      outcomes[refund.id] = `error: ${(error as Error).message}`;
    }
  }
  return outcomes;
}
