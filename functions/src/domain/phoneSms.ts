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

export function renderReceiptSms(invoice: InvoiceDoc): string {
  const amount = smsAmount(invoice);
  return invoice.locale === 'nb'
    ? `Kvittering fra ${invoice.merchantName}: ${amount} betalt for ${invoice.description}. Ref. ${invoice.id}. Takk!`
    : `Receipt from ${invoice.merchantName}: ${amount} paid for ${invoice.description}. Ref ${invoice.id}. Thank you!`;
}

/**
 * Writes an SMS to the outbox (`smsMessages`) inside the caller's transaction; the
 * `onSmsMessageCreated` trigger hands it to the send queue once the transaction commits.
 */
export function queueSms(db: Firestore, tx: Transaction, invoice: InvoiceDoc, kind: SmsKind, body: string, now: Timestamp, sendAt: Timestamp | null = null): SmsMessageDoc {
  const measured = measureSms(body);
  const message: SmsMessageDoc = {
    id: newId('sms'),
    merchantId: invoice.merchantId,
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
  return message;
}

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
