import type { CardDetails, ConnectAccountStatus, ProviderFee, TransactionProvider } from '../domain/types';

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
  /** The language the payer reads in: the one chosen on the pay page, else `payer.locale`; null when unknown (the provider chooses). */
  payerLocale: 'en' | 'nb' | null;
  /** The merchant's connected Stripe account the session is made on (direct charge); null for the platform's own. */
  connectedAccount?: string | null;
  /** The platform's fee (minor units) taken from a connected account's payment. */
  applicationFeeAmount?: number | null;
}

export interface CheckoutSession {
  sessionId: string;
  url: string;
  expiresAt: Date;
}

/**
 * What a provider's event (or its record of a session) says about the money: every field is
 * compared with the transaction before anything moves; null when the provider did not say.
 */
export interface PaymentEvidence {
  sessionId: string | null;
  paymentId: string | null;
  /** Minor units. */
  amount: number | null;
  /** ISO 4217, upper case. */
  currency: string | null;
  merchantId: string | null;
  livemode: boolean | null;
  /** The connected account the event or record is about (Stripe's top-level `account`); absent for the platform's own. */
  account?: string | null;
}

/** A provider event after its signature was verified, reduced to what our state machine needs. */
export type CardEvent =
  | { kind: 'payment_succeeded'; eventId: string; transactionId: string; evidence: PaymentEvidence }
  | { kind: 'payment_pending'; eventId: string; transactionId: string; evidence: PaymentEvidence }
  | { kind: 'payment_failed'; eventId: string; transactionId: string; evidence: PaymentEvidence; failureCode: string; failureMessage: string }
  | { kind: 'session_expired'; eventId: string; transactionId: string; evidence: PaymentEvidence }
  | { kind: 'refunded'; eventId: string; evidence: PaymentEvidence & { paymentId: string }; amountRefunded: number }
  | { kind: 'account_updated'; eventId: string; created: number; livemode: boolean | null; account: ConnectAccountStatus }
  | { kind: 'ignored'; eventId: string; type: string };

/** A Checkout Session as the provider records it, for reconciling when a webhook never arrived. */
export interface SessionRecord {
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  evidence: PaymentEvidence;
}

/** How a payment was made, as the provider records it: the card (null if not a card) and the provider's fee. */
export interface PaymentDetails {
  card: CardDetails | null;
  fee: ProviderFee | null;
}

/** The port card payments go through: Stripe Checkout, or the local sandbox checkout. */
export interface CardProvider {
  readonly name: Extract<TransactionProvider, 'stripe' | 'sandbox'>;
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /**
   * Closes a session so it can no longer be paid (invoice cancelled, expired or method switched).
   * Every call below that takes `account` acts on that connected account (the transaction's
   * `providerAccountId`); without one, on the platform's own.
   */
  expireCheckout(sessionId: string, account?: string | null): Promise<void>;
  /** Verifies the signature on the raw body, then parses; throws `invalid_request` when it does not verify. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): Promise<CardEvent>;
  /** Reads a session back, so a lost webhook never leaves a paid invoice unpaid. */
  sessionStatus(sessionId: string, account?: string | null): Promise<SessionRecord>;
  /** Refunds `amount` (minor units) of a payment; the same `idempotencyKey` never refunds twice. */
  refund(paymentId: string, amount: number, idempotencyKey: string, account?: string | null): Promise<{ refundId: string; status: string }>;
  /** Billing information of a succeeded payment (Stripe: the PaymentIntent's latest charge). */
  paymentDetails(paymentId: string, account?: string | null): Promise<PaymentDetails>;
  /** The refund of `paymentId` made under `idempotencyKey`, if the provider ever made one (for reconciling an interrupted refund). */
  findRefund(paymentId: string, idempotencyKey: string, account?: string | null): Promise<{ refundId: string; status: string } | null>;
}
