import type { Timestamp } from 'firebase-admin/firestore';
import type { InvoiceStatus, SmsStatus, TransactionStatus } from './status';
import type { Locale, PaymentMethod } from './schemas';
import type { SmsEncoding } from './smsText';

export type Mode = 'test' | 'live';

/** A suspended merchant's keys are refused, its pay links unavailable, its SMS not sent. */
export type MerchantStatus = 'active' | 'suspended';

/** What Stripe says about a merchant's connected account (Accounts API). */
export interface ConnectAccountStatus {
  accountId: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** `requirements.currently_due` plus `past_due`: what the merchant must still give Stripe. */
  requirementsDue: string[];
  disabledReason: string | null;
}

/** A connected account's status as stored on the merchant, with the Stripe time (seconds) it is as of, so older news never overwrites newer. */
export interface StripeConnectState extends ConnectAccountStatus {
  asOf: number;
}

/** Which Strex merchant a phone charge bills through, and under which service code. */
export interface StrexMerchant {
  merchantId: string;
  serviceCode: string;
}

export interface StrexSettings extends StrexMerchant {
  updatedAt: Timestamp;
}

export interface MerchantDoc {
  id: string;
  name: string;
  /** For a caller, the mode of its key or dashboard switch; stored merchants say `test`. */
  mode: Mode;
  /** Missing on merchants made before operators existed: they are active. */
  status?: MerchantStatus;
  /** Set by a platform operator; until then the merchant has no live keys and no live methods. */
  liveActivatedAt?: Timestamp | null;
  /** The merchant's connected Stripe account per mode (Stripe Connect, domain/connect.ts); test and live accounts are distinct at Stripe. */
  stripeConnect?: Partial<Record<Mode, StripeConnectState>>;
  /** The platform's fee on each card payment, in basis points of the amount, set by an operator; none when absent. */
  platformFeeBps?: number;
  /** The merchant's own Strex (phone billing) account, set by an operator; live phone is offered only with it. */
  strex?: StrexSettings;
  /** For a caller only, never stored: the methods its mode can take now (domain/modes.ts). */
  offerable?: PaymentMethod[];
  branding: { logoUrl?: string; accentColor?: string };
  settings: {
    paymentMethods: PaymentMethod[];
    locale: Locale;
    returnUrl?: string;
    cancelUrl?: string;
    callbackUrl?: string;
    smsSender?: string;
    smsTemplate?: string;
    /** Send an SMS receipt for card payments too (phone payments always get one). */
    smsReceipts?: boolean;
    /** Where payers ask about or complain about a payment: shown on receipts. */
    supportEmail?: string;
    supportPhone?: string;
  };
  createdAt: Timestamp;
}

export interface ApiKeyDoc {
  merchantId: string;
  mode: Mode;
  prefix: string;
  name: string;
  createdAt: Timestamp;
  revokedAt: Timestamp | null;
  lastUsedAt: Timestamp | null;
}

export type TransactionProvider = 'stripe' | 'strex' | 'sandbox';

export interface InvoiceTransactionSummary {
  id: string;
  method: PaymentMethod;
  provider: TransactionProvider;
  status: TransactionStatus;
  /** Why the attempt failed, once it has: `invoice.payment_failed` callbacks carry it. */
  failureCode?: string | null;
  failureMessage?: string | null;
}

/** The card as the provider reports it (Stripe: the charge's `payment_method_details.card`). */
export interface CardDetails {
  brand: string;
  last4: string;
  /** ISO 3166-1 alpha-2 of the issuer. */
  country: string | null;
  wallet: 'apple_pay' | 'google_pay' | null;
}

/** What the provider charged for the payment, where it reports it (Stripe: the balance transaction's fee). */
export interface ProviderFee {
  amount: number;
  currency: string;
}

