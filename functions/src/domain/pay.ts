import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { DomainError } from './errors';
import { newId } from './ids';
import { maskPhone } from './invoices';
import type { Locale, PaymentMethod } from './schemas';
import { transactionToApi } from './serialize';
import { UNOPENED, isOpenTransaction, isPayable, liveCheckoutSession } from './status';
import { changeInvoice, changeTransaction, invoiceRef, transactionRef, transactionSummary, type TransactionChange } from './timeline';
import { merchantRef } from './merchants';
import { chargeAccountFor, platformFeeFor } from './connect';
import type { InvoiceDoc, MerchantDoc, Mode, TransactionDoc } from './types';
import type { DeploymentProviders } from './modes';
import { randomUUID } from 'node:crypto';
import type { CardProvider } from '../adapters/cardProvider';
import type { PhoneBilling, PhoneChargeRequest } from '../adapters/phoneBilling';
import { PIN_MAX_ATTEMPTS, PIN_TTL_MS, generatePin, hashPin } from './pin';
import { pinPepper, pinRef, queuePinSms } from './phoneSms';
import { readPaymentStartLimits } from './limits';

/** Unknown, expired and cancelled tokens all answer this, so a token's fate is not revealed. */
const gone = () => new DomainError('not_found', 'This payment link is not valid. Ask the sender for a new one.');

async function invoiceByToken(db: Firestore, tx: Transaction, token: string): Promise<InvoiceDoc> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(token)) throw gone();
  const tokenSnap = await tx.get(db.collection('payTokens').doc(token));
  if (!tokenSnap.exists) throw gone();
  const [snap, merchantSnap] = await Promise.all([tx.get(invoiceRef(db, tokenSnap.get('invoiceId') as string)), tx.get(merchantRef(db, tokenSnap.get('merchantId') as string))]);
  if (!snap.exists) throw gone();
  // A suspended merchant's requests can be neither viewed nor paid; the page says it is unavailable.
  if (merchantSnap.get('status') === 'suspended') throw new DomainError('merchant_suspended', 'This payment request is unavailable.');
  return snap.data() as InvoiceDoc;
}

/** Moves a payable invoice past its `expiresAt` to `expired`; returns the invoice after the move. */
function expireIfDue(db: Firestore, tx: Transaction, invoice: InvoiceDoc, now: Timestamp): InvoiceDoc {
  if (!isPayable(invoice.status) || invoice.expiresAt.toMillis() > now.toMillis()) return invoice;
  return changeInvoice(db, tx, invoice, { to: 'expired', timeline: { type: 'invoice.expired' }, callback: 'invoice.expired' }, now) ?? invoice;
}

/** A merchant URL with `?invoice={id}&status={status}` appended (spec steps 6 and 7). */
function merchantUrlFor(base: string | null, invoice: Pick<InvoiceDoc, 'id' | 'status'>): string | null {
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('invoice', invoice.id);
  url.searchParams.set('status', invoice.status);
  return url.toString();
}

const returnUrlFor = (invoice: InvoiceDoc) => merchantUrlFor(invoice.returnUrl, invoice);

/** Where the checkout's cancel button lands: our API, which then sends the payer on with the status of that moment. */
const checkoutCancelledUrl = (publicBaseUrl: string, payToken: string) => `${publicBaseUrl}/api/v1/pay/${payToken}/checkout-cancelled`;

/**
 * A payer who cancels at the checkout goes to the invoice's `cancelUrl` with
 * `?invoice={id}&status={status}`, else back to `/pay/{token}`. It changes nothing: the payer
 * may still come back and pay, and the checkout session ends on its own.
 */
export async function cancelledCheckoutDestination(db: Firestore, token: string, publicBaseUrl: string): Promise<string> {
  const landing = `${publicBaseUrl}/pay/${encodeURIComponent(token)}`;
  const invoice = await db
    .runTransaction((tx) => invoiceByToken(db, tx, token))
    .catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'not_found') return null;
      throw error;
    });
  return (invoice && merchantUrlFor(invoice.cancelUrl, invoice)) ?? landing;
}

