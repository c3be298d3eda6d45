import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { queueSms, smsAmount } from './phoneSms';
import { optOutRef } from './sms';
import { isOpenTransaction, isPayable, liveCheckoutSession, type CheckoutToClose } from './status';
import { changeInvoice, changeTransaction, invoiceRef, transactionRef } from './timeline';
import type { InvoiceDoc, Mode, TransactionDoc } from './types';

/** Cloud Tasks may run a task a little before its time; anything later than this is early. */
const EARLY_MARGIN_MS = 5_000;

/**
 * Expires an unpaid invoice at its `expiresAt` (the `expireInvoice` task), with its callback; an
 * open payment attempt is cancelled with it. Returns the card session to close, if any.
 */
export async function expireInvoice(db: Firestore, invoiceId: string, now = Date.now()): Promise<{ outcome: string; sessionToExpire: CheckoutToClose | null; mode: Mode | null }> {
  return db.runTransaction(async (tx) => {
    const invoice = (await tx.get(invoiceRef(db, invoiceId))).data() as InvoiceDoc | undefined;
    if (!invoice || !isPayable(invoice.status)) return { outcome: 'settled', sessionToExpire: null, mode: null };
    if (invoice.expiresAt.toMillis() > now + EARLY_MARGIN_MS) return { outcome: 'not_due', sessionToExpire: null, mode: null };
    const txn = invoice.transaction ? ((await tx.get(transactionRef(db, invoice.transaction.id))).data() as TransactionDoc) : null;
    const at = Timestamp.fromMillis(now);
    const expiry = { timeline: { type: 'invoice.expired' }, callback: 'invoice.expired' } as const;
    if (txn && isOpenTransaction(txn.status)) {
      changeTransaction(db, tx, txn, invoice, { to: 'cancelled', patch: { failureCode: 'invoice_expired', failureMessage: 'The invoice expired.' }, invoice: { to: 'expired' }, ...expiry }, at);
    } else {
      changeInvoice(db, tx, invoice, { to: 'expired', ...expiry }, at);
    }
    return { outcome: 'expired', sessionToExpire: liveCheckoutSession(txn), mode: invoice.mode };
  });
}

export function renderReminderSms(invoice: InvoiceDoc): string {
  const amount = smsAmount(invoice);
  return invoice.locale === 'nb'
    ? `Påminnelse: ${invoice.merchantName} venter på ${amount} for ${invoice.description}. Betal her: ${invoice.payUrl}`
    : `Reminder: ${invoice.merchantName} is waiting for ${amount} for ${invoice.description}. Pay here: ${invoice.payUrl}`;
}

/**
 * Sends reminder number `index` (0-based) of an unpaid invoice. Payment, cancellation, expiry and
 * an opt-out all stop reminders; each reminder goes out at most once.
 */
export async function sendReminder(db: Firestore, invoiceId: string, index: number, now = Date.now()): Promise<string> {
  return db.runTransaction(async (tx) => {
    const invoice = (await tx.get(invoiceRef(db, invoiceId))).data() as InvoiceDoc | undefined;
    const optedOut = invoice ? (await tx.get(optOutRef(db, invoice.payer.phone))).exists : false;
    if (!invoice?.reminders || index >= invoice.reminders.afterHours.length) return 'none';
    if (invoice.reminders.sent > index) return 'already_sent';
    // A payment under way may still fail; come back rather than drop the reminder.
    if (invoice.status === 'processing') return 'busy';
    if (!isPayable(invoice.status)) return `stopped_${invoice.status}`;
    if (optedOut || invoice.sms.status === 'opted_out') return 'stopped_opted_out';
    const due = invoice.createdAt.toMillis() + invoice.reminders.afterHours[index]! * 3_600_000;
    if (due > now + EARLY_MARGIN_MS) return 'not_due';
    const at = Timestamp.fromMillis(now);
    const message = queueSms(db, tx, invoice, 'reminder', renderReminderSms(invoice), at);
    changeInvoice(
      db,
      tx,
      invoice,
      { patch: { reminders: { ...invoice.reminders, sent: index + 1 } }, timeline: { type: 'invoice.reminder.queued', data: { messageId: message.id, reminder: index + 1 } } },
      at,
    );
    return 'queued';
  });
}