export interface InvoiceDoc {
  id: string;
  merchantId: string;
  merchantName: string;
  mode: Mode;
  status: InvoiceStatus;
  amount: number;
  currency: string;
  description: string;
  payer: { phone: string; name?: string; locale?: Locale };
  locale: Locale;
  paymentMethods: PaymentMethod[];
  reference: string | null;
  metadata: Record<string, string>;
  returnUrl: string | null;
  cancelUrl: string | null;
  callbackUrl: string | null;
  /** Whether a card payment gets an SMS receipt (copied from the merchant's settings at creation). */
  smsReceipt: boolean;
  payToken: string;
  payUrl: string;
  sms: {
    /** `null` when no pay-link SMS was ever queued (a direct transaction). */
    status: SmsStatus | null;
    text: string;
    sender: string | null;
    segments: number;
    encoding: SmsEncoding;
    messageId: string | null;
    sentAt: Timestamp | null;
    deliveredAt: Timestamp | null;
    failureCode: string | null;
    /** How many times the merchant sent it again, and when it was last queued (for the resend limit). */
    resends: number;
    queuedAt: Timestamp;
    /**
     * Whether the payer's number is opted out (STOP) as far as this invoice knows: set by STOP and
     * by an SMS refused for it, cleared by START. The dashboard offers Resend only when it is not;
     * the resend itself still checks the opt-out list.
     */
    optedOut?: boolean;
  };
  transaction: InvoiceTransactionSummary | null;
  /** Hours after creation at which to remind an unpaid payer; `sent` counts those gone out. */
  reminders: { afterHours: number[]; sent: number } | null;
  amountRefunded: number;
  /** Refunds asked of the provider and not yet answered; reserved so two refunds never exceed the payment. */
  refundPending: number;
  callbackSequence: number;
  expiresAt: Timestamp;
  sendAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  openedAt: Timestamp | null;
  paidAt: Timestamp | null;
  cancelledAt: Timestamp | null;
}

export interface TransactionDoc {
  id: string;
  merchantId: string;
  invoiceId: string;
  mode: Mode;
  method: PaymentMethod;
  provider: TransactionProvider;
  status: TransactionStatus;
  amount: number;
  currency: string;
  failureCode: string | null;
  failureMessage: string | null;
  /** Where the payer completes a card payment (the PSP's hosted page). */
  redirectUrl: string | null;
  providerSessionId: string | null;
  providerSessionExpiresAt: Timestamp | null;
  providerPaymentId: string | null;
  /** Card payments on a merchant's connected Stripe account: that account (every later call and event is about it); null or absent on the platform's own. */
  providerAccountId?: string | null;
  /** The platform fee asked of the connected account (minor units), when there was one. */
  platformFee?: number | null;
  /** Strex phone payments: the merchant's Strex merchant and service code as of the start (every later call uses them); null or absent on the deployment's own (test mode). */
  strex?: StrexMerchant | null;
  /** Phone payments: when the PIN stops working, and wrong tries left. */
  pinExpiresAt: Timestamp | null;
  pinAttemptsLeft: number | null;
  amountRefunded: number;
  /** Billing information, once the provider reported it. */
  card?: CardDetails | null;
  /** Phone payments: the payer's mobile operator, where the provider names it. */
  operator?: string | null;
  fee?: ProviderFee | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  succeededAt: Timestamp | null;
}

export type SmsKind = 'invoice' | 'pin' | 'receipt' | 'reminder';

export interface SmsMessageDoc {
  id: string;
  merchantId: string;
  /** The invoice's mode, so the Outbox shows one mode at a time. */
  mode: Mode;
  invoiceId: string | null;
  kind: SmsKind;
  to: string;
  body: string;
  sender: string | null;
  status: SmsStatus | 'sending';
  provider: string | null;
  providerMessageId: string | null;
  segments: number;
  encoding: SmsEncoding;
  sendAt: Timestamp | null;
  failureCode: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export const CALLBACK_TYPES = [
  'invoice.created',
  'invoice.sms.sent',
  'invoice.sms.delivered',
  'invoice.sms.failed',
  'invoice.opened',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.expired',
  'invoice.cancelled',
  'invoice.refunded',
] as const;
export type CallbackType = (typeof CALLBACK_TYPES)[number];

/** Timeline entries: every callback type, plus steps a merchant wants to see that send no callback. */
export type TimelineType =
  | CallbackType
  | 'invoice.scheduled'
  | 'invoice.payment_started'
  | 'invoice.sms.queued'
  | 'invoice.reminder.queued'
  | 'invoice.payment_duplicate'
  | 'invoice.payment_duplicate_refunded'
  | 'payment.mismatch';
