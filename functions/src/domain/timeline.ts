import { Timestamp, type DocumentData, type DocumentReference, type Firestore, type UpdateData } from 'firebase-admin/firestore';
import { canMoveInvoice, canMoveTransaction, type InvoiceStatus, type TransactionStatus } from './status';
import { invoiceToApi } from './serialize';
import { newId } from './ids';
import type { CallbackType, InvoiceDoc, InvoiceTransactionSummary, TimelineType, TransactionDoc } from './types';

/** A timeline entry, and with it (when the invoice has a callback URL) the merchant callback. */
type TimelineChange = { timeline: { type: TimelineType; data?: Record<string, unknown> }; callback?: CallbackType } | { timeline?: undefined; callback?: undefined };

export type InvoiceChange = {
  /** The status to move to; omitted when only other fields change. */
  to?: InvoiceStatus;
  patch?: Partial<InvoiceDoc>;
} & TimelineChange;

/** Anything that can create documents: a Firestore transaction or a write batch. */
export interface DocumentWriter {
  create(ref: DocumentReference, data: DocumentData): unknown;
}

/** What changeInvoice and changeTransaction need of the caller's Firestore transaction (a unit test fakes it). */
export interface TransactionWrites extends DocumentWriter {
  update(ref: DocumentReference, data: UpdateData<DocumentData>): unknown;
}

export const invoiceRef = (db: Firestore, id: string) => db.collection('invoices').doc(id);
export const transactionRef = (db: Firestore, id: string) => db.collection('transactions').doc(id);

const invoiceMayMove = (invoice: InvoiceDoc, to: InvoiceStatus | undefined) => !to || to === invoice.status || canMoveInvoice(invoice.status, to);

/**
 * The one way an invoice changes. Inside the caller's Firestore transaction it checks that the
 * move goes forward, writes the change, appends the timeline entry and records the merchant
 * callback (delivered later by the `deliverCallback` queue). Returns the invoice as it will be
 * after commit, or null when the move is not allowed (the caller decides whether that is an error).
 */
export function changeInvoice(db: Firestore, tx: TransactionWrites, invoice: InvoiceDoc, change: InvoiceChange, now: Timestamp = Timestamp.now()): InvoiceDoc | null {
  if (!invoiceMayMove(invoice, change.to)) return null;
  const emitsCallback = Boolean(change.callback && invoice.callbackUrl);
  const patch: Partial<InvoiceDoc> = {
    ...change.patch,
    ...(change.to ? { status: change.to } : {}),
    updatedAt: now,
    ...(emitsCallback ? { callbackSequence: invoice.callbackSequence + 1 } : {}),
  };
  const next: InvoiceDoc = { ...invoice, ...patch };
  tx.update(invoiceRef(db, invoice.id), patch);
  if (change.timeline) recordTimeline(db, tx, next, change, now);
  return next;
}

/** The invoice's copy of a transaction: what `invoice.transaction` shows without reading the transaction. */
export function transactionSummary(txn: Pick<TransactionDoc, 'id' | 'method' | 'provider' | 'status' | 'failureCode' | 'failureMessage'>): InvoiceTransactionSummary {
  return {
    id: txn.id,
    method: txn.method,
    provider: txn.provider,
    status: txn.status,
    ...(txn.status === 'failed' ? { failureCode: txn.failureCode, failureMessage: txn.failureMessage } : {}),
  };
}

/** Field by field: a summary read back from Firestore need not keep its keys in the order written. */
const sameSummary = (a: InvoiceTransactionSummary | null, b: InvoiceTransactionSummary) =>
  a !== null && (['id', 'method', 'provider', 'status', 'failureCode', 'failureMessage'] as const).every((key) => (a[key] ?? null) === (b[key] ?? null)) && 'failureCode' in a === 'failureCode' in b;

