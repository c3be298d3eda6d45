export { normalizePhone, toMinorUnits } from './inputs';
import { createInvoiceSchema } from '../../../functions/src/domain/schemas';
import { knownCurrency, normalizePhone, toMinorUnits } from './inputs';

/**
 * The New invoice form's fields and its client-side validation, backed by `createInvoiceSchema`
 * in functions/src/domain/schemas.ts (the API stays the judge: its field errors are shown too).
 */
export interface InvoiceFormValues {
  amount: string;
  currency: string;
  description: string;
  phone: string;
  name: string;
  locale: '' | 'en' | 'nb';
  methods: ('card' | 'phone')[];
  reference: string;
  sendAt: string;
  expiresAt: string;
  smsText: string;
}

export type FormErrors = Partial<Record<keyof InvoiceFormValues, string>>;

export const MAX_AMOUNT = 100_000_000;
export const E164 = /^\+[1-9]\d{6,14}$/;

export function emptyForm(): InvoiceFormValues {
  return { amount: '', currency: 'NOK', description: '', phone: '', name: '', locale: '', methods: ['card', 'phone'], reference: '', sendAt: '', expiresAt: '', smsText: '' };
}

/** `datetime-local` value (local time) → Date, or null. */
function localDate(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export type Message = (key: string, params?: Record<string, string | number>) => string;

/** Checks the form; messages come from `m` where the form knows the rule, from the API's schema otherwise. */
export function validateInvoiceForm(values: InvoiceFormValues, m: Message, now = Date.now()): FormErrors {
  const errors: FormErrors = {};
  const currency = values.currency.trim();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = m('m.form.err.currency');
  else if (!knownCurrency(currency)) errors.currency = m('m.form.err.currencyUnknown');

  const amount = toMinorUnits(values.amount, currency);
  if (!values.amount.trim()) errors.amount = m('m.form.err.required');
  else if (amount === null) errors.amount = m('m.form.err.amount');
  else if (amount <= 0) errors.amount = m('m.form.err.amountPositive');
  else if (amount > MAX_AMOUNT) errors.amount = m('m.form.err.amountMax');

  const description = values.description.trim();
  if (!description) errors.description = m('m.form.err.required');
  else if (description.length > 200) errors.description = m('m.form.err.max', { n: 200 });

  const phone = normalizePhone(values.phone);
  if (!phone) errors.phone = m('m.form.err.required');
  else if (!E164.test(phone)) errors.phone = m('m.form.err.phone');

  if (values.name.trim().length > 100) errors.name = m('m.form.err.max', { n: 100 });

  if (values.methods.length === 0) errors.methods = m('m.form.err.methods');
  else if (values.methods.includes('phone') && !errors.currency && currency !== 'NOK') errors.methods = m('m.form.err.phoneNok');

  if (values.reference.trim().length > 64) errors.reference = m('m.form.err.max', { n: 64 });

  const sendAt = localDate(values.sendAt);
  const expiresAt = localDate(values.expiresAt);
  if (values.sendAt && !sendAt) errors.sendAt = m('m.form.err.date');
  else if (sendAt && sendAt.getTime() <= now) errors.sendAt = m('m.form.err.future');
  else if (sendAt && sendAt.getTime() > now + 30 * 86_400_000) errors.sendAt = m('m.form.err.within', { n: 30 });
  if (values.expiresAt && !expiresAt) errors.expiresAt = m('m.form.err.date');
  else if (expiresAt && expiresAt.getTime() <= now + 60_000) errors.expiresAt = m('m.form.err.futureMinute');
  else if (expiresAt && expiresAt.getTime() > now + 90 * 86_400_000) errors.expiresAt = m('m.form.err.within', { n: 90 });
  if (!errors.sendAt && !errors.expiresAt && sendAt && expiresAt && sendAt >= expiresAt) errors.sendAt = m('m.form.err.beforeExpiry');

  if (values.smsText) {
    if (values.smsText.length > 1000) errors.smsText = m('m.form.err.max', { n: 1000 });
    else if (!values.smsText.includes('{link}')) errors.smsText = m('m.form.err.link');
  }
  // The API's own schema has the last word, so the form never accepts what the API refuses; the
  // checks above only give its rules localized words. Time rules are judged above against `now`.
  if (amount !== null) {
    const result = createInvoiceSchema.safeParse(toRequestBody(values));
    for (const issue of result.success ? [] : result.error.issues) {
      const field = formFieldOf(issue.path.map(String).join('.'));
      if (field && field !== 'sendAt' && field !== 'expiresAt' && !errors[field]) errors[field] = issue.message;
    }
  }
  return errors;
}

/** The `POST /invoices` body for valid values. */
export function toRequestBody(values: InvoiceFormValues): Record<string, unknown> {
  const currency = values.currency.trim();
  const body: Record<string, unknown> = {
    amount: toMinorUnits(values.amount, currency),
    currency,
    description: values.description.trim(),
    payer: {
      phone: normalizePhone(values.phone),
      ...(values.name.trim() ? { name: values.name.trim() } : {}),
      ...(values.locale ? { locale: values.locale } : {}),
    },
    paymentMethods: [...values.methods],
  };
  if (values.reference.trim()) body.reference = values.reference.trim();
  if (values.sendAt) body.sendAt = new Date(values.sendAt).toISOString();
  if (values.expiresAt) body.expiresAt = new Date(values.expiresAt).toISOString();
  if (values.smsText) body.sms = { text: values.smsText };
  return body;
}

/** API field paths (`payer.phone`, `sms.text`) → form fields. */
export function formFieldOf(apiField: string): keyof InvoiceFormValues | null {
  const map: Record<string, keyof InvoiceFormValues> = {
    amount: 'amount',
    currency: 'currency',
    description: 'description',
    'payer.phone': 'phone',
    'payer.name': 'name',
    'payer.locale': 'locale',
    paymentMethods: 'methods',
    reference: 'reference',
    sendAt: 'sendAt',
    expiresAt: 'expiresAt',
    'sms.text': 'smsText',
  };
  return map[apiField] ?? (apiField.startsWith('paymentMethods') ? 'methods' : null);
}