export interface PayViewContext {
  merchant: Pick<MerchantDoc, 'name' | 'branding'> & { settings?: Pick<MerchantDoc['settings'], 'supportEmail' | 'supportPhone'> };
}

/**
 * `GET /pay/{token}`: the payer's view. The first view moves the invoice to `opened`; an invoice
 * past its expiry is expired here too, so a payer never pays a dead invoice.
 */
export async function viewPayment(db: Firestore, token: string, loadMerchant: (id: string) => Promise<PayViewContext['merchant']>, deployment: DeploymentProviders) {
  const { invoice, txn } = await db.runTransaction(async (tx) => {
    let invoice = await invoiceByToken(db, tx, token);
    const txnSnap = invoice.transaction ? await tx.get(transactionRef(db, invoice.transaction.id)) : null;
    const now = Timestamp.now();
    invoice = expireIfDue(db, tx, invoice, now);
    if (UNOPENED.includes(invoice.status)) {
      invoice = changeInvoice(db, tx, invoice, { to: 'opened', patch: { openedAt: now }, timeline: { type: 'invoice.opened' }, callback: 'invoice.opened' }, now) ?? invoice;
    }
    return { invoice, txn: (txnSnap?.data() as TransactionDoc | undefined) ?? null };
  });
  if (invoice.status === 'cancelled' || invoice.status === 'expired') throw gone();
  const merchant = await loadMerchant(invoice.merchantId);
  return {
    invoice: {
      id: invoice.id,
      status: invoice.status,
      amount: invoice.amount,
      amountRefunded: invoice.amountRefunded,
      currency: invoice.currency,
      description: invoice.description,
      reference: invoice.reference,
      phoneMasked: maskPhone(invoice.payer.phone),
      paymentMethods: invoice.paymentMethods,
      locale: invoice.locale,
      // The language the merchant chose for this payer (payer.locale), as opposed to its default.
      payerLocale: invoice.payer.locale ?? null,
      expiresAt: invoice.expiresAt.toDate().toISOString(),
      paidAt: invoice.paidAt?.toDate().toISOString() ?? null,
    },
    merchant: {
      name: merchant.name,
      logoUrl: merchant.branding.logoUrl ?? null,
      accentColor: merchant.branding.accentColor ?? null,
      supportEmail: merchant.settings?.supportEmail ?? null,
      supportPhone: merchant.settings?.supportPhone ?? null,
    },
    transaction: txn ? transactionToApi(txn) : null,
    returnUrl: returnUrlFor(invoice),
    cancelUrl: invoice.cancelUrl,
    sandbox: {
      card: invoice.paymentMethods.includes('card') && deployment[invoice.mode].card === 'sandbox',
      phone: invoice.paymentMethods.includes('phone') && deployment[invoice.mode].phone === 'sandbox',
    },
  };
}

export interface StartPaymentDeps {
  db: Firestore;
  publicBaseUrl: string;
  /** The invoice's mode picks the providers; the transaction keeps the one it started with. */
  providers(mode: Mode): { card: CardProvider; phone: PhoneBilling };
}

export type InvoiceLocator = { token: string } | { invoiceId: string; merchantId: string };

const SESSION_MIN_MS = 30 * 60_000;
const SESSION_MAX_MS = 24 * 3600_000;
const SESSION_REUSE_MARGIN_MS = 2 * 60_000;
/** A card attempt still `pending` after this died before its checkout was made; it is replaced. */
const PENDING_REUSE_MS = 90_000;

async function locateInvoice(db: Firestore, tx: Transaction, locate: InvoiceLocator): Promise<InvoiceDoc> {
  if ('token' in locate) return invoiceByToken(db, tx, locate.token);
  const snap = await tx.get(invoiceRef(db, locate.invoiceId));
  const found = snap.data() as InvoiceDoc | undefined;
  if (!found || found.merchantId !== locate.merchantId) throw new DomainError('not_found', 'Invoice not found.');
  return found;
}

