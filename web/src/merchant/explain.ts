import { ApiError, type FieldError } from '../core/api';
import { formatDateTime } from '../i18n/format';
import { mt, mtMaybe, statusLabel } from './i18n';
import { money } from './format';
import type { InvoiceDoc, InvoiceEventDoc } from './types';

/**
 * Server codes in words, in the dashboard's language: payment failures by `failureCode`, SMS
 * failures by provider code, timeline entries by type and data, API problems by `code`. The
 * server's English text is the fallback for a code this file does not know.
 */

const lower = (text: string) => text.toLocaleLowerCase();
const inSentence = (status: string) => lower(statusLabel(status));

export function methodLabel(method: string | undefined): string {
  if (method === 'card') return mt('m.method.card');
  if (method === 'phone') return mt('m.method.phone');
  if (method === 'vipps') return mt('m.method.vipps');
  return method ?? '';
}

/** "Card declined: Your card was declined." for a failed payment attempt. */
export function failureText(code: string | null | undefined, method?: string, serverMessage?: string | null): string {
  if (!code) return serverMessage ?? '';
  const label = mtMaybe(`m.failure.${code}`) ?? mt('m.failure.unknown', { code });
  const message = mtMaybe(`m.failure.${method}.${code}.message`) ?? mtMaybe(`m.failure.${code}.message`) ?? serverMessage ?? '';
  return message ? `${label}: ${message}` : label;
}

/** Why an SMS did not reach the payer (`opted_out`, a provider's error code, or the invoice's state). */
export function smsFailureText(code: string | null | undefined): string {
  if (!code) return '';
  const known = mtMaybe(`m.sms.failure.${code}`);
  if (known) return known;
  if (code.startsWith('invoice_')) return mt('m.sms.failure.invoice', { status: inSentence(code.slice('invoice_'.length)) });
  return mt('m.sms.failure.unknown', { code });
}

