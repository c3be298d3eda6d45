/**
 * The payer's public view of an invoice: GET /api/v1/pay/{token}.
 * `normalizePayView` accepts the documented shape and a few tolerant aliases, so the page keeps
 * working while the API grows (e.g. `merchant.name` or `merchantName`).
 */
export type InvoiceStatus =
  | 'scheduled'
  | 'sending'
  | 'sent'
  | 'opened'
  | 'processing'
  | 'paid'
  | 'refunded'
  | 'partially_refunded'
  | 'expired'
  | 'cancelled';

export type PaymentMethod = 'card' | 'phone';

export type TransactionStatus =
  | 'pending'
  | 'awaiting_pin'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'refunded';

export type TransactionNext =
  | { type: 'redirect'; url: string }
  | { type: 'pin'; expiresAt?: string; attemptsLeft?: number }
  | null;

export interface Transaction {
  id: string;
  method?: PaymentMethod | string;
  provider?: string;
  status: TransactionStatus | string;
  failureCode?: string | null;
  failureMessage?: string | null;
  next?: TransactionNext;
}

export interface PayView {
  status: InvoiceStatus | string;
  amount: number;
  currency: string;
  description: string;
  reference: string | null;
  merchantName: string;
  logoUrl: string | null;
  accentColor: string | null;
  phone: string | null;
  locale: string | null;
  paymentMethods: PaymentMethod[];
  returnUrl: string | null;
  expiresAt: string | null;
  paidAt: string | null;
  transaction: Transaction | null;
}

export const FINAL_STATUSES: readonly string[] = ['paid', 'refunded', 'partially_refunded', 'expired', 'cancelled'];
export const PAID_STATUSES: readonly string[] = ['paid', 'refunded', 'partially_refunded'];
export const CLOSED_STATUSES: readonly string[] = ['expired', 'cancelled'];

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | null => (v && typeof v === 'object' ? (v as Loose) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Only plain hex or rgb()/hsl() colours reach the CSS variable. */
export function safeColor(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  return /^#[0-9a-f]{3,8}$/i.test(s) || /^(rgb|hsl)a?\([\d\s.,%/]+\)$/i.test(s) ? s : null;
}

function safeUrl(value: unknown, protocols: readonly string[] = ['https:', 'http:']): string | null {
  const s = str(value);
  if (!s) return null;
  try {
    const url = new URL(s, typeof location === 'undefined' ? 'http://localhost' : location.href);
    return protocols.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function normalizePayView(raw: unknown): PayView {
  const r = obj(raw) ?? {};
  const merchant = obj(r.merchant) ?? {};
  const branding = obj(merchant.branding) ?? obj(r.branding) ?? {};
  const payer = obj(r.payer) ?? {};
  const txn = obj(r.transaction) ?? obj(r.latestTransaction);
  const methodsRaw = Array.isArray(r.paymentMethods) ? r.paymentMethods : Array.isArray(r.methods) ? r.methods : [];
  return {
    status: str(r.status) ?? 'opened',
    amount: typeof r.amount === 'number' ? r.amount : 0,
    currency: str(r.currency) ?? 'NOK',
    description: str(r.description) ?? '',
    reference: str(r.reference),
    merchantName: str(merchant.name) ?? str(r.merchantName) ?? '',
    logoUrl: safeUrl(merchant.logoUrl ?? branding.logoUrl ?? r.logoUrl),
    accentColor: safeColor(merchant.accentColor ?? branding.accentColor ?? merchant.brandColor ?? r.accentColor),
    phone: str(payer.phone) ?? str(r.phone) ?? str(r.maskedPhone),
    locale: str(payer.locale) ?? str(r.locale),
    paymentMethods: methodsRaw.filter((m): m is PaymentMethod => m === 'card' || m === 'phone'),
    returnUrl: safeUrl(r.returnUrl),
    expiresAt: str(r.expiresAt),
    paidAt: str(r.paidAt),
    transaction: txn && str(txn.id) ? (txn as unknown as Transaction) : null,
  };
}
