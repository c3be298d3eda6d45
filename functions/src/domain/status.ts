export const INVOICE_STATUSES = ['scheduled', 'sending', 'sent', 'opened', 'processing', 'paid', 'partially_refunded', 'refunded', 'expired', 'cancelled', 'undelivered'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const SMS_STATUSES = ['scheduled', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'opted_out'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export const TRANSACTION_STATUSES = ['pending', 'awaiting_pin', 'processing', 'succeeded', 'failed', 'cancelled', 'refunded'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

const PRE_PAYMENT: InvoiceStatus[] = ['scheduled', 'sending', 'sent', 'undelivered', 'opened', 'processing'];

/** Statuses in which the payer has not opened the link yet: the first view moves them to `opened`. */
export const UNOPENED: readonly InvoiceStatus[] = ['scheduled', 'sending', 'sent', 'undelivered'];

/**
 * Allowed invoice moves. Forward only, with two deliberate exceptions from the spec: a failed
 * payment attempt returns `processing` to `opened`, and money the provider confirms as taken
 * marks the invoice paid even if it was cancelled or expired meanwhile (the merchant must see it to refund).
 * `undelivered` (the SMS can never reach the payer) is not an end: the link still works when the
 * merchant shares it another way, and a resend that goes out after START makes it `sent`.
 */
const INVOICE_MOVES: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  scheduled: ['sending', 'sent', 'undelivered', 'opened', 'processing', 'paid', 'expired', 'cancelled'],
  sending: ['sent', 'undelivered', 'opened', 'processing', 'paid', 'expired', 'cancelled'],
  sent: ['undelivered', 'opened', 'processing', 'paid', 'expired', 'cancelled'],
  undelivered: ['sent', 'opened', 'processing', 'paid', 'expired', 'cancelled'],
  opened: ['processing', 'paid', 'expired', 'cancelled'],
  processing: ['opened', 'paid', 'expired', 'cancelled'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  expired: ['paid'],
  cancelled: ['paid'],
};

export function canMoveInvoice(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return INVOICE_MOVES[from].includes(to);
}

export function isPayable(status: InvoiceStatus): boolean {
  return PRE_PAYMENT.includes(status);
}

export function isSettled(status: InvoiceStatus): boolean {
  return status === 'paid' || status === 'partially_refunded' || status === 'refunded';
}

const SMS_RANK: Record<SmsStatus, number> = {
  scheduled: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  opted_out: 4,
};

/** SMS status only moves forward, whatever order the provider's receipts arrive in. */
export function canMoveSms(from: SmsStatus, to: SmsStatus): boolean {
  return SMS_RANK[to] > SMS_RANK[from];
}

const TRANSACTION_MOVES: Record<TransactionStatus, readonly TransactionStatus[]> = {
  pending: ['awaiting_pin', 'processing', 'succeeded', 'failed', 'cancelled'],
  awaiting_pin: ['processing', 'succeeded', 'failed', 'cancelled'],
  processing: ['succeeded', 'failed', 'cancelled'],
  // A card can succeed on the PSP's page after an earlier decline in the same session.
  failed: ['succeeded'],
  cancelled: ['succeeded'],
  succeeded: ['refunded'],
  refunded: [],
};

export function canMoveTransaction(from: TransactionStatus, to: TransactionStatus): boolean {
  return TRANSACTION_MOVES[from].includes(to);
}

export function isOpenTransaction(status: TransactionStatus): boolean {
  return status === 'pending' || status === 'awaiting_pin' || status === 'processing';
}

/**
 * The checkout session a card transaction may still be paid through: an open one, or a declined
 * one, since the PSP's page lets the payer try another card. Closed whenever the invoice stops
 * taking payments or the payer starts another attempt.
 */
export function liveCheckoutSession(
  txn: { method: string; status: TransactionStatus; providerSessionId: string | null; providerAccountId?: string | null } | null | undefined,
): CheckoutToClose | null {
  if (!txn || txn.method !== 'card' || !txn.providerSessionId) return null;
  return isOpenTransaction(txn.status) || txn.status === 'failed' ? { sessionId: txn.providerSessionId, account: txn.providerAccountId ?? null } : null;
}

/** A checkout session to close, on the connected account it was made on (null: the platform's own). */
export interface CheckoutToClose {
  sessionId: string;
  account: string | null;
}

/** A merchant may send an invoice's SMS again at most this many times, and not within a minute of the last. */
export const RESEND_LIMIT = 3;
export const RESEND_INTERVAL_MS = 60_000;

/**
 * `POST /invoices/{id}/cancel` moves these to `cancelled` (an already cancelled invoice answers
 * 200 with nothing to do; every other status is a 409). The dashboard offers Cancel for exactly these.
 */
export function isCancellable(status: InvoiceStatus): boolean {
  return canMoveInvoice(status, 'cancelled');
}

/**
 * `POST /invoices/{id}/resend` sends the pay-link SMS again for these: the invoice can still be
 * paid and its first SMS has been queued (a scheduled one goes out by itself). The dashboard
 * offers Resend for exactly these; the server may still refuse a number that opted out, or a
 * resend too soon or one too many (see RESEND_LIMIT).
 */
export function isResendable(status: InvoiceStatus): boolean {
  return isPayable(status) && status !== 'scheduled';
}
