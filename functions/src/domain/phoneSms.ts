import { randomBytes } from 'node:crypto';
import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { newId } from './ids';
import { formatMoney } from './money';
import { measureSms, smsSafe } from './smsText';
import type { InvoiceDoc, SmsKind, SmsMessageDoc } from './types';

export function smsAmount(invoice: Pick<InvoiceDoc, 'amount' | 'currency' | 'locale'>, amount = invoice.amount): string {
  return smsSafe(formatMoney(amount, invoice.currency, invoice.locale === 'nb' ? 'nb-NO' : 'en-GB'));
}

export function renderPinSms(pin: string, invoice: InvoiceDoc): string {
  const amount = smsAmount(invoice);
  return invoice.locale === 'nb'
    ? `${pin} er koden for å betale ${amount} til ${invoice.merchantName}. Gyldig i 10 minutter. Ikke del den med noen.`
    : `${pin} is your code to pay ${amount} to ${invoice.merchantName}. Valid for 10 minutes. Never share it.`;
}

/** When the payment was made, as payers in Norway read it ("2. des. 2026, 14:05"). */
function smsPaidAt(invoice: Pick<InvoiceDoc, 'paidAt' | 'locale'>): string {
  const at = invoice.paidAt?.toDate() ?? new Date();
  return smsSafe(new Intl.DateTimeFormat(invoice.locale === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(at));
}

/**
 * The itemised receipt SMS: who was paid, how much, for what, when, how, the reference, and
 * where to ask or complain (the receipt page, which shows the merchant's support contact). A
 * phone-bill payer otherwise sees only the billing provider and an amount on the phone bill.
 */
export function renderReceiptSms(invoice: InvoiceDoc): string {
  const amount = smsAmount(invoice);
  const when = smsPaidAt(invoice);
  const reference = invoice.reference ?? invoice.id;
  const receiptUrl = `${invoice.payUrl}/receipt`;
  const phoneBill = invoice.transaction?.method === 'phone';
  return invoice.locale === 'nb'
    ? `Kvittering fra ${invoice.merchantName}: ${amount} for ${invoice.description}, ${phoneBill ? 'belastet mobilregningen' : 'betalt med kort'} ${when}. Ref. ${reference}. Spørsmål eller klage: ${receiptUrl}`
    : `Receipt from ${invoice.merchantName}: ${amount} for ${invoice.description}, ${phoneBill ? 'charged to your phone bill' : 'paid by card'} ${when}. Ref ${reference}. Questions or complaints: ${receiptUrl}`;
}

/**
 * Writes an SMS to the outbox (`smsMessages`) inside the caller's transaction; the
 * `onSmsMessageCreated` trigger hands it to the send queue once the transaction commits.
 * `secretText`, when given, is what the provider is handed at send time; the message document
 * (which merchant users read) keeps `body` only. It lives in a server-only document until sent.
 */
export function queueSms(
  db: Firestore,
  tx: Transaction,
  invoice: InvoiceDoc,
  kind: SmsKind,
  body: string,
  now: Timestamp,
  sendAt: Timestamp | null = null,
  secretText: string | null = null,
): SmsMessageDoc {
  const measured = measureSms(secretText ?? body);
  const message: SmsMessageDoc = {
    id: newId('sms'),
    merchantId: invoice.merchantId,
    mode: invoice.mode,
    invoiceId: invoice.id,
    kind,
    to: invoice.payer.phone,
    body,
    sender: invoice.sms.sender,
    status: sendAt ? 'scheduled' : 'queued',
    provider: null,
    providerMessageId: null,
    segments: measured.segments,
    encoding: measured.encoding,
    sendAt,
    failureCode: null,
    createdAt: now,
    updatedAt: now,
  };
  tx.create(db.collection('smsMessages').doc(message.id), message);
  if (secretText !== null) tx.create(smsSecretTextRef(db, message.id), { text: secretText });
  return message;
}

/** The text of an SMS that carries a secret (a PIN): server-only, deleted once the SMS is handed over. */
export const smsSecretTextRef = (db: Firestore, messageId: string) => db.collection('smsMessages').doc(messageId).collection('secrets').doc('text');

/** What merchant users (dashboard Outbox, `GET /dev/outbox`, `smsMessages`) see in place of a PIN. */
export const PIN_MASK = '••••••';

/** The PIN SMS: stored redacted from the start; the provider gets the PIN only at send time. */
export const queuePinSms = (db: Firestore, tx: Transaction, invoice: InvoiceDoc, pin: string, now: Timestamp): SmsMessageDoc =>
  queueSms(db, tx, invoice, 'pin', renderPinSms(PIN_MASK, invoice), now, null, renderPinSms(pin, invoice));

export const pinRef = (db: Firestore, transactionId: string) => db.collection('transactions').doc(transactionId).collection('secrets').doc('pin');

/** The key PIN hashes are made with: random, made on first use, readable by no client. */
export async function pinPepper(db: Firestore, tx: Transaction): Promise<string> {
  const ref = db.collection('system').doc('pinPepper');
  const snap = await tx.get(ref);
  const existing = snap.get('pepper') as string | undefined;
  if (existing) return existing;
  const pepper = randomBytes(32).toString('base64');
  tx.set(ref, { pepper, createdAt: Timestamp.now() });
  return pepper;
}
