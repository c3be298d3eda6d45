import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { canMoveInvoice, type InvoiceStatus } from './status';
import { invoiceToApi } from './serialize';
import { newId } from './ids';
import type { CallbackType, InvoiceDoc, TimelineType } from './types';

export interface InvoiceChange {
  /** The status to move to; omitted when only other fields change. */
  to?: InvoiceStatus;
  patch?: Partial<InvoiceDoc>;
  timeline: { type: TimelineType; data?: Record<string, unknown> };
  callback?: CallbackType;
}

export const invoiceRef = (db: Firestore, id: string) => db.collection('invoices').doc(id);

/**
 * The one way an invoice changes. Inside the caller's Firestore transaction it checks that the
 * move goes forward, writes the change, appends the timeline entry and records the merchant
 * callback (delivered later by the `deliverCallback` queue). Returns the invoice as it will be
 * after commit, or null when the move is not allowed (the caller decides whether that is an error).
 */
export function changeInvoice(
  db: Firestore,
  tx: Transaction,
  invoice: InvoiceDoc,
  change: InvoiceChange,
  now: Timestamp = Timestamp.now(),
): InvoiceDoc | null {
  if (change.to && change.to !== invoice.status && !canMoveInvoice(invoice.status, change.to)) return null;
  const emitsCallback = Boolean(change.callback && invoice.callbackUrl);
  const patch: Partial<InvoiceDoc> = {
    ...change.patch,
    ...(change.to ? { status: change.to } : {}),
    updatedAt: now,
    ...(emitsCallback ? { callbackSequence: invoice.callbackSequence + 1 } : {}),
  };
  const next: InvoiceDoc = { ...invoice, ...patch };
  tx.update(invoiceRef(db, invoice.id), patch);
  recordTimeline(db, tx, next, change, now);
  return next;
}

/** Appends the timeline entry and, when the invoice has a callback URL, the callback event. */
/** Anything that can create documents: a Firestore transaction or a write batch. */
export interface DocumentWriter {
  create(ref: FirebaseFirestore.DocumentReference, data: FirebaseFirestore.DocumentData): unknown;
}

export function recordTimeline(
  db: Firestore,
  tx: DocumentWriter,
  invoice: InvoiceDoc,
  change: Pick<InvoiceChange, 'timeline' | 'callback'>,
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
