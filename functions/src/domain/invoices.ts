import { Timestamp, type Firestore, type Query, type Transaction } from 'firebase-admin/firestore';
import { parsePhoneNumber } from 'libphonenumber-js/max';
import { DomainError, notFound } from './errors';
import { newId, newPayToken, sha256Hex } from './ids';
import { queueSms, smsAmount } from './phoneSms';
import { optOutRef } from './sms';
import type { CreateInvoiceInput, Locale, listInvoicesQuerySchema } from './schemas';
import { invoiceToApi } from './serialize';
import { DEFAULT_TEMPLATES, assertSmsFits, renderTemplate } from './smsText';
import { RESEND_INTERVAL_MS, RESEND_LIMIT, isCancellable, isOpenTransaction, isResendable, isSettled, liveCheckoutSession, type CheckoutToClose } from './status';
import { changeInvoice, changeTransaction, invoiceRef, recordTimeline, transactionRef, type DocumentWriter } from './timeline';
import type { InvoiceDoc, MerchantDoc, SmsMessageDoc, TransactionDoc } from './types';
import type { z } from 'zod';
import type { ApiResult } from './idempotency';

const DEFAULT_EXPIRY_MS = 7 * 86_400_000;

export function renderInvoiceSms(template: string, values: { merchant: string; amount: number; currency: string; description: string; link: string; locale: Locale }): string {
  return renderTemplate(template, {
    merchant: values.merchant,
    amount: smsAmount(values),
    description: values.description,
    link: values.link,
  });
}

export function referenceRef(db: Firestore, merchantId: string, reference: string) {
  return db.collection('invoiceReferences').doc(`${merchantId}_${sha256Hex(reference)}`);
}

export interface BuiltInvoice {
  invoice: InvoiceDoc;
  /** The pay-link SMS; none for a direct transaction, whose payer pays at once. */
  message: SmsMessageDoc | null;
}

/** A direct transaction (`POST /transactions`) sends no pay-link SMS: the payer pays at once. */
export interface InvoiceOrigin {
  payLinkSms: boolean;
}

function checkMethods(input: CreateInvoiceInput, merchant: MerchantDoc) {
  const offerable = merchant.offerable;
  let paymentMethods = input.paymentMethods ?? merchant.settings.paymentMethods;
  if (offerable) {
    // Defaults shrink to what this mode can take; an explicit method it cannot take is refused.
    const refused = input.paymentMethods ? paymentMethods.filter((m) => !offerable.includes(m)) : [];
    if (!input.paymentMethods) paymentMethods = paymentMethods.filter((m) => offerable.includes(m));
    if (refused.length || paymentMethods.length === 0) {
      const what = refused.length ? `${refused.map((m) => `"${m}"`).join(' and ')} cannot` : 'No payment method can';
      throw new DomainError('invalid_request', `${what} be offered in ${merchant.mode} mode now; GET /account says what is missing.`, {
        errors: [
          {
            field: 'paymentMethods',
            code: 'unavailable',
            values: refused,
            message: refused.length ? `Cannot be offered in ${merchant.mode} mode now: ${refused.join(', ')}.` : `No method can be offered in ${merchant.mode} mode now.`,
          },
        ],
      });
    }
  }
  if (paymentMethods.includes('phone') && input.currency !== 'NOK') {
    throw new DomainError('invalid_request', 'Phone billing charges Norwegian subscriptions in NOK only.', {
      errors: [{ field: 'paymentMethods', code: 'requires_nok', message: 'Remove "phone" or use currency NOK.' }],
    });
  }
  return paymentMethods;
}

const referenceTaken = (reference: string, invoiceId: unknown) =>
  new DomainError('invalid_request', `The reference "${reference}" is already used by ${String(invoiceId)}.`, {
    errors: [{ field: 'reference', code: 'duplicate', other: String(invoiceId), message: `Already used by invoice ${String(invoiceId)}.` }],
  });

