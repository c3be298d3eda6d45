import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions';
import { PermanentSmsError, type SmsSender } from '../adapters/smsSender';
import { canMoveSms, isPayable, type SmsStatus } from './status';
import { changeInvoice, invoiceRef } from './timeline';
import type { CallbackType, InvoiceDoc, SmsMessageDoc, TimelineType } from './types';

const messageRef = (db: Firestore, id: string) => db.collection('smsMessages').doc(id);

/**
 * Sends one stored message (the `dispatchSms` queue's work). Claims it first so that a task
 * delivered twice sends once; a provider error that retrying cannot fix marks it failed with the
 * provider's code, anything else is thrown so Cloud Tasks retries.
 */
export async function dispatchSms(db: Firestore, sender: SmsSender, messageId: string): Promise<'sent' | 'skipped' | 'failed'> {
  const claimed = await db.runTransaction(async (tx) => {
    const snap = await tx.get(messageRef(db, messageId));
    const message = snap.data() as SmsMessageDoc | undefined;
    if (!message || !['scheduled', 'queued', 'sending'].includes(message.status)) return null;
    const invSnap = message.invoiceId ? await tx.get(invoiceRef(db, message.invoiceId)) : null;
    const invoice = invSnap?.data() as InvoiceDoc | undefined;
    const now = Timestamp.now();
    if (message.kind === 'invoice' && invoice && !isPayable(invoice.status)) {
      // Cancelled or paid before a scheduled SMS went out: asking for money now would be wrong.
      tx.update(snap.ref, { status: 'failed', failureCode: `invoice_${invoice.status}`, updatedAt: now });
      return null;
    }
    tx.update(snap.ref, { status: 'sending', updatedAt: now });
    if (message.kind === 'invoice' && invoice?.status === 'scheduled') {
      changeInvoice(db, tx, invoice, { to: 'sending', patch: { sms: { ...invoice.sms, status: 'queued' } }, timeline: { type: 'invoice.sms.queued' } }, now);
    }
    return message;
  });
  if (!claimed) return 'skipped';

  try {
    const sent = await sender.send({ messageId, to: claimed.to, body: claimed.body, sender: claimed.sender });
    const early = await db.runTransaction(async (tx) => {
      const earlyRef = earlyReceiptRef(db, sent.provider, sent.providerMessageId);
      const earlySnap = await tx.get(earlyRef);
      tx.update(messageRef(db, messageId), { provider: sent.provider, providerMessageId: sent.providerMessageId, updatedAt: Timestamp.now() });
      if (earlySnap.exists) tx.delete(earlyRef);
      return earlySnap.data() as { status: SmsStatus; failureCode: string | null } | undefined;
    });
    await recordSmsStatus(db, { messageId, status: 'sent' });
    if (early) await recordSmsStatus(db, { messageId, status: early.status, failureCode: early.failureCode ?? undefined });
    return 'sent';
  } catch (error) {
    if (!(error instanceof PermanentSmsError)) throw error;
    logger.warn('SMS refused by the provider', { messageId, code: error.providerCode, message: error.message });
    await recordSmsStatus(db, { messageId, status: 'failed', failureCode: error.providerCode });
    return 'failed';
  }
}

/**
 * Providers can report on a message before their send call has returned its id to us. Such a
 * receipt is parked here under the provider's id and applied as soon as we learn which message it is.
 */
const earlyReceiptRef = (db: Firestore, provider: string, providerMessageId: string) =>
  db.collection('smsEarlyReceipts').doc(`${provider}_${providerMessageId}`.replace(/\//g, '_'));

const SMS_TIMELINE: Partial<Record<SmsStatus, { timeline: TimelineType; callback: CallbackType }>> = {
  sent: { timeline: 'invoice.sms.sent', callback: 'invoice.sms.sent' },
  delivered: { timeline: 'invoice.sms.delivered', callback: 'invoice.sms.delivered' },
  undelivered: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
  failed: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
  opted_out: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
};

export type SmsStatusReport =
  | { messageId: string; status: SmsStatus; failureCode?: string }
  | { provider: string; providerMessageId: string; status: SmsStatus; failureCode?: string };

/**
 * Records a status for a message: our own send result, or a provider's delivery receipt (the
 * outbox's simulated receipt takes this same path). Status moves only forward, so receipts that
 * arrive twice or out of order change nothing.
 */
export async function recordSmsStatus(db: Firestore, report: SmsStatusReport): Promise<'applied' | 'stale' | 'unknown' | 'deferred'> {
  const target = 'messageId' in report ? messageRef(db, report.messageId) : await findOrPark(db, report);
  if (!target) return 'deferred';
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(target);
    const message = snap.data() as SmsMessageDoc | undefined;
    if (!message) return 'unknown';
    const invSnap = message.invoiceId && message.kind === 'invoice' ? await tx.get(invoiceRef(db, message.invoiceId)) : null;
    const from: SmsStatus = message.status === 'sending' ? 'queued' : message.status;
    if (!canMoveSms(from, report.status)) return 'stale';
    const now = Timestamp.now();
    tx.update(target, { status: report.status, failureCode: report.failureCode ?? null, updatedAt: now });
    const invoice = invSnap?.data() as InvoiceDoc | undefined;
    if (!invoice || invoice.sms.messageId !== message.id) return 'applied';
    const steps = SMS_TIMELINE[report.status];
    if (!steps) return 'applied';
    const sms = {
      ...invoice.sms,
      status: report.status,
      ...(report.status === 'sent' ? { sentAt: now } : {}),
      ...(report.status === 'delivered' ? { deliveredAt: now, sentAt: invoice.sms.sentAt ?? now } : {}),
      failureCode: report.failureCode ?? invoice.sms.failureCode,
    };
    const advance = report.status === 'sent' || report.status === 'delivered';
    changeInvoice(
      db,
      tx,
      invoice,
      {
        to: advance && (invoice.status === 'sending' || invoice.status === 'scheduled') ? 'sent' : undefined,
        patch: { sms },
        timeline: { type: steps.timeline, data: { messageId: message.id, ...(report.failureCode ? { failureCode: report.failureCode } : {}) } },
        callback: steps.callback,
      },
      now,
    );
    return 'applied';
  });
}

/**
 * The message a provider id belongs to, or null after parking the receipt (keeping the most
 * advanced status) because no message carries that id yet.
 */
async function findOrPark(
  db: Firestore,
  report: { provider: string; providerMessageId: string; status: SmsStatus; failureCode?: string },
): Promise<FirebaseFirestore.DocumentReference | null> {
  const ref = earlyReceiptRef(db, report.provider, report.providerMessageId);
  return db.runTransaction(async (tx) => {
    const matches = await tx.get(
      db.collection('smsMessages').where('provider', '==', report.provider).where('providerMessageId', '==', report.providerMessageId).limit(1),
    );
    if (!matches.empty) return matches.docs[0]!.ref;
    const parked = await tx.get(ref);
    const current = parked.get('status') as SmsStatus | undefined;
    if (!current || canMoveSms(current, report.status)) {
      tx.set(ref, { status: report.status, failureCode: report.failureCode ?? null, at: Timestamp.now() });
    }
    return null;
  });
}
