import { z } from 'zod';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { KNOWN_CURRENCIES, isKnownCurrency } from './money';
import { DomainError, type FieldError, type FieldErrorCode } from './errors';
import { INVOICE_STATUSES } from './status';
import { testCardNumberPattern } from './testCards';

export const PAYMENT_METHODS = ['card', 'phone'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const SUPPORTED_LOCALES = ['en', 'nb'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const MAX_AMOUNT = 100_000_000;
/** Phone numbers in E.164 form; a value failing it is an `invalid_phone` field error. */
export const E164_RE = /^\+[1-9]\d{6,14}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;

/** A refinement's field-error code travels in the issue's params (see `fieldError`). */
const coded = (code: FieldErrorCode, message: string, extra: Partial<FieldError> = {}) => ({ message, params: { code, ...extra } });

/** An absolute http(s) URL without credentials: return, cancel, callback and logo URLs. */
export const httpUrl = z
  .string()
  .max(2048, 'At most 2048 characters.')
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    coded('invalid_url', 'Must be an absolute http(s) URL without credentials.'),
  )
  // The OpenAPI document says what the refine checks: http(s), a host, no user:password@.
  .meta({ format: 'uri', pattern: '^https?://[^/?#@\\s]+([/?#]|$)' });

const futureDate = z.iso.datetime({ offset: true, error: 'Must be an ISO 8601 date-time, e.g. 2026-12-01T12:00:00Z.' }).transform((value) => new Date(value));

export const paymentMethodsSchema = z
  .array(z.enum(PAYMENT_METHODS, { error: 'Must be "card" or "phone".' }))
  .min(1, 'Offer at least one payment method.')
  .refine((methods) => new Set(methods).size === methods.length, coded('duplicate', 'Each method at most once.'))
  .meta({ uniqueItems: true });

/** `POST /invoices` body. Unknown fields are refused so that typos do not pass silently. */
export const createInvoiceSchema = z
  .strictObject({
    amount: z
      .number({ error: 'Must be an integer amount in the currency’s minor unit.' })
      .int('Must be an integer in the currency’s minor unit (e.g. øre, cents).')
      .positive('Must be greater than zero.')
      .max(MAX_AMOUNT, `Must be at most ${MAX_AMOUNT}.`),
    currency: z
      .string({ error: 'Must be an ISO 4217 currency code, e.g. NOK.' })
      .regex(CURRENCY_RE, 'Must be an ISO 4217 code in upper case, e.g. NOK.')
      .refine(isKnownCurrency, coded('invalid_currency', 'Unknown ISO 4217 currency.'))
      .meta({ enum: [...KNOWN_CURRENCIES] }),
    description: z.string({ error: 'Must be a string.' }).trim().min(1, 'Must not be empty.').max(200, 'At most 200 characters.').meta({ pattern: '\\S' }),
    payer: z.strictObject(
      {
        phone: z
          .string({ error: 'Must be a phone number in E.164 form, e.g. +4791234567.' })
          .regex(E164_RE, 'Must be in E.164 form, e.g. +4791234567.')
          .refine((phone) => isValidPhoneNumber(phone), coded('invalid_phone', 'Not a valid phone number.')),
        name: z.string().trim().min(1).max(100, 'At most 100 characters.').optional(),
        locale: z.enum(SUPPORTED_LOCALES, { error: 'Must be "en" or "nb".' }).optional(),
      },
      { error: 'Must be an object with at least `phone`.' },
    ),
    paymentMethods: paymentMethodsSchema.optional(),
    reference: z.string().trim().min(1, 'Must not be empty.').max(64, 'At most 64 characters.').optional(),
    expiresAt: futureDate.optional(),
    sendAt: futureDate.optional(),
    sms: z
      .strictObject({
        text: z
          .string()
          .max(1000, 'At most 1000 characters.')
          .refine((text) => text.includes('{link}'), coded('missing_placeholder', 'Must contain the {link} placeholder.'))
          .meta({ pattern: '\\{link\\}' })
          .optional(),
        sender: z
          .string()
          .regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^\+[1-9]\d{6,14}$/, 'Up to 11 letters or digits (with at least one letter), or an E.164 number.')
          .optional(),
      })
      .optional(),
    returnUrl: httpUrl.optional(),
    cancelUrl: httpUrl.optional(),
    callbackUrl: httpUrl.optional(),
    reminders: z
      .strictObject({
        afterHours: z
          .array(
            z
              .number({ error: 'Hours as a number.' })
              .positive('Must be after creation.')
              .max(24 * 90, 'At most 90 days.'),
          )
          .max(3, 'At most 3 reminders.')
          .refine((hours) => new Set(hours).size === hours.length, coded('duplicate', 'Each time at most once.'))
          .meta({ uniqueItems: true }),
      })
      .optional(),
    metadata: z
      .record(
        z
          .string()
          .min(1)
          .max(40, 'Keys at most 40 characters.')
          .refine((key) => !/^__.*__$/.test(key), coded('invalid_format', 'Keys may not both start and end with "__".')),
        z.string().max(500, 'Values at most 500 characters.'),
      )
      .refine((value) => Object.keys(value).length <= 20, coded('too_big', 'At most 20 keys.', { maximum: 20, unit: 'keys' }))
      .meta({ maxProperties: 20, propertyNames: { minLength: 1, maxLength: 40, not: { pattern: '^__.*__$' } } })
      .optional(),
  })
  .superRefine((input, ctx) => {
    const now = Date.now();
    if (input.expiresAt && input.expiresAt.getTime() <= now + 60_000) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], ...coded('too_soon', 'Must be at least a minute in the future.', { minimum: 1, unit: 'minutes' }) });
    }
    if (input.expiresAt && input.expiresAt.getTime() > now + 90 * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], ...coded('too_late', 'Must be within 90 days.', { maximum: 90, unit: 'days' }) });
    }
    if (input.sendAt && input.sendAt.getTime() <= now) {
      ctx.addIssue({ code: 'custom', path: ['sendAt'], ...coded('too_soon', 'Must be in the future.') });
    }
    if (input.sendAt && input.sendAt.getTime() > now + 30 * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['sendAt'], ...coded('too_late', 'Must be within 30 days.', { maximum: 30, unit: 'days' }) });
    }
    const expiry = input.expiresAt?.getTime() ?? now + 7 * 86_400_000;
    input.reminders?.afterHours.forEach((hours, i) => {
      if (now + hours * 3_600_000 >= expiry)
        ctx.addIssue({ code: 'custom', path: ['reminders', 'afterHours', i], ...coded('too_late', 'Must be before the invoice expires.', { other: 'expiresAt' }) });
    });
    if (input.sendAt && input.expiresAt && input.sendAt >= input.expiresAt) {
      ctx.addIssue({ code: 'custom', path: ['sendAt'], ...coded('too_late', 'Must be before expiresAt.', { other: 'expiresAt' }) });
    }
  });

