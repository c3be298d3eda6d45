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
  sms: { status: string; segments?: number; encoding?: string; sentAt?: Timestamp | null; deliveredAt?: Timestamp | null };
  payUrl: string;
  createdAt: Timestamp | null;
  openedAt?: Timestamp | null;
  paidAt?: Timestamp | null;
  expiresAt?: Timestamp | null;
  transaction?: { id: string; method: string; status: string } | null;
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
export const smsMessageConverter = readOnly<SmsMessageDoc>();
export const invoiceEventConverter = readOnly<InvoiceEventDoc>();
