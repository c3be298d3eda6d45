import type { TransactionProvider } from '../domain/types';

export interface CheckoutRequest {
  transactionId: string;
  invoiceId: string;
  merchantId: string;
  merchantName: string;
  amount: number;
  currency: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  payerLocale: string;
}

export interface CheckoutSession {
  sessionId: string;
  url: string;
  expiresAt: Date;
}

/** A provider event after its signature was verified, reduced to what our state machine needs. */
export type CardEvent =
  | { kind: 'payment_succeeded'; eventId: string; transactionId: string; sessionId: string; paymentId: string | null }
  | { kind: 'payment_pending'; eventId: string; transactionId: string; sessionId: string }
  | { kind: 'payment_failed'; eventId: string; transactionId: string; failureCode: string; failureMessage: string }
  | { kind: 'session_expired'; eventId: string; transactionId: string; sessionId: string }
  | { kind: 'refunded'; eventId: string; paymentId: string; amountRefunded: number }
  | { kind: 'ignored'; eventId: string; type: string };

/** The port card payments go through: Stripe Checkout, or the local sandbox checkout. */
export interface CardProvider {
  readonly name: Extract<TransactionProvider, 'stripe' | 'sandbox'>;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Closes a session so it can no longer be paid (invoice cancelled, expired or method switched). */
  expireCheckout(sessionId: string): Promise<void>;
  /** Verifies the signature on the raw body, then parses; throws `invalid_request` when it does not verify. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): Promise<CardEvent>;
  /** Reads a session back, so a lost webhook never leaves a paid invoice unpaid. */
  sessionStatus(sessionId: string): Promise<{ status: 'open' | 'complete' | 'expired'; paymentStatus: 'paid' | 'unpaid' | 'no_payment_required'; paymentIntentId: string | null }>;
  /** Refunds `amount` (minor units) of a payment; the same `idempotencyKey` never refunds twice. */
  refund(paymentId: string, amount: number, idempotencyKey: string): Promise<{ refundId: string; status: string }>;
}
