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
  | { kind: 'ignored'; eventId: string; type: string };

/** The port card payments go through: Stripe Checkout, or the local sandbox checkout. */
export interface CardProvider {
  readonly name: Extract<TransactionProvider, 'stripe' | 'sandbox'>;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Closes a session so it can no longer be paid (invoice cancelled, expired or method switched). */
  expireCheckout(sessionId: string): Promise<void>;
  /** Verifies the signature on the raw body, then parses; throws `invalid_request` when it does not verify. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): Promise<CardEvent>;
}