/**
 * Starts (or resumes) a payment of an invoice. A second tap on Card while its checkout is open
 * returns the same session; choosing another method closes the open one first. For Phone, our
 * own PIN (sandbox) is generated, stored hashed and queued for SMS in the same transaction.
 * Every new attempt, and every PIN SMS (ours or the provider's), is counted in that transaction
 * against the limits in limits.ts: over them, nothing is written and the answer is 429.
 */
/** Racing taps contend on the invoice and its counters; each waits its turn rather than fail. */
const RACING_TAPS = { maxAttempts: 25 };

export async function startPayment(deps: StartPaymentDeps, locate: InvoiceLocator, method: PaymentMethod, options: { payerLocale?: Locale } = {}) {
  const { db } = deps;
  const begun = await db.runTransaction(async (tx) => {
    let invoice = await locateInvoice(db, tx, locate);
    const providers = deps.providers(invoice.mode);
    const ownPin = method === 'phone' && invoice.paymentMethods.includes('phone') && !providers.phone.sendsOwnPin;
    const limits = await readPaymentStartLimits(db, tx, invoice, method === 'phone');
    const currentRef = invoice.transaction ? transactionRef(db, invoice.transaction.id) : null;
    const current = currentRef ? ((await tx.get(currentRef)).data() as TransactionDoc) : null;
    const optedOut = ownPin ? (await tx.get(db.collection('optOuts').doc(invoice.payer.phone))).exists : false;
    const pepper = ownPin ? await pinPepper(db, tx) : null;
    // Stripe card payments go to the merchant's connected account (Connect), as of this attempt.
    const connect = method === 'card' && providers.card.name === 'stripe' ? ((await tx.get(merchantRef(db, invoice.merchantId))).data() as MerchantDoc) : null;
    // Strex phone payments bill through the merchant's own Strex account, as of this attempt.
    const strexOwner = method === 'phone' && providers.phone.name === 'strex' ? ((await tx.get(merchantRef(db, invoice.merchantId))).data() as MerchantDoc) : null;
    const now = Timestamp.now();
    invoice = expireIfDue(db, tx, invoice, now);
    if (invoice.status === 'cancelled' || invoice.status === 'expired') {
      if ('token' in locate) throw gone();
      throw new DomainError('invalid_state', `The invoice is ${invoice.status}.`);
    }
    if (!isPayable(invoice.status)) throw new DomainError('invalid_state', `The invoice is already ${invoice.status}.`);
    if (!invoice.paymentMethods.includes(method)) {
      throw new DomainError('invalid_request', `This invoice does not offer "${method}".`, {
        errors: [{ field: 'method', code: 'not_offered', values: invoice.paymentMethods, message: `Offered: ${invoice.paymentMethods.join(', ')}.` }],
      });
    }
    const connectedAccount = connect ? chargeAccountFor(connect, invoice.mode) : null;
    if (connect && invoice.mode === 'live' && !connectedAccount) {
      throw new DomainError('invalid_state', 'Card cannot be taken for this merchant now: its Stripe account cannot take charges yet.', { extra: { missing: 'stripe_charges_disabled' } });
    }
    const strex = strexOwner?.strex ? { merchantId: strexOwner.strex.merchantId, serviceCode: strexOwner.strex.serviceCode } : null;
    if (strexOwner && invoice.mode === 'live' && !strex) {
      throw new DomainError('invalid_state', 'Phone cannot be taken for this merchant now: its Strex account is not set up yet.', { extra: { missing: 'strex_not_configured' } });
    }
    if (optedOut) {
      throw new DomainError('invalid_state', 'This phone number has opted out of SMS (STOP), so no PIN can be sent. Reply START to opt in again, or pay by card.');
    }
    if (current && isOpenTransaction(current.status)) {
      const reusable =
        current.method === method &&
        method === 'card' &&
        (current.status === 'pending'
          ? now.toMillis() - current.createdAt.toMillis() < PENDING_REUSE_MS
          : (current.providerSessionExpiresAt?.toMillis() ?? 0) > now.toMillis() + SESSION_REUSE_MARGIN_MS);
      if (reusable) return { reused: current, created: null, invoice: null, superseded: null, providers, ownPin };
      invoice = changeTransaction(db, tx, current, invoice, { to: 'cancelled', patch: { failureCode: 'superseded', failureMessage: 'The payer chose again.' } }, now)?.invoice ?? invoice;
    }
    limits.take(now);
    const txn: TransactionDoc = {
      id: newId('txn'),
      merchantId: invoice.merchantId,
      invoiceId: invoice.id,
      mode: invoice.mode,
      method,
      provider: method === 'card' ? providers.card.name : providers.phone.name,
      status: ownPin ? 'awaiting_pin' : 'pending',
      amount: invoice.amount,
      currency: invoice.currency,
      failureCode: null,
      failureMessage: null,
      redirectUrl: null,
      providerSessionId: null,
      providerSessionExpiresAt: null,
      providerPaymentId: method === 'phone' ? randomUUID() : null,
      ...(method === 'card' ? { providerAccountId: connectedAccount, platformFee: connect && connectedAccount ? platformFeeFor(connect, invoice.amount) : null } : {}),
      ...(strexOwner ? { strex } : {}),
      pinExpiresAt: method === 'phone' ? Timestamp.fromMillis(now.toMillis() + PIN_TTL_MS) : null,
      pinAttemptsLeft: method === 'phone' ? PIN_MAX_ATTEMPTS : null,
      amountRefunded: 0,
      createdAt: now,
      updatedAt: now,
      succeededAt: null,
    };
    tx.create(transactionRef(db, txn.id), txn);
    if (ownPin && pepper) queuePin(db, tx, invoice, txn, pepper, now);
    const moved = changeInvoice(
      db,
      tx,
      invoice,
      {
        to: 'processing',
        patch: { transaction: transactionSummary(txn) },
        timeline: { type: 'invoice.payment_started', data: { method, transactionId: txn.id } },
      },
      now,
    );
    if (!moved) throw new DomainError('invalid_state', `The invoice is ${invoice.status}.`);
    const superseded = liveCheckoutSession(current);
    return { reused: null, created: txn, invoice: moved, superseded, providers, ownPin };
  }, RACING_TAPS);

  if (begun.reused) return transactionToApi(begun.reused.redirectUrl ? begun.reused : await waitForRedirect(db, begun.reused.id));
  const { created: txn, invoice, superseded, providers, ownPin } = begun;
  if (superseded) await providers.card.expireCheckout(superseded.sessionId, superseded.account).catch(() => undefined);
  if (method === 'card') return beginCheckout({ db, publicBaseUrl: deps.publicBaseUrl, card: providers.card }, txn, invoice, options.payerLocale ?? invoice.payer.locale ?? null);
  if (ownPin) return transactionToApi(txn);
  try {
    await providers.phone.start(phoneChargeRequest(txn, invoice));
  } catch (error) {
    await failTransaction(db, txn.id, 'provider_error', 'The phone billing provider could not send a PIN. Try again.');
    throw new DomainError('provider_error', `The phone billing provider could not start the payment: ${(error as Error).message}`);
  }
  return transactionToApi(await moveTransaction(db, txn.id, 'pending', { to: 'awaiting_pin' }));
}

