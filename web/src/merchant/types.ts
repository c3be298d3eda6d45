import type { FirestoreDataConverter, QueryDocumentSnapshot, SnapshotOptions, Timestamp } from 'firebase/firestore';

export type MerchantRole = 'owner' | 'staff';

export interface MerchantUser {
  uid: string;
  email: string | null;
  merchantId: string;
  role: MerchantRole;
}

export interface InvoiceDoc {
  id: string;
  merchantId: string;
  status: string;
  amount: number;
  currency: string;
  description: string;
  reference?: string | null;
  payer: { phone: string; name?: string | null; locale?: string | null };
  paymentMethods: string[];
  sms: {
    status: string;
    segments?: number;
    encoding?: string;
    sentAt?: Timestamp | null;
    deliveredAt?: Timestamp | null;
    /** Why the SMS failed: `opted_out`, a provider's error code, or `invoice_<status>`. */
    failureCode?: string | null;
    text?: string | null;
    sender?: string | null;
    /** How many times the merchant sent it again, and when it was last queued (the server's resend limits). */
    resends?: number;
    queuedAt?: Timestamp | null;
    /** The payer's number is opted out (STOP) as far as this invoice knows; cleared by START. */
    optedOut?: boolean;
  };
  returnUrl?: string | null;
  cancelUrl?: string | null;
  callbackUrl?: string | null;
  metadata?: Record<string, string> | null;
  payUrl: string;
  createdAt: Timestamp | null;
  openedAt?: Timestamp | null;
  paidAt?: Timestamp | null;
  expiresAt?: Timestamp | null;
  transaction?: { id: string; method: string; status: string } | null;
  amountRefunded?: number;
  sendAt?: Timestamp | null;
  cancelledAt?: Timestamp | null;
}

export interface TransactionDoc {
  id: string;
  merchantId: string;
  invoiceId: string;
  method: string;
  provider: string;
  status: string;
  amount: number;
  currency: string;
  failureCode: string | null;
  failureMessage: string | null;
  amountRefunded?: number;
  /** Billing information, once the provider reported it (functions/src/domain/types.ts). */
  card?: { brand: string; last4: string; country: string | null; wallet: string | null } | null;
  /** Phone payments: the payer's mobile operator (`no.telenor`), where the provider names it. */
  operator?: string | null;
  /** What the provider charged, where it reports it. */
  fee?: { amount: number; currency: string } | null;
  createdAt: Timestamp | null;
  succeededAt?: Timestamp | null;
}

export interface SmsMessageDoc {
  id: string;
  merchantId: string;
  invoiceId?: string | null;
  to: string;
  body: string;
  status: string;
  provider?: string;
  kind?: string;
  createdAt: Timestamp | null;
}

export interface InvoiceEventDoc {
  id: string;
  type: string;
  createdAt: Timestamp | null;
  data?: Record<string, unknown> | null;
  merchantId?: string;
  /** The callback event this entry caused, when the invoice has a callback URL. */
  callbackEventId?: string | null;
}

export interface CallbackEventDoc {
  id: string;
  merchantId: string;
  invoiceId: string;
  type: string;
  sequence?: number;
  url: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError?: string | null;
  createdAt: Timestamp | null;
  updatedAt?: Timestamp | null;
  deliveredAt?: Timestamp | null;
  nextAttemptAt?: Timestamp | null;
}

export interface CallbackAttemptDoc {
  id: string;
  attempt: number;
  manual?: boolean;
  url?: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  at: Timestamp | null;
}

/** Read-only converter: the dashboard never writes these documents. Ids fall back to the doc id. */
function readOnly<T extends { id: string }>(): FirestoreDataConverter<T> {
  return {
    toFirestore(value: T) {
      return value as unknown as Record<string, unknown>;
    },
    fromFirestore(snapshot: QueryDocumentSnapshot, options?: SnapshotOptions): T {
      const data = snapshot.data({ serverTimestamps: 'estimate', ...options });
      return { ...data, id: typeof data.id === 'string' ? data.id : snapshot.id } as T;
    },
  };
}

export const invoiceConverter = readOnly<InvoiceDoc>();
export const transactionConverter = readOnly<TransactionDoc>();
export const smsMessageConverter = readOnly<SmsMessageDoc>();
export const invoiceEventConverter = readOnly<InvoiceEventDoc>();
export const callbackEventConverter = readOnly<CallbackEventDoc>();
export const callbackAttemptConverter = readOnly<CallbackAttemptDoc>();