export type CreateInvoiceInput = z.infer<typeof createInvoiceSchema>;

export const startPaymentSchema = z.strictObject({
  method: z.enum(PAYMENT_METHODS, { error: 'Must be "card" or "phone".' }),
  locale: z
    .enum(SUPPORTED_LOCALES, { error: 'Must be "en" or "nb".' })
    .optional()
    .describe('The language the payer chose on the pay page: the card checkout opens in it. Default: the invoice’s language.'),
});

export const sandboxPaySchema = z.strictObject({
  cardNumber: z.string({ error: 'Enter a card number.' }).max(40).meta({
    pattern: testCardNumberPattern(),
    description:
      'One of Stripe’s public test cards the sandbox knows, spaces or hyphens allowed: 4242 4242 4242 4242 and 5555 5555 5555 4444 succeed, 4000 0000 0000 0002 and 4000 0000 0000 9995 are declined.',
  }),
});

export const listInvoicesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  startingAfter: z
    .string()
    .regex(/^inv_[A-Za-z0-9]{22}$/, 'Must be an invoice id.')
    .optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  reference: z.string().max(64).optional(),
  phone: z.string().regex(E164_RE, 'Must be in E.164 form.').optional(),
  createdFrom: futureDateless(),
  createdTo: futureDateless(),
});