/** The invoice and its first SMS as they will be stored; pure, so one import can build thousands. */
export function buildInvoice(
  merchant: MerchantDoc,
  input: CreateInvoiceInput,
  publicBaseUrl: string,
  now = Timestamp.now(),
  origin: InvoiceOrigin = { payLinkSms: true },
  id = newId('inv'),
): BuiltInvoice {
  const paymentMethods = checkMethods(input, merchant);
  const payToken = newPayToken();
  const payUrl = `${publicBaseUrl}/pay/${payToken}`;
  const locale = input.payer.locale ?? merchant.settings.locale;
  const text = renderInvoiceSms(input.sms?.text ?? merchant.settings.smsTemplate ?? DEFAULT_TEMPLATES[locale], {
    merchant: merchant.name,
    amount: input.amount,
    currency: input.currency,
    description: input.description,
    link: payUrl,
    locale,
  });
  const measured = assertSmsFits(text);
  const callbackUrl = input.callbackUrl ?? merchant.settings.callbackUrl ?? null;
  const scheduled = Boolean(input.sendAt);
  const smsId = origin.payLinkSms ? newId('sms') : null;
  const sender = input.sms?.sender ?? merchant.settings.smsSender ?? null;

  const invoice: InvoiceDoc = {
    id,
    merchantId: merchant.id,
    merchantName: merchant.name,
    mode: merchant.mode,
    status: scheduled ? 'scheduled' : 'sending',
    amount: input.amount,
    currency: input.currency,
    description: input.description,
    payer: input.payer,
    locale,
    paymentMethods,
    reference: input.reference ?? null,
    metadata: input.metadata ?? {},
    returnUrl: input.returnUrl ?? merchant.settings.returnUrl ?? null,
    cancelUrl: input.cancelUrl ?? merchant.settings.cancelUrl ?? null,
    callbackUrl,
    smsReceipt: merchant.settings.smsReceipts ?? false,
    payToken,
    payUrl,
    sms: {
      status: !smsId ? null : scheduled ? 'scheduled' : 'queued',
      text,
      sender,
      segments: measured.segments,
      encoding: measured.encoding,
      messageId: smsId,
      sentAt: null,
      deliveredAt: null,
      failureCode: null,
      resends: 0,
      queuedAt: now,
    },
    transaction: null,
    reminders: input.reminders ? { afterHours: [...input.reminders.afterHours].sort((a, b) => a - b), sent: 0 } : null,
    amountRefunded: 0,
    refundPending: 0,
    callbackSequence: callbackUrl ? 1 : 0,
    expiresAt: input.expiresAt ? Timestamp.fromDate(input.expiresAt) : Timestamp.fromMillis(now.toMillis() + DEFAULT_EXPIRY_MS),
    sendAt: input.sendAt ? Timestamp.fromDate(input.sendAt) : null,
    createdAt: now,
    updatedAt: now,
    openedAt: null,
    paidAt: null,
    cancelledAt: null,
  };
  if (!smsId) return { invoice, message: null };
  const message: SmsMessageDoc = {
    id: smsId,
    merchantId: merchant.id,
    mode: merchant.mode,
    invoiceId: id,
    kind: 'invoice',
    to: input.payer.phone,
    body: text,
    sender,
    status: scheduled ? 'scheduled' : 'queued',
    provider: null,
    providerMessageId: null,
    segments: measured.segments,
    encoding: measured.encoding,
    sendAt: invoice.sendAt,
    failureCode: null,
    createdAt: now,
    updatedAt: now,
  };

  return { invoice, message };
}

/** Writes a built invoice: the invoice, its pay token, its reference claim, its SMS and its first timeline entry. */
export function writeInvoice(db: Firestore, writer: DocumentWriter, built: BuiltInvoice): void {
  const { invoice, message } = built;
  writer.create(invoiceRef(db, invoice.id), invoice);
  writer.create(db.collection('payTokens').doc(invoice.payToken), { invoiceId: invoice.id, merchantId: invoice.merchantId, createdAt: invoice.createdAt });
  if (invoice.reference) writer.create(referenceRef(db, invoice.merchantId, invoice.reference), { invoiceId: invoice.id, createdAt: invoice.createdAt });
  if (message) writer.create(db.collection('smsMessages').doc(message.id), message);
  recordTimeline(db, writer, invoice, { timeline: { type: 'invoice.created', data: { sendAt: invoice.sendAt?.toDate().toISOString() ?? null } }, callback: 'invoice.created' }, invoice.createdAt);
}

/**
 * Creates an invoice and queues its SMS in one transaction: the invoice, its pay token, its
 * reference claim, the SMS message (the outbox a trigger dispatches from) and the timeline entry
 * are all written, or none is.
 */