export function phoneChargeRequest(txn: TransactionDoc, invoice: Pick<InvoiceDoc, 'payer' | 'merchantName' | 'description'>): PhoneChargeRequest {
  return {
    transactionId: txn.id,
    providerTransactionId: txn.providerPaymentId!,
    phone: invoice.payer.phone,
    amount: txn.amount,
    currency: 'NOK',
    merchantName: invoice.merchantName,
    description: invoice.description,
    strex: txn.strex ?? null,
  };
}

/**
 * Moves a transaction from `from` (and only from there) with `patch`, in a Firestore transaction of
 * its own, through changeTransaction. Returns the transaction as it is after.
 */
export async function moveTransaction(db: Firestore, txnId: string, from: TransactionDoc['status'], change: TransactionChange): Promise<TransactionDoc> {
  return db.runTransaction(async (tx) => {
    const fresh = (await tx.get(transactionRef(db, txnId))).data() as TransactionDoc;
    const invoice = (await tx.get(invoiceRef(db, fresh.invoiceId))).data() as InvoiceDoc;
    if (fresh.status !== from) return fresh;
    return changeTransaction(db, tx, fresh, invoice, change)?.txn ?? fresh;
  });
}

async function beginCheckout(deps: { db: Firestore; publicBaseUrl: string; card: CardProvider }, txn: TransactionDoc, invoice: InvoiceDoc, payerLocale: Locale | null) {
  const receiptUrl = `${deps.publicBaseUrl}/pay/${invoice.payToken}/receipt`;
  const nowMs = Date.now();
  const expiresAt = new Date(Math.max(nowMs + SESSION_MIN_MS, Math.min(invoice.expiresAt.toMillis(), nowMs + SESSION_MAX_MS)));
  let session;
  try {
    session = await deps.card.createCheckout({
      transactionId: txn.id,
      invoiceId: invoice.id,
      merchantId: invoice.merchantId,
      merchantName: invoice.merchantName,
      amount: invoice.amount,
      currency: invoice.currency,
      description: invoice.description,
      successUrl: receiptUrl,
      cancelUrl: checkoutCancelledUrl(deps.publicBaseUrl, invoice.payToken),
      expiresAt,
      payerLocale,
      connectedAccount: txn.providerAccountId ?? null,
      applicationFeeAmount: txn.platformFee ?? null,
    });
  } catch (error) {
    await failTransaction(deps.db, txn.id, 'provider_error', 'The card provider could not start the payment. Try again.');
    throw new DomainError('provider_error', `The card provider could not start the payment: ${(error as Error).message}`);
  }
  const ready = await moveTransaction(deps.db, txn.id, 'pending', {
    to: 'processing',
    patch: { redirectUrl: session.url, providerSessionId: session.sessionId, providerSessionExpiresAt: Timestamp.fromDate(session.expiresAt) },
  });
  return transactionToApi(ready);
}