export interface EventText {
  title: string;
  detail: string;
  transactionId: string | null;
  callbackEventId: string | null;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A timeline entry as a title and a sentence, with the ids it can link to. */
export function eventText(event: InvoiceEventDoc, invoice: Pick<InvoiceDoc, 'currency'> | null): EventText {
  const data = event.data ?? {};
  const amount = (value: unknown) => money(num(value), invoice?.currency);
  const method = methodLabel(str(data.method));
  let detail = '';
  switch (event.type) {
    case 'invoice.created': {
      const sendAt = str(data.sendAt);
      if (sendAt) detail = mt('m.tl.scheduledFor', { when: formatDateTime(sendAt) });
      break;
    }
    case 'invoice.sms.queued':
      if (num(data.resend)) detail = mt('m.tl.resend', { n: num(data.resend)! });
      break;
    case 'invoice.sms.failed':
    case 'invoice.undelivered':
      detail = smsFailureText(str(data.failureCode) ?? str(data.reason));
      break;
    case 'invoice.payment_started':
      if (method) detail = mt('m.tl.method', { method: lower(method) });
      break;
    case 'invoice.payment_failed':
      detail = failureText(str(data.failureCode), str(data.method), str(data.failureMessage));
      break;
    case 'invoice.paid':
      if (method) detail = mt('m.tl.paidWith', { method: lower(method), provider: str(data.provider) ?? '' }).replace(' ()', '');
      break;
    case 'invoice.payment_duplicate':
      detail = mt('m.tl.duplicate', { amount: amount(data.amount), method: lower(method) });
      break;
    case 'invoice.refunded':
      detail = mt('m.tl.refunded', { amount: amount(data.amount), total: amount(data.total ?? data.amount) });
      break;
    case 'invoice.reminder.queued':
      if (num(data.reminder)) detail = mt('m.tl.reminder', { n: num(data.reminder)! });
      break;
    case 'payment.mismatch':
      detail = mt('m.tl.mismatch');
      break;
  }
  return {
    title: mtMaybe(`m.event.${event.type}`) ?? event.type,
    detail,
    transactionId: str(data.transactionId) ?? null,
    callbackEventId: str(event.callbackEventId) ?? null,
  };
}

/** The message key variant a field error's limits or field call for, if any. */
function fieldErrorVariant(e: FieldError): string | null {
  switch (e.code) {
    case 'invalid_type':
      return e.expected ?? null;
    case 'too_small':
      if (e.inclusive === false) return 'exclusive';
      if (e.unit === 'characters' && e.minimum === 1) return 'empty';
      return e.unit ?? null;
    case 'too_big':
      if (e.minimum !== undefined && !e.unit) return 'range';
      return e.unit ?? null;
    case 'invalid_format':
      return e.expected ?? null;
    case 'unknown_column':
      return e.other ? 'use' : null;
    case 'invalid_url':
      return e.field.endsWith('callbackUrl') ? 'callback' : null;
    case 'duplicate':
      if (e.row !== undefined) return 'row';
      if (e.other?.startsWith('inv_')) return 'invoice';
      return e.field === 'email' ? 'email' : null;
    case 'too_soon':
      return e.unit ?? null;
    case 'too_late':
      return e.unit ?? e.other ?? null;
    default:
      return null;
  }
}

/**
 * A server field error in the dashboard's language, by its `code` and limits (a variant by unit
 * or field first, then the code's own message); the server's English for a code not known here.
 */
export function fieldErrorText(e: FieldError): string {
  const values = e.code === 'not_offered' || e.code === 'unavailable' ? (e.values ?? []).map((v) => lower(methodLabel(v))) : (e.values ?? []);
  const params = {
    minimum: e.minimum ?? '',
    maximum: e.maximum ?? '',
    mb: e.maximum !== undefined ? Math.round(e.maximum / 1_000_000) : '',
    values: values.join(', '),
    row: e.row ?? '',
    other: e.other ?? '',
  };
  const variant = fieldErrorVariant(e);
  return (variant ? mtMaybe(`m.fe.${e.code}.${variant}`, params) : null) ?? mtMaybe(`m.fe.${e.code}`, params) ?? e.message;
}

export type InvoiceAction = 'resend' | 'cancel' | 'refund';

/**
 * What went wrong with an action on an invoice, by the problem's `code` and what the dashboard
 * knows of the invoice (its status, the refundable amount), never the server's raw values.
 */
export function problemText(error: unknown, context: { action?: InvoiceAction; invoice?: InvoiceDoc | null } = {}): string {
  if (!(error instanceof ApiError)) return mt('m.problem.unknown', { status: String(error) });
  if (error.isNetwork) return mt('m.error.network');
  const { action, invoice } = context;
  const code = error.code ?? '';
  const status = invoice ? inSentence(invoice.status) : '';
  if (action === 'refund' && invoice) {
    if (code === 'invalid_state') return mt('m.problem.refund.invalid_state', { status });
    if (code === 'invalid_request' && invoice.transaction?.method === 'phone') return mt('m.problem.refund.phoneFull');
    if (code === 'invalid_request') return mt('m.problem.refund.amount', { max: money(invoice.amount - (invoice.amountRefunded ?? 0), invoice.currency) });
  }
  if (action === 'resend' && invoice) {
    if (code === 'invalid_state' && invoice.sms?.status === 'opted_out') return mt('m.problem.resend.optedOut');
    if (code === 'invalid_state') return mt('m.problem.resend.invalid_state', { status });
    if (code === 'rate_limited') return mt('m.problem.resend.rate_limited');
  }
  if (action === 'cancel' && invoice && code === 'invalid_state') return mt('m.problem.cancel.invalid_state', { status });
  if (code === 'invalid_state' && invoice) return mt('m.problem.invalid_state', { status });
  if (code === 'invalid_request') {
    const detail = (error.problem?.errors ?? []).map((e) => `${e.field}: ${fieldErrorText(e)}`).join('; ') || error.message;
    return mt('m.problem.invalid_request', { detail });
  }
  const known = code === 'invalid_state' ? null : mtMaybe(`m.problem.${code}`);
  return known ?? error.problem?.detail ?? mt('m.problem.unknown', { status: error.status });
}