export async function createInvoice(db: Firestore, tx: Transaction, merchant: MerchantDoc, input: CreateInvoiceInput, publicBaseUrl: string, origin?: InvoiceOrigin): Promise<ApiResult> {
  checkMethods(input, merchant);
  if (input.reference) {
    const claim = await tx.get(referenceRef(db, merchant.id, input.reference));
    if (claim.exists) throw referenceTaken(input.reference, claim.get('invoiceId'));
  }
  const built = buildInvoice(merchant, input, publicBaseUrl, undefined, origin);
  writeInvoice(db, tx, built);
  return { status: 201, body: invoiceToApi(built.invoice) };
}

/** Reference claims that already exist, read in one round trip per 100. */
export async function takenReferences(db: Firestore, merchantId: string, references: string[]): Promise<Map<string, string>> {
  const taken = new Map<string, string>();
  for (let i = 0; i < references.length; i += 100) {
    const chunk = references.slice(i, i + 100);
    const snaps = await db.getAll(...chunk.map((r) => referenceRef(db, merchantId, r)));
    snaps.forEach((snap, j) => {
      if (snap.exists) taken.set(chunk[j]!, snap.get('invoiceId') as string);
    });
  }
  return taken;
}

export { referenceTaken };

/** Whose objects a caller sees: one merchant, in one mode (a test key never sees live objects). */
export type AccountScope = Pick<MerchantDoc, 'id' | 'mode'>;

export async function loadInvoiceForMerchant(db: Firestore, account: AccountScope, id: string): Promise<InvoiceDoc> {
  if (!/^inv_[A-Za-z0-9]{22}$/.test(id)) throw notFound('Invoice');
  const snap = await invoiceRef(db, id).get();
  const invoice = snap.data() as InvoiceDoc | undefined;
  // Another merchant's invoice, or one of the other mode, answers exactly like a missing one.
  if (!invoice || invoice.merchantId !== account.id || invoice.mode !== account.mode) throw notFound('Invoice');
  return invoice;
}

export async function getInvoice(db: Firestore, account: AccountScope, id: string) {
  const invoice = await loadInvoiceForMerchant(db, account, id);
  const txn = invoice.transaction ? ((await db.collection('transactions').doc(invoice.transaction.id).get()).data() as TransactionDoc) : null;
  return invoiceToApi(invoice, txn);
}

export async function listInvoices(db: Firestore, account: AccountScope, query: z.output<typeof listInvoicesQuerySchema>) {
  let q: Query = db.collection('invoices').where('merchantId', '==', account.id).where('mode', '==', account.mode);
  if (query.status) q = q.where('status', '==', query.status);
  if (query.reference) q = q.where('reference', '==', query.reference);
  if (query.phone) q = q.where('payer.phone', '==', query.phone);
  if (query.createdFrom) q = q.where('createdAt', '>=', Timestamp.fromDate(query.createdFrom));
  if (query.createdTo) q = q.where('createdAt', '<', Timestamp.fromDate(query.createdTo));
  q = q.orderBy('createdAt', 'desc').orderBy('__name__', 'desc');
  if (query.startingAfter) {
    const cursor = await invoiceRef(db, query.startingAfter).get();
    if (!cursor.exists || cursor.get('merchantId') !== account.id || cursor.get('mode') !== account.mode) {
      throw new DomainError('invalid_request', 'startingAfter names no invoice of yours.', {
        errors: [{ field: 'startingAfter', code: 'not_found', message: 'No such invoice.' }],
      });
    }
    q = q.startAfter(cursor);
  }
  const snap = await q.limit(query.limit + 1).get();
  const docs = snap.docs.slice(0, query.limit).map((d) => invoiceToApi(d.data() as InvoiceDoc));
  return { object: 'list', data: docs, hasMore: snap.size > query.limit };
}

export async function listInvoiceEvents(db: Firestore, account: AccountScope, id: string) {
  await loadInvoiceForMerchant(db, account, id);
  const snap = await invoiceRef(db, id).collection('events').orderBy('createdAt', 'asc').get();
  return {
    object: 'list',
    data: snap.docs.map((d) => ({
      id: d.id,
      type: d.get('type') as string,
      status: d.get('status') as string,
      data: d.get('data') as Record<string, unknown>,
      callbackEventId: (d.get('callbackEventId') as string | null) ?? null,
      createdAt: (d.get('createdAt') as Timestamp).toDate().toISOString(),
    })),
    hasMore: false,
  };
}

