/**
 * The payer's public view of an invoice, as `GET /api/v1/pay/{token}` answers:
 * `{ invoice: {…}, merchant: { name, logoUrl, accentColor }, transaction, returnUrl, cancelUrl, sandbox }`.
 * Colours and URLs are checked again here because they end up in CSS and links.
 */
export type InvoiceStatus = 'scheduled' | 'sending' | 'sent' | 'opened' | 'processing' | 'paid' | 'refunded' | 'partially_refunded' | 'expired' | 'cancelled';

export type PaymentMethod = 'card' | 'phone';

export type TransactionStatus = 'pending' | 'awaiting_pin' | 'processing' | 'succeeded' | 'failed' | 'cancelled' | 'refunded';

export type TransactionNext = { type: 'redirect'; url: string } | { type: 'pin'; expiresAt?: string; attemptsLeft?: number } | null;

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
  id: string;
  status: InvoiceStatus | string;
  amount: number;
  currency: string;
  description: string;
  reference: string | null;
  merchantName: string;
  logoUrl: string | null;
  accentColor: string | null;
  /** The merchant's support contact, for questions and complaints (shown on the receipt). */
  supportEmail?: string | null;
  supportPhone?: string | null;
  phone: string | null;
  locale: string | null;
  /** `payer.locale` as the merchant gave it: the page opens in it unless the payer chose. */
  payerLocale?: string | null;
  paymentMethods: PaymentMethod[];
  returnUrl: string | null;
  cancelUrl: string | null;
  expiresAt: string | null;
  paidAt: string | null;
  transaction: Transaction | null;
  sandbox: { card: boolean; phone: boolean };
}

export const FINAL_STATUSES: readonly string[] = ['paid', 'refunded', 'partially_refunded', 'expired', 'cancelled'];
export const PAID_STATUSES: readonly string[] = ['paid', 'refunded', 'partially_refunded'];
export const CLOSED_STATUSES: readonly string[] = ['expired', 'cancelled'];

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | null => (v && typeof v === 'object' ? (v as Loose) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
/** A string that matches `pattern` (it ends up in a mailto:/tel: link), else null. */
const matching = (v: unknown, pattern: RegExp): string | null => {
  const s = str(v);
  return s && pattern.test(s) ? s : null;
};

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
  const invoice = obj(r.invoice) ?? {};
  const merchant = obj(r.merchant) ?? {};
  const sandbox = obj(r.sandbox) ?? {};
  const txn = obj(r.transaction);
  const methods = Array.isArray(invoice.paymentMethods) ? invoice.paymentMethods : [];
  return {
    id: str(invoice.id) ?? '',
    status: str(invoice.status) ?? 'opened',
    amount: typeof invoice.amount === 'number' ? invoice.amount : 0,
    currency: str(invoice.currency) ?? 'NOK',
    description: str(invoice.description) ?? '',
    reference: str(invoice.reference),
    merchantName: str(merchant.name) ?? '',
    logoUrl: safeUrl(merchant.logoUrl),
    accentColor: safeColor(merchant.accentColor),
    supportEmail: matching(merchant.supportEmail, /^[^\s@"<>]+@[^\s@"<>]+$/),
    supportPhone: matching(merchant.supportPhone, /^\+\d{7,15}$/),
    phone: str(invoice.phoneMasked),
    locale: str(invoice.locale),
    payerLocale: str(invoice.payerLocale),
    paymentMethods: methods.filter((m): m is PaymentMethod => m === 'card' || m === 'phone'),
    returnUrl: safeUrl(r.returnUrl),
    cancelUrl: safeUrl(r.cancelUrl),
    expiresAt: str(invoice.expiresAt),
    paidAt: str(invoice.paidAt),
    transaction: txn && str(txn.id) ? (txn as unknown as Transaction) : null,
    sandbox: { card: sandbox.card === true, phone: sandbox.phone === true },
  };
}