function futureDateless() {
  return z.iso
    .datetime({ offset: true, error: 'Must be an ISO 8601 date-time.' })
    .transform((value) => new Date(value))
    .optional();
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false', object: 'an object', array: 'a list', record: 'an object' };

/** What was sent, in words: a short string quoted ("abc"), "a list", "null", or the number itself when only its value is wrong. */
function describeValue(value: unknown, showNumber: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length <= 32 ? JSON.stringify(value) : 'a string';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return showNumber ? String(value) : 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return TYPE_NAMES[typeof value] ?? typeof value;
}

/** Messages for checks that have none of their own; the schema's own messages win. */
const defaultMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ? `Must be ${TYPE_NAMES[issue.expected]}.` : undefined;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Must not be empty.' : `At least ${issue.minimum} characters.`;
      if (issue.origin === 'array') return `At least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}.`;
      return `Must be at least ${issue.minimum}.`;
    case 'too_big':
      if (issue.origin === 'string') return `At most ${issue.maximum} characters.`;
      if (issue.origin === 'array') return `At most ${issue.maximum} items.`;
      return `Must be at most ${issue.maximum}.`;
    case 'invalid_format':
      return 'Not in the expected format.';
    default:
      return undefined;
  }
};

const UNITS: Record<string, FieldError['unit']> = { string: 'characters', array: 'items', set: 'items' };
/** Patterns whose failure has a code of its own (a regex issue names its pattern). */
const PATTERN_CODES: Record<string, FieldErrorCode> = { [String(E164_RE)]: 'invalid_phone', [String(CURRENCY_RE)]: 'invalid_currency' };

/** The machine-readable part of a field error: its code and the limits a translation fills in. */
function issueCode(issue: z.core.$ZodIssue): Omit<FieldError, 'field' | 'message'> {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? { code: 'required' } : { code: 'invalid_type', expected: issue.expected };
    case 'too_small':
    case 'too_big': {
      const unit = UNITS[issue.origin];
      const limit = issue.code === 'too_small' ? { minimum: Number(issue.minimum) } : { maximum: Number(issue.maximum) };
      return { code: issue.code, ...limit, ...(issue.inclusive === false ? { inclusive: false as const } : {}), ...(unit ? { unit } : {}) };
    }
    case 'invalid_format':
      if (issue.format === 'datetime') return { code: 'invalid_date' };
      if (issue.format === 'email') return { code: 'invalid_format', expected: 'email' };
      return { code: (issue.pattern && PATTERN_CODES[issue.pattern]) || 'invalid_format' };
    case 'invalid_value':
      return { code: 'invalid_value', values: issue.values.map(String) };
    case 'unrecognized_keys':
      return { code: 'unknown_field' };
    case 'custom': {
      const params = (issue.params ?? {}) as Partial<FieldError>;
      return { ...params, code: params.code ?? 'invalid_value' };
    }
    default:
      return { code: 'invalid_value' };
  }
}

/**
 * One field error per issue. A field that is absent is "Required."; a value of the wrong type
 * gets the field's own message plus what was sent instead ("…, not a string."), so the caller
 * learns what is wrong with the value, not only that it is wrong.
 */
function fieldError(issue: z.core.$ZodIssue): FieldError {
  const path = issue.path.map(String).join('.');
  const field = path || '(root)';
  const info = issueCode(issue);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => (path ? `${path}.${key}` : key));
    return { field: keys.join(', '), ...info, message: `Unknown field${keys.length > 1 ? 's' : ''}.` };
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return { field, ...info, message: 'Required.' };
    const sent = describeValue(issue.input, typeof issue.input === 'number' && 'format' in issue);
    return { field, ...info, message: `${issue.message.replace(/\.$/, '')}, not ${sent}.` };
  }
  return { field, ...info, message: issue.message };
}

/** Validates with a zod schema, throwing one `invalid_request` that names every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true, error: defaultMessage });
  if (result.success) return result.data;
  const errors = result.error.issues.map(fieldError);
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  throw new DomainError('invalid_request', `The ${what} is invalid: ${fields}.`, { errors });
}