/** The PIN SMS and the PIN's hash, written with the transaction so neither exists without the other. */
function queuePin(db: Firestore, tx: Transaction, invoice: InvoiceDoc, txn: TransactionDoc, pepper: string, now: Timestamp): void {
  const pin = generatePin();
  tx.create(pinRef(db, txn.id), { hash: hashPin(pin, txn.id, txn.amount, pepper), expiresAt: txn.pinExpiresAt, attempts: 0, used: false });
  queuePinSms(db, tx, invoice, pin, now);
}

async function waitForRedirect(db: Firestore, txnId: string): Promise<TransactionDoc> {
  for (let i = 0; i < 40; i++) {
    const txn = (await transactionRef(db, txnId).get()).data() as TransactionDoc;
    if (txn.redirectUrl || !isOpenTransaction(txn.status)) return txn;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new DomainError('invalid_state', 'A payment is being started for this invoice; try again in a moment.');
}

/** Marks a transaction failed and returns its invoice to `opened`, with the failure in the timeline. */
export async function failTransaction(db: Firestore, txnId: string, failureCode: string, failureMessage: string, eventRef?: FirebaseFirestore.DocumentReference): Promise<void> {
  await db.runTransaction(async (tx) => {
    if (eventRef && (await tx.get(eventRef)).exists) return;
    const snap = await tx.get(transactionRef(db, txnId));
    const txn = snap.data() as TransactionDoc | undefined;
    if (!txn) return;
    const invSnap = await tx.get(invoiceRef(db, txn.invoiceId));
    const invoice = invSnap.data() as InvoiceDoc;
    const now = Timestamp.now();
    if (eventRef) tx.create(eventRef, { at: now, transactionId: txnId });
    if (!isOpenTransaction(txn.status)) return;
    const isLatest = invoice.transaction?.id === txnId;
    changeTransaction(
      db,
      tx,
      txn,
      invoice,
      isLatest
        ? {
            to: 'failed',
            patch: { failureCode, failureMessage },
            invoice: { to: invoice.status === 'processing' ? 'opened' : undefined },
            timeline: { type: 'invoice.payment_failed', data: { transactionId: txnId, method: txn.method, failureCode, failureMessage } },
            callback: 'invoice.payment_failed',
          }
        : { to: 'failed', patch: { failureCode, failureMessage } },
      now,
    );
  });
}