export type TransactionChange = {
  /** The status to move to (checked against TRANSACTION_MOVES); omitted when only other fields change. */
  to?: TransactionStatus;
  patch?: Partial<Omit<TransactionDoc, 'status' | 'id' | 'invoiceId'>>;
  /** Makes this the invoice's latest transaction (the attempt that paid); otherwise the summary follows only the latest. */
  latest?: boolean;
  /** What changes on the invoice with it (its status and fields); the summary is kept in step by itself. */
  invoice?: { to?: InvoiceStatus; patch?: Partial<Omit<InvoiceDoc, 'transaction'>> };
} & TimelineChange;

/**
 * The one way a transaction changes. Inside the caller's Firestore transaction it checks the
 * move against TRANSACTION_MOVES (forward only) and the invoice's move, writes the transaction,
 * keeps the invoice's summary of its latest transaction in step, and appends the timeline entry
 * (with its callback), all through changeInvoice. Writes nothing and returns null when either
 * move is not allowed; else both documents as they will be after commit.
 */
export function changeTransaction(
  db: Firestore,
  tx: TransactionWrites,
  txn: TransactionDoc,
  invoice: InvoiceDoc,
  change: TransactionChange,
  now: Timestamp = Timestamp.now(),
): { txn: TransactionDoc; invoice: InvoiceDoc } | null {
  if (change.to && change.to !== txn.status && !canMoveTransaction(txn.status, change.to)) return null;
  if (!invoiceMayMove(invoice, change.invoice?.to)) return null;
  const txnPatch: Partial<TransactionDoc> = { ...change.patch, ...(change.to ? { status: change.to } : {}), updatedAt: now };
  const nextTxn: TransactionDoc = { ...txn, ...txnPatch };
  tx.update(transactionRef(db, txn.id), txnPatch);

  const isLatest = change.latest || invoice.transaction?.id === txn.id;
  const summary = transactionSummary(nextTxn);
  const summaryChanged = isLatest && !sameSummary(invoice.transaction, summary);
  const invoicePatch: Partial<InvoiceDoc> = { ...change.invoice?.patch, ...(summaryChanged ? { transaction: summary } : {}) };
  const { timeline, callback } = change;
  const writesInvoice = Boolean(change.invoice?.to && change.invoice.to !== invoice.status) || Object.keys(invoicePatch).length > 0 || Boolean(callback && invoice.callbackUrl);
  if (!writesInvoice) {
    // Only the transaction changed as the invoice shows it: the timeline entry is appended, the invoice left as it is.
    if (timeline) recordTimeline(db, tx, invoice, { timeline }, now);
    return { txn: nextTxn, invoice };
  }
  const invoiceChange: InvoiceChange = timeline ? { to: change.invoice?.to, patch: invoicePatch, timeline, callback } : { to: change.invoice?.to, patch: invoicePatch };
  const nextInvoice = changeInvoice(db, tx, invoice, invoiceChange, now)!;
  return { txn: nextTxn, invoice: nextInvoice };
}

/** Appends the timeline entry and, when the invoice has a callback URL, the callback event. */
export function recordTimeline(
  db: Firestore,
  tx: DocumentWriter,
  invoice: InvoiceDoc,
  change: { timeline: { type: TimelineType; data?: Record<string, unknown> }; callback?: CallbackType },
  now: Timestamp,
): void {
  const ref = invoiceRef(db, invoice.id);
  const callbackId = change.callback && invoice.callbackUrl ? newId('evt') : null;
  tx.create(ref.collection('events').doc(), {
    type: change.timeline.type,
    data: change.timeline.data ?? {},
    status: invoice.status,
    merchantId: invoice.merchantId,
    callbackEventId: callbackId,
    createdAt: now,
  });
  if (callbackId && change.callback) {
    const payload = {
      id: callbackId,
      type: change.callback,
      createdAt: now.toDate().toISOString(),
      sequence: invoice.callbackSequence,
      data: { invoice: invoiceToApi(invoice) },
    };
    tx.create(db.collection('callbackEvents').doc(callbackId), {
      id: callbackId,
      merchantId: invoice.merchantId,
      // The dashboard's Developers page lists one mode's deliveries at a time.
      mode: invoice.mode,
      invoiceId: invoice.id,
      type: change.callback,
      sequence: invoice.callbackSequence,
      url: invoice.callbackUrl,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
    });
  }
}