/** Cancels an unpaid invoice; cancelling twice answers the same. Returns the provider session to close. */
export async function cancelInvoice(db: Firestore, tx: Transaction, merchantId: string, id: string): Promise<{ result: ApiResult; sessionToExpire: CheckoutToClose | null }> {
  if (!/^inv_[A-Za-z0-9]{22}$/.test(id)) throw notFound('Invoice');
  const snap = await tx.get(invoiceRef(db, id));
  const invoice = snap.data() as InvoiceDoc | undefined;
  if (!invoice || invoice.merchantId !== merchantId) throw notFound('Invoice');
  if (invoice.status === 'cancelled') return { result: { status: 200, body: invoiceToApi(invoice) }, sessionToExpire: null };
  if (isSettled(invoice.status)) {
    throw new DomainError('invalid_state', `The invoice is ${invoice.status}; refund it instead of cancelling.`);
  }
  if (invoice.status === 'expired') throw new DomainError('invalid_state', 'The invoice has already expired.');
  if (!isCancellable(invoice.status)) throw new DomainError('invalid_state', `An invoice that is ${invoice.status} cannot be cancelled.`);
  const txn = invoice.transaction ? ((await tx.get(transactionRef(db, invoice.transaction.id))).data() as TransactionDoc) : null;
  const now = Timestamp.now();
  const cancel = { timeline: { type: 'invoice.cancelled' }, callback: 'invoice.cancelled' } as const;
  const next =
    txn && isOpenTransaction(txn.status)
      ? changeTransaction(
          db,
          tx,
          txn,
          invoice,
          { to: 'cancelled', patch: { failureCode: 'invoice_cancelled', failureMessage: 'The invoice was cancelled.' }, invoice: { to: 'cancelled', patch: { cancelledAt: now } }, ...cancel },
          now,
        )?.invoice
      : changeInvoice(db, tx, invoice, { to: 'cancelled', patch: { cancelledAt: now }, ...cancel }, now);
  if (!next) throw new DomainError('invalid_state', `An invoice that is ${invoice.status} cannot be cancelled.`);
  return {
    result: { status: 200, body: invoiceToApi(next) },
    sessionToExpire: liveCheckoutSession(txn),
  };
}

/** `+47 ••• •• 123`: enough for payers to recognise their number, not enough to harvest it. */
export function maskPhone(e164: string): string {
  const last = e164.slice(-3);
  try {
    return `+${parsePhoneNumber(e164).countryCallingCode} ••• •• ${last}`;
  } catch {
    return `••• •• ${last}`;
  }
}

export { RESEND_INTERVAL_MS, RESEND_LIMIT };

/**
 * Sends the payment-request SMS again: at most 3 times per invoice and not within a minute of
 * the last, so a double click or a loop in an integration cannot flood a payer.
 */
export async function resendInvoice(db: Firestore, tx: Transaction, merchantId: string, id: string): Promise<ApiResult> {
  if (!/^inv_[A-Za-z0-9]{22}$/.test(id)) throw notFound('Invoice');
  const snap = await tx.get(invoiceRef(db, id));
  const invoice = snap.data() as InvoiceDoc | undefined;
  if (!invoice || invoice.merchantId !== merchantId) throw notFound('Invoice');
  if (!isResendable(invoice.status)) {
    throw new DomainError('invalid_state', `An invoice that is ${invoice.status} is not sent again.`);
  }
  if ((await tx.get(optOutRef(db, invoice.payer.phone))).exists) {
    throw new DomainError('invalid_state', 'The payer has opted out of SMS (replied STOP).');
  }
  const resends = invoice.sms.resends ?? 0;
  const wait = (invoice.sms.queuedAt?.toMillis() ?? 0) + RESEND_INTERVAL_MS - Date.now();
  if (resends >= RESEND_LIMIT) throw new DomainError('rate_limited', `The SMS was already sent again ${RESEND_LIMIT} times.`);
  if (wait > 0) throw new DomainError('rate_limited', 'The SMS was queued less than a minute ago.', { retryAfterSeconds: wait / 1000 });
  assertSmsFits(invoice.sms.text);
  const now = Timestamp.now();
  const message = queueSms(db, tx, invoice, 'invoice', invoice.sms.text, now);
  const next = changeInvoice(
    db,
    tx,
    invoice,
    {
      patch: { sms: { ...invoice.sms, status: 'queued', messageId: message.id, sentAt: null, deliveredAt: null, failureCode: null, resends: resends + 1, queuedAt: now } },
      timeline: { type: 'invoice.sms.queued', data: { messageId: message.id, resend: resends + 1 } },
    },
    now,
  );
  return { status: 200, body: invoiceToApi(next ?? invoice) };
}
