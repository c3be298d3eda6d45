import { Timestamp, type DocumentReference, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions';
import { PermanentSmsError, type SmsSender } from '../adapters/smsSender';
import { canMoveSms, isPayable, type SmsStatus } from './status';
import { changeInvoice, invoiceRef } from './timeline';
import type { CallbackType, InvoiceDoc, SmsMessageDoc, TimelineType } from './types';
import { smsSecretTextRef } from './phoneSms';

const messageRef = (db: Firestore, id: string) => db.collection('smsMessages').doc(id);

/** How long a send attempt may hold a message before another attempt may take it over. */
const CLAIM_TIMEOUT_MS = 2 * 60_000;

/** Numbers that answered STOP; no SMS goes to them until they answer START. */
export const optOutRef = (db: Firestore, phone: string) => db.collection('optOuts').doc(phone);

/**
 * Providers can report on a message before their send call has returned its id to us. Such a
 * receipt is parked here under the provider's id and applied as soon as we learn which message it is.
 */
const earlyReceiptRef = (db: Firestore, provider: string, providerMessageId: string) => db.collection('smsEarlyReceipts').doc(`${provider}_${providerMessageId}`.replace(/\//g, '_'));

/**
 * The provider's message id → our message, written when the send returns. Receipts find their
 * message with a point read of this document rather than a query, so receipt and send
 * transactions see each other's writes (and the emulator does not lock a whole query range).
 */
const providerIdRef = (db: Firestore, provider: string, providerMessageId: string) => db.collection('smsProviderIds').doc(`${provider}_${providerMessageId}`.replace(/\//g, '_'));

/**
 * Sends one stored message (the `dispatchSms` queue's work). Claims it first so that a task
 * delivered twice sends once; a provider error that retrying cannot fix marks it failed with the
 * provider's code, anything else is thrown so Cloud Tasks retries.
 */
export async function dispatchSms(db: Firestore, sender: SmsSender, messageId: string): Promise<'sent' | 'skipped' | 'failed' | 'opted_out' | 'not_due' | 'busy'> {
  const claimed = await db.runTransaction(async (tx) => {
    const snap = await tx.get(messageRef(db, messageId));
    const message = snap.data() as SmsMessageDoc | undefined;
    if (!message || !['scheduled', 'queued', 'sending'].includes(message.status)) return { skip: 'skipped' as const };
    // Another attempt holds a fresh claim (or died mid-send and its claim has not gone stale yet):
    // answer busy so the queue comes back, rather than dropping the message.
    if (message.status === 'sending' && Date.now() - message.updatedAt.toMillis() < CLAIM_TIMEOUT_MS) return { skip: 'busy' as const };
    // Cloud Tasks honours the schedule; this guards against an early delivery (the emulator has no schedule).
    if (message.sendAt && message.sendAt.toMillis() > Date.now() + 5_000) return { skip: 'not_due' as const };
    const invSnap = message.invoiceId ? await tx.get(invoiceRef(db, message.invoiceId)) : null;
    const optedOut = (await tx.get(optOutRef(db, message.to))).exists;
    // A PIN SMS's real text is only here, server-side; the stored body is redacted.
    const secretText = message.kind === 'pin' ? ((await tx.get(smsSecretTextRef(db, messageId))).get('text') as string | undefined) : undefined;
    const suspended = (await tx.get(db.collection('merchants').doc(message.merchantId))).get('status') === 'suspended';
    let invoice = invSnap?.data() as InvoiceDoc | undefined;
    const now = Timestamp.now();
    if (suspended) {
      // A platform operator stopped this merchant: nothing is sent for it.
      tx.update(snap.ref, { status: 'failed', failureCode: 'merchant_suspended', updatedAt: now });
      return { skip: 'skipped' as const };
    }
    if (optedOut) {
      applySmsStatus(db, tx, message, invoice, { status: 'opted_out', failureCode: 'opted_out' }, now);
      return { skip: 'opted_out' as const };
    }
    if (message.kind === 'invoice' && invoice && !isPayable(invoice.status)) {
      // Cancelled or paid before a scheduled SMS went out: asking for money now would be wrong.
      tx.update(snap.ref, { status: 'failed', failureCode: `invoice_${invoice.status}`, updatedAt: now });
      return { skip: 'skipped' as const };
    }
    if (message.kind === 'pin' && secretText === undefined) {
      tx.update(snap.ref, { status: 'failed', failureCode: 'text_unavailable', updatedAt: now });
      return { skip: 'failed' as const };
    }
    tx.update(snap.ref, { status: 'sending', updatedAt: now });
    if (message.kind === 'invoice' && invoice?.status === 'scheduled') {
      invoice = changeInvoice(db, tx, invoice, { to: 'sending', patch: { sms: { ...invoice.sms, status: 'queued' } }, timeline: { type: 'invoice.sms.queued' } }, now) ?? invoice;
    }
    return { message, text: secretText ?? message.body };
  });
  if (!claimed.message) return claimed.skip;

  let sent: Awaited<ReturnType<SmsSender['send']>>;
  try {
    sent = await sender.send({ messageId, to: claimed.message.to, body: claimed.text, sender: claimed.message.sender });
  } catch (error) {
    if (!(error instanceof PermanentSmsError)) {
      // Give the claim back so the queue's retry sends it; the provider did not take it.
      await db.runTransaction(async (tx) => {
        const snap = await tx.get(messageRef(db, messageId));
        if (snap.get('status') === 'sending') tx.update(snap.ref, { status: 'queued', updatedAt: Timestamp.now() });
      });
      throw error;
    }
    logger.warn('SMS refused by the provider', { messageId, code: error.providerCode, message: error.message });
    const status: SmsStatus = error.providerCode === 'opted_out' ? 'opted_out' : 'failed';
    await recordSmsStatus(db, { messageId, status, failureCode: error.providerCode });
    await smsSecretTextRef(db, messageId).delete();
    return status === 'opted_out' ? 'opted_out' : 'failed';
  }
  // The provider has the message: its claim stays, so a queue retry after a failure here finds it
  // busy, not queued (only a claim left for over 2 minutes is taken over and sent again).
  await db.runTransaction(async (tx) => {
    const { message, invoice } = await readMessage(db, tx, messageRef(db, messageId));
    const earlyRef = earlyReceiptRef(db, sent.provider, sent.providerMessageId);
    const early = (await tx.get(earlyRef)).data() as { status: SmsStatus; failureCode: string | null } | undefined;
    const now = Timestamp.now();
    tx.update(messageRef(db, messageId), { provider: sent.provider, providerMessageId: sent.providerMessageId, updatedAt: now });
    // A PIN must not outlive its SMS in our database.
    tx.delete(smsSecretTextRef(db, messageId));
    tx.set(providerIdRef(db, sent.provider, sent.providerMessageId), { messageId });
    const after = applySmsStatus(db, tx, message, invoice, { status: 'sent' }, now);
    if (early) {
      // A millisecond later, so the timeline (ordered by time) shows sent before delivered.
      const later = Timestamp.fromMillis(now.toMillis() + 1);
      applySmsStatus(db, tx, after?.message ?? message, after?.invoice ?? invoice, { status: early.status, failureCode: early.failureCode ?? undefined }, later);
      tx.delete(earlyRef);
    }
  });
  return 'sent';
}

const SMS_TIMELINE: Partial<Record<SmsStatus, { timeline: TimelineType; callback: CallbackType }>> = {
  sent: { timeline: 'invoice.sms.sent', callback: 'invoice.sms.sent' },
  delivered: { timeline: 'invoice.sms.delivered', callback: 'invoice.sms.delivered' },
  undelivered: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
  failed: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
  opted_out: { timeline: 'invoice.sms.failed', callback: 'invoice.sms.failed' },
};

async function readMessage(db: Firestore, tx: Transaction, ref: DocumentReference) {
  const message = (await tx.get(ref)).data() as SmsMessageDoc;
  const invoice = message.invoiceId && message.kind === 'invoice' ? ((await tx.get(invoiceRef(db, message.invoiceId))).data() as InvoiceDoc) : undefined;
  return { message, invoice };
}

/**
 * Moves a message's status forward inside the caller's transaction and, for the invoice's current
 * payment-request SMS, mirrors it on the invoice with its timeline entry and callback. Returns the
 * states after the move, or null when the report is stale (a receipt delivered twice or late).
 */
export function applySmsStatus(
  db: Firestore,
  tx: Transaction,
  message: SmsMessageDoc,
  invoice: InvoiceDoc | undefined,
  report: { status: SmsStatus; failureCode?: string },
  now: Timestamp,
): { message: SmsMessageDoc; invoice: InvoiceDoc | undefined } | null {
  const from: SmsStatus = message.status === 'sending' ? 'queued' : message.status;
  if (!canMoveSms(from, report.status)) return null;
  const movedMessage = { ...message, status: report.status, failureCode: report.failureCode ?? null, updatedAt: now };
  tx.update(messageRef(db, message.id), { status: report.status, failureCode: report.failureCode ?? null, updatedAt: now });
  const steps = SMS_TIMELINE[report.status];
  if (!invoice || invoice.sms.messageId !== message.id || !steps) return { message: movedMessage, invoice };
  const sms = {
    ...invoice.sms,
    status: report.status,
    ...(report.status === 'sent' ? { sentAt: now } : {}),
    ...(report.status === 'delivered' ? { deliveredAt: now, sentAt: invoice.sms.sentAt ?? now } : {}),
    failureCode: report.failureCode ?? invoice.sms.failureCode,
    ...(report.status === 'opted_out' ? { optedOut: true } : {}),
  };
  const advance = report.status === 'sent' || report.status === 'delivered';
  // The payer can never get this SMS: the provider failed it, or the number opted out before it went out.
  const lost = report.status === 'failed' || report.status === 'undelivered' || (report.status === 'opted_out' && from !== 'sent' && from !== 'delivered');
  const unopened = invoice.status === 'sending' || invoice.status === 'scheduled' || invoice.status === 'undelivered';
  const to = advance && unopened ? 'sent' : lost && (unopened || invoice.status === 'sent') ? 'undelivered' : undefined;
  const movedInvoice = changeInvoice(
    db,
    tx,
    invoice,
    {
      to,
      patch: { sms },
      timeline: {
        type: steps.timeline,
        data: { messageId: message.id, ...(lost ? { reason: report.status } : {}), ...(report.failureCode ? { failureCode: report.failureCode } : {}) },
      },
      callback: steps.callback,
    },
    now,
  );
  return { message: movedMessage, invoice: movedInvoice ?? invoice };
}

export type SmsStatusReport = { messageId: string; status: SmsStatus; failureCode?: string } | { provider: string; providerMessageId: string; status: SmsStatus; failureCode?: string };

/**
 * Records a status for a message: our own send result, or a provider's delivery receipt (the
 * outbox's simulated receipt takes this same path). Status moves only forward, so receipts that
 * arrive twice or out of order change nothing.
 */
export async function recordSmsStatus(db: Firestore, report: SmsStatusReport): Promise<'applied' | 'stale' | 'deferred'> {
  return db.runTransaction(async (tx) => {
    let target: DocumentReference;
    if ('messageId' in report) {
      target = messageRef(db, report.messageId);
    } else {
      const [mapping, parked] = await Promise.all([tx.get(providerIdRef(db, report.provider, report.providerMessageId)), tx.get(earlyReceiptRef(db, report.provider, report.providerMessageId))]);
      if (!mapping.exists) {
        // Keep the most advanced status; the sender applies it once it knows the message.
        const current = parked.get('status') as SmsStatus | undefined;
        if (!current || canMoveSms(current, report.status)) {
          tx.set(parked.ref, { status: report.status, failureCode: report.failureCode ?? null, at: Timestamp.now() });
        }
        return 'deferred';
      }
      target = messageRef(db, mapping.get('messageId') as string);
    }
    const { message, invoice } = await readMessage(db, tx, target);
    return applySmsStatus(db, tx, message, invoice, report, Timestamp.now()) ? 'applied' : 'stale';
  });
}
