import { ApiError } from '../core/api';
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
    const detail = (error.problem?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ') || error.message;
    return mt('m.problem.invalid_request', { detail });
  }
  const known = code === 'invalid_state' ? null : mtMaybe(`m.problem.${code}`);
  return known ?? error.problem?.detail ?? mt('m.problem.unknown', { status: error.status });
}
