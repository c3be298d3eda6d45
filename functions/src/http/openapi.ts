import { z } from 'zod';
import { DomainError, FIELD_ERROR_CODES, type DomainErrorCode, type FieldError } from '../domain/errors';
import { PAYMENT_METHODS, SUPPORTED_LOCALES, createInvoiceSchema, listInvoicesQuerySchema, sandboxPaySchema, startPaymentSchema } from '../domain/schemas';
import { acceptInvitationSchema, addUserSchema, createApiKeySchema, settingsPatchSchema, statsQuerySchema } from '../domain/console';
import { signupSchema } from '../domain/signup';
import { operatorActionSchema, platformFeeSchema, strexSettingsSchema } from '../domain/operator';
import { INVOICE_STATUSES, SMS_STATUSES, TRANSACTION_STATUSES } from '../domain/status';
import { CALLBACK_TYPES } from '../domain/types';
import { INVOICE_CSV_COLUMNS, METADATA_COLUMN_PREFIX, READ_ONLY_CSV_COLUMNS } from '../domain/csvColumns';
import { toProblem } from './problem';
import { refundSchema } from './routes/invoices';
import { verifyPinSchema } from './routes/pay';
import { forInvoiceSchema } from './routes/transactions';

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the API. Request bodies and query
 * parameters are converted from the very zod schemas the routes validate with; responses are
 * zod schemas defined here (exported, so tests can check real responses against them) and
 * converted the same way. Every path here is relative to `{publicBaseUrl}/api/v1`.
 */

// ---------------------------------------------------------------------------------------------
// Response schemas

const isoDateTime = z.iso.datetime().describe('ISO 8601 date-time in UTC.');
const nullableDateTime = isoDateTime.nullable();
const minorUnits = z.number().int().describe('Amount in the currency’s minor unit (e.g. øre, cents).');
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code, upper case.');
const paymentMethod = z.enum(PAYMENT_METHODS);
const mode = z.enum(['test', 'live']);
const listOf = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item), hasMore: z.boolean() });

export const transactionNextSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('redirect'), url: z.string().describe('Send the payer here (the PSP’s checkout page).') }),
    z.object({
      type: z.literal('pin'),
      expiresAt: isoDateTime.describe('When the PIN sent by SMS stops working.'),
      attemptsLeft: z.number().int().min(0).describe('Wrong PINs still allowed.'),
    }),
  ])
  .nullable()
  .describe('What to do next: follow a redirect (card), enter the SMS PIN (phone), or nothing (`null`) once the transaction is settled.');

export const transactionSchema = z.object({
  id: z.string().regex(/^txn_[A-Za-z0-9]{22}$/),
  object: z.literal('transaction'),
  invoiceId: z.string().regex(/^inv_[A-Za-z0-9]{22}$/),
  method: paymentMethod,
  provider: z.enum(['stripe', 'strex', 'sandbox']),
  status: z.enum(TRANSACTION_STATUSES),
  amount: minorUnits,
  currency,
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  amountRefunded: minorUnits,
  card: z
    .object({
      brand: z.string().describe('e.g. visa, mastercard, amex (Stripe’s names).'),
      last4: z.string().regex(/^\d{4}$/),
      country: z.string().nullable().describe('The issuer’s country, ISO 3166-1 alpha-2.'),
      wallet: z.enum(['apple_pay', 'google_pay']).nullable().describe('Paid through a wallet, or `null` for the card itself.'),
    })
    .nullable()
    .describe('Card payments: the card as the provider reports it once the payment succeeded; `null` before, and for phone payments.'),
  phone: z
    .object({ operator: z.string().nullable().describe('The payer’s mobile operator, where the provider names it.') })
    .nullable()
    .describe('Phone payments: what the phone-billing provider reports; `null` for card payments.'),
  fee: z.object({ amount: minorUnits, currency }).nullable().describe('What the provider charged for this payment, where it reports it (Stripe: the balance transaction’s fee); `null` otherwise.'),
  next: transactionNextSchema,
  livemode: z.boolean(),
  createdAt: isoDateTime,
  succeededAt: nullableDateTime,
});

export const transactionSummarySchema = z.object({
  id: z.string().regex(/^txn_[A-Za-z0-9]{22}$/),
  method: paymentMethod,
  provider: z.enum(['stripe', 'strex', 'sandbox']),
  status: z.enum(TRANSACTION_STATUSES),
  failureCode: z.string().nullable().optional().describe('Once the attempt failed: why (e.g. card_declined, insufficient_funds). `invoice.payment_failed` callbacks carry it.'),
  failureMessage: z.string().nullable().optional().describe('Once the attempt failed: the provider’s message, for people.'),
});

export const invoiceSchema = z.object({
  id: z.string().regex(/^inv_[A-Za-z0-9]{22}$/),
  object: z.literal('invoice'),
  status: z
    .enum(INVOICE_STATUSES)
    .describe(
      '`undelivered`: the SMS cannot reach the payer (the number opted out, or the provider failed it permanently) and the link was never opened; the link still works if shared another way (then `opened`).',
    ),
  amount: minorUnits,
  amountRefunded: minorUnits,
  currency,
  description: z.string(),
  payer: z.object({ phone: z.string().describe('E.164'), name: z.string().optional(), locale: z.enum(SUPPORTED_LOCALES).optional() }),
  paymentMethods: z.array(paymentMethod),
  reference: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  reminders: z.object({ afterHours: z.array(z.number()), sent: z.number().int() }).nullable(),
  payUrl: z.string().describe('The link sent to the payer: `{origin}/pay/{token}`.'),
  returnUrl: z.string().nullable(),
  cancelUrl: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  sms: z.object({
    status: z.enum(SMS_STATUSES).nullable().describe('`null` when no pay-link SMS was sent: an invoice made by a direct `POST /transactions`.'),
    text: z.string(),
    sender: z.string().nullable(),
    segments: z.number().int().min(1),
    encoding: z.enum(['GSM-7', 'UCS-2']),
    sentAt: nullableDateTime,
    deliveredAt: nullableDateTime,
    failureCode: z.string().nullable(),
  }),
  livemode: z.boolean(),
  createdAt: isoDateTime,
  sendAt: nullableDateTime,
  expiresAt: isoDateTime,
  openedAt: nullableDateTime,
  paidAt: nullableDateTime,
  cancelledAt: nullableDateTime,
  transaction: z.union([transactionSchema, transactionSummarySchema]).nullable().describe('The latest transaction: in full from `GET /invoices/{id}`, as a summary elsewhere; `null` before any.'),
});

export const invoiceListSchema = listOf(invoiceSchema);

export const refundedInvoiceSchema = invoiceSchema.extend({
  refund: z.object({ id: z.string(), amount: minorUnits, status: z.enum(['pending', 'succeeded', 'failed']) }),
});

export const timelineEventSchema = z.object({
  id: z.string(),
  type: z
    .string()
    .describe(
      `Timeline entry type: every callback type (${CALLBACK_TYPES.join(', ')}) plus steps that send no callback, such as invoice.scheduled, invoice.sms.queued, invoice.payment_started, invoice.payment_duplicate (a second paid attempt, to refund), invoice.payment_duplicate_refunded, and payment.mismatch (a provider event whose session, amount, currency, merchant or mode did not match the transaction; nothing moved, \`data.differences\` lists \`{ field, expected, received }\`).`,
    ),
  status: z.enum(INVOICE_STATUSES).describe('The invoice’s status after this step.'),
  data: z.record(z.string(), z.unknown()),
  callbackEventId: z.string().nullable().describe('The merchant callback this step sent (`GET /events/{id}`), if any.'),
  createdAt: isoDateTime,
});

export const eventListSchema = listOf(timelineEventSchema);

export const callbackPayloadSchema = z.object({
  id: z
    .string()
    .regex(/^evt_[A-Za-z0-9]{22}$/)
    .describe('Also sent as the `webhook-id` header; the same on every retry and redelivery.'),
  type: z.enum(CALLBACK_TYPES),
  createdAt: isoDateTime,
  sequence: z.number().int().min(1).describe('Increases by one per callback of this invoice, so a receiver can order them.'),
  data: z.object({ invoice: invoiceSchema }),
});

export const callbackEventSchema = z
  .looseObject({
    id: z.string().regex(/^evt_[A-Za-z0-9]{22}$/),
    type: z.enum(CALLBACK_TYPES),
    invoiceId: z.string().optional(),
    sequence: z.number().int().optional(),
    url: z.string().nullable().optional(),
    status: z.string().optional().describe('Delivery state, e.g. pending, delivered, failed.'),
    attempts: z.number().int().optional(),
    createdAt: isoDateTime.optional(),
    deliveredAt: nullableDateTime.optional(),
    payload: z.unknown().optional().describe('The body as sent (see `webhooks`).'),
    deliveries: z
      .array(
        z.looseObject({
          statusCode: z.number().int().nullable().optional(),
          durationMs: z.number().optional(),
          error: z.string().nullable().optional(),
        }),
      )
      .optional()
      .describe('Every delivery attempt: status code, duration and error.'),
  })
  .describe('A merchant callback event and its delivery attempts.');

export const payViewSchema = z.object({
  invoice: z.object({
    id: z.string(),
    status: z.enum(INVOICE_STATUSES),
    amount: minorUnits,
    amountRefunded: minorUnits,
    currency,
    description: z.string(),
    reference: z.string().nullable(),
    phoneMasked: z.string().describe('e.g. `+47 ••• •• 123`'),
    paymentMethods: z.array(paymentMethod),
    locale: z.enum(SUPPORTED_LOCALES).describe('The invoice’s language: `payer.locale`, else the merchant’s default.'),
    payerLocale: z.enum(SUPPORTED_LOCALES).nullable().describe('`payer.locale` as given; the page opens in it unless the payer chooses another.'),
    expiresAt: isoDateTime,
    paidAt: nullableDateTime,
  }),
  merchant: z.object({
    name: z.string(),
    logoUrl: z.string().nullable(),
    accentColor: z.string().nullable(),
    supportEmail: z.string().nullable().describe('Where the payer asks about or complains about the payment.'),
    supportPhone: z.string().nullable(),
  }),
  transaction: transactionSchema.nullable(),
  returnUrl: z.string().nullable().describe('The merchant’s returnUrl with `invoice` and `status` appended.'),
  cancelUrl: z.string().nullable(),
  sandbox: z.object({ card: z.boolean(), phone: z.boolean() }).describe('Which offered methods run in sandbox mode (no money moves).'),
});

export const sandboxCheckoutSchema = z.object({
  id: z.string(),
  status: z.enum(['open', 'complete', 'expired']),
  amount: minorUnits,
  currency,
  description: z.string(),
  merchantName: z.string(),
  successUrl: z.string(),
  cancelUrl: z.string(),
  sandbox: z.literal(true),
});

export const sandboxPayResultSchema = z.object({ status: z.literal('succeeded'), redirectUrl: z.string() });

export const outboxSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      to: z.string(),
      body: z.string(),
      status: z.string(),
      kind: z.enum(['invoice', 'pin', 'receipt']),
      invoiceId: z.string().nullable(),
      createdAt: isoDateTime,
    }),
  ),
});

/** One validation error; `code` and its limits are for programs and translations, `message` is English. */
export const fieldErrorSchema = z
  .looseObject({
    field: z.string().describe('Dotted path, e.g. `payer.phone`, or `(body)`.'),
    code: z
      .enum(FIELD_ERROR_CODES)
      .describe(
        'What is wrong, stable for programs and translations: `required` (missing), `invalid_type` (see `expected`), `too_small` / `too_big` (see `minimum` / `maximum` and `unit`; a string without `unit` limit is the value itself), `invalid_format`, `invalid_value` (see `values`), `unknown_field`, `unknown_column` (a CSV header; `other` names the column meant), `not_applicable`, `invalid_phone`, `invalid_currency`, `requires_nok` (phone billing needs NOK), `invalid_url`, `invalid_date`, `invalid_json`, `invalid_unicode`, `invalid_content_type`, `missing_placeholder` ({link}), `duplicate` (see `row` or `other`), `too_soon` / `too_late`, `not_found`, `not_offered` / `unavailable` (payment methods, see `values`), `wrong_pin`, `not_test_card`, `full_refund_only`, `self_removal`.',
      ),
    message: z.string().describe('In English, for people; translate by `code`.'),
    minimum: z.number().optional().describe('The smallest allowed (length, count or value, in `unit`).'),
    maximum: z.number().optional().describe('The largest allowed (length, count or value, in `unit`).'),
    inclusive: z.literal(false).optional().describe('`false` when the limit itself is not allowed: `too_small` with `minimum` 0 means greater than 0.'),
    unit: z.enum(['characters', 'items', 'keys', 'bytes', 'rows', 'segments', 'minutes', 'days']).optional().describe('What `minimum` / `maximum` count; absent for the value itself.'),
    expected: z.string().optional().describe('`invalid_type`: the JSON type wanted (`string`, `number`, `int`, `boolean`, `object`, `array`); `invalid_format`: `email`.'),
    values: z.array(z.string()).optional().describe('The values allowed, or (`unavailable`) the ones refused.'),
    row: z.number().int().optional().describe('`duplicate`: the 1-based row this one repeats.'),
    other: z
      .string()
      .optional()
      .describe('The field, column or invoice this one clashes with or should be (`too_late`: `expiresAt`; `duplicate`: the invoice id; `unknown_column`: the column to use).'),
  })
  .describe('A validation error for one field.');
// Every key of the domain's FieldError is documented above.
const fieldErrorKeys: Exclude<keyof FieldError, keyof z.infer<typeof fieldErrorSchema>> extends never ? true : never = true;
void fieldErrorKeys;

export const importResultSchema = z
  .looseObject({
    object: z.literal('list'),
    data: z.array(
      z.looseObject({
        row: z.number().int().describe('1-based row (CSV: data row after the header).'),
        id: z
          .string()
          .regex(/^inv_[A-Za-z0-9]{22}$/)
          .optional()
          .describe('The invoice created from this row.'),
        error: z
          .looseObject({ code: z.string().optional().describe('As a problem’s `code`, e.g. `invalid_request`.'), message: z.string(), errors: z.array(fieldErrorSchema).optional() })
          .optional()
          .describe('Why this row was not imported; nothing of it was written.'),
      }),
    ),
    created: z.number().int(),
    failed: z.number().int(),
  })
  .describe('Per-row results, in input order.');

const merchantSettings = z.object({
  paymentMethods: z.array(paymentMethod),
  locale: z.enum(SUPPORTED_LOCALES),
  returnUrl: z.string().optional(),
  cancelUrl: z.string().optional(),
  callbackUrl: z.string().optional(),
  smsSender: z.string().optional(),
  smsTemplate: z.string().optional(),
  smsReceipts: z.boolean().optional(),
  supportEmail: z.string().optional().describe('Shown on payers’ receipts as the way to ask or complain.'),
  supportPhone: z.string().optional().describe('E.164; shown on payers’ receipts as the way to ask or complain.'),
});

export const settingsSchema = z.object({
  id: z.string(),
  object: z.literal('merchant_settings'),
  name: z.string(),
  mode,
  branding: z.object({ logoUrl: z.string().optional(), accentColor: z.string().optional() }),
  settings: merchantSettings,
});

export const accountSchema = z
  .object({
    id: z.string().describe('The merchant id.'),
    object: z.literal('account'),
    name: z.string(),
    livemode: z.boolean().describe('The mode of the key (or of the dashboard’s “Test mode” switch).'),
    status: z.enum(['active', 'suspended']),
    liveActivated: z.boolean().describe('Whether a platform operator has activated live mode; live keys exist only after that.'),
    paymentMethods: z.array(paymentMethod).describe('The methods an invoice can offer now, in this mode.'),
    methods: z.array(
      z.object({
        method: paymentMethod,
        available: z.boolean(),
        provider: z.enum(['stripe', 'strex', 'sandbox']).nullable().describe('Who takes the method in this mode; null when the deployment has no provider for it.'),
        missing: z
          .array(z.enum(['provider_not_configured', 'live_not_activated', 'merchant_suspended', 'stripe_not_connected', 'stripe_charges_disabled', 'strex_not_configured']))
          .describe(
            'Why it cannot be offered: `provider_not_configured` (this deployment has no provider for the method in this mode; live mode never uses a sandbox or test credentials), `live_not_activated` (an operator has not activated live mode), `merchant_suspended`, `stripe_not_connected` (live card goes to the merchant’s own Stripe account, and none is connected: an owner connects one in Settings), `stripe_charges_disabled` (the connected account cannot take charges yet: Stripe still needs details), `strex_not_configured` (live phone bills through the merchant’s own Strex merchant id and service code, and an operator has not set them). Empty when available.',
          ),
      }),
    ),
  })
  .describe('The merchant behind the key, its mode, and what it can take in that mode.');

export const stripeConnectionSchema = z
  .object({
    object: z.literal('stripe_connection'),
    livemode: z.boolean(),
    available: z.boolean().describe('Whether this deployment takes card through Stripe in this mode at all; connecting needs it.'),
    connected: z.boolean(),
    accountId: z.string().nullable().describe('The connected Stripe account (`acct_…`) in this mode.'),
    chargesEnabled: z.boolean().describe('Stripe lets the account take card payments; live invoices offer card only then.'),
    payoutsEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
    requirementsDue: z.array(z.string()).describe('What Stripe still needs (its `requirements.currently_due` and `past_due`).'),
    disabledReason: z.string().nullable().describe('Stripe’s `requirements.disabled_reason`, while it has one.'),
    platformFeeBps: z.number().int().describe('The platform’s fee on each card payment, in basis points (0: none).'),
  })
  .describe('The merchant’s connected Stripe account in the dashboard’s mode (Stripe Connect).');

export const stripeOnboardingLinkSchema = z.object({
  object: z.literal('stripe_onboarding_link'),
  url: z.string().describe('Stripe’s hosted onboarding; works once, for a few minutes.'),
  expiresAt: z.string().describe('ISO 8601.'),
});

const operatorMerchantSchema = z.object({
  id: z.string(),
  object: z.literal('merchant'),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  liveActivated: z.boolean(),
  liveActivatedAt: nullableDateTime,
  platformFeeBps: z.number().int().describe('The platform’s fee on card payments on the merchant’s connected Stripe account, in basis points.'),
  strex: z
    .object({ merchantId: z.string(), serviceCode: z.string(), updatedAt: nullableDateTime })
    .nullable()
    .describe('The merchant’s own Strex account its live phone payments bill through; null until an operator sets it.'),
  createdAt: nullableDateTime,
});

export const operatorMerchantListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    operatorMerchantSchema.extend({
      volume: z.array(z.object({ mode, currency: z.string(), count: z.number().int(), amount: z.number().int() })).describe('Paid invoices of the last 30 days, per mode and currency (minor units).'),
    }),
  ),
  hasMore: z.boolean(),
});

export const operatorActionResultSchema = operatorMerchantSchema.extend({
  changed: z.boolean().describe('False when the action was already in effect (nothing changed, nothing logged).'),
});

export const operatorLogSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      action: z.enum(['live_activated', 'suspended', 'reinstated', 'platform_fee_set', 'strex_set']),
      merchantId: z.string(),
      merchantName: z.string(),
      operatorUid: z.string(),
      operatorEmail: z.string().nullable(),
      reason: z.string().nullable(),
      platformFeeBps: z.number().int().optional().describe('`platform_fee_set`: the fee set.'),
      strex: z.object({ merchantId: z.string(), serviceCode: z.string() }).optional().describe('`strex_set`: the Strex merchant id and service code set.'),
      at: nullableDateTime,
    }),
  ),
  hasMore: z.boolean(),
});

export const signupResultSchema = z.object({
  object: z.literal('signup'),
  merchant: z.object({ id: z.string(), name: z.string(), livemode: z.literal(false) }),
  apiKey: z
    .object({ secret: z.string(), prefix: z.string(), livemode: z.literal(false) })
    .nullable()
    .describe('The test key, shown this once.'),
  webhookSecret: z.string().nullable().describe('The callback signing secret (`whsec_…`), shown this once.'),
});

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  mode,
  prefix: z.string().describe('The start of the key, e.g. `sk_test_AbCd`.'),
  createdAt: nullableDateTime,
  revokedAt: nullableDateTime,
  lastUsedAt: nullableDateTime,
});
export const apiKeyCreatedSchema = apiKeySchema.extend({
  object: z.literal('api_key'),
  secret: z
    .string()
    .regex(/^sk_(test|live)_[A-Za-z0-9]+$/)
    .describe('Shown once; only its hash is stored.'),
});
export const apiKeyListSchema = listOf(apiKeySchema);

export const webhookSecretListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      secret: z.string().regex(/^whsec_/),
      createdAt: nullableDateTime,
      expiresAt: nullableDateTime.describe('After a rotation the old secret keeps signing until this time (24 h).'),
    }),
  ),
});

export const memberSchema = z.object({ uid: z.string(), email: z.string(), role: z.enum(['owner', 'staff']), createdAt: nullableDateTime });
export const invitationSchema = z.object({
  id: z.string().describe('The SHA-256 of the invitation token.'),
  object: z.literal('invitation'),
  email: z.string(),
  role: z.enum(['owner', 'staff']),
  createdAt: nullableDateTime,
  expiresAt: nullableDateTime,
});
export const invitationCreatedSchema = invitationSchema.extend({
  inviteUrl: z.string().describe('The link to hand the invitee (shown once); it works only for a signed-in user whose verified email is the invited one.'),
});
export const invitationListSchema = listOf(invitationSchema);
export const invitationRevokedSchema = invitationSchema.extend({ revoked: z.literal(true) });
export const memberAcceptedSchema = memberSchema.extend({ object: z.literal('user'), merchantId: z.string() });
export const memberListSchema = listOf(memberSchema);
export const memberDeletedSchema = z.object({ uid: z.string(), object: z.literal('user'), deleted: z.literal(true) });

export const overviewSchema = z.object({
  object: z.literal('overview'),
  days: z.number().int(),
  tzOffset: z.number().int(),
  from: isoDateTime,
  to: isoDateTime,
  volume: z.array(
    z.object({
      currency,
      total: minorUnits,
      count: z.number().int(),
      days: z.array(z.object({ date: z.string().describe('Local date, YYYY-MM-DD.'), count: z.number().int(), amount: minorUnits })),
    }),
  ),
  funnel: z.object({ created: z.number().int(), sent: z.number().int(), delivered: z.number().int(), opened: z.number().int(), paid: z.number().int() }),
});

export const healthSchema = z.object({ status: z.literal('ok') });

/** Every `code` a problem can carry; the compile-time check below keeps it in step with `DomainErrorCode`. */
export const PROBLEM_CODES = [
  'invalid_request',
  'unauthorized',
  'card_declined',
  'payment_declined',
  'forbidden',
  'merchant_suspended',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'invalid_state',
  'idempotency_conflict',
  'rate_limited',
  'provider_error',
  'live_mode_unavailable',
] as const satisfies readonly DomainErrorCode[];
type MissingCode = Exclude<DomainErrorCode, (typeof PROBLEM_CODES)[number]>;
const everyCodeListed: [MissingCode] extends [never] ? true : never = true;
void everyCodeListed;

export const problemSchema = z
  .looseObject({
    type: z.string().describe('A URL naming the problem type, `https://docs.smspay.dev/errors/{code}`.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum([...PROBLEM_CODES, 'internal_error']),
    errors: z.array(fieldErrorSchema).optional().describe('Validation errors, one per field.'),
    transaction: transactionSchema.optional().describe('PIN and payment errors: the transaction as it is now.'),
    attemptsLeft: z.number().int().nullable().optional().describe('Wrong PIN: tries left.'),
    declineCode: z.string().optional().describe('Declined payments: the provider’s reason, e.g. insufficient_funds.'),
  })
  .describe('RFC 9457 problem details (`application/problem+json`).');

/** Response schemas by their name under `components.schemas`; tests validate real responses with them. */
export const responseSchemas = {
  Invoice: invoiceSchema,
  InvoiceList: invoiceListSchema,
  RefundedInvoice: refundedInvoiceSchema,
  Transaction: transactionSchema,
  TransactionSummary: transactionSummarySchema,
  TransactionNext: transactionNextSchema,
  TimelineEvent: timelineEventSchema,
  EventList: eventListSchema,
  CallbackEvent: callbackEventSchema,
  CallbackPayload: callbackPayloadSchema,
  ImportResult: importResultSchema,
  PayView: payViewSchema,
  SandboxCheckout: sandboxCheckoutSchema,
  SandboxPayResult: sandboxPayResultSchema,
  Outbox: outboxSchema,
  Settings: settingsSchema,
  Account: accountSchema,
  StripeConnection: stripeConnectionSchema,
  StripeOnboardingLink: stripeOnboardingLinkSchema,
  Signup: signupResultSchema,
  OperatorMerchantList: operatorMerchantListSchema,
  OperatorActionResult: operatorActionResultSchema,
  OperatorLog: operatorLogSchema,
  ApiKey: apiKeySchema,
  ApiKeyCreated: apiKeyCreatedSchema,
  ApiKeyList: apiKeyListSchema,
  WebhookSecretList: webhookSecretListSchema,
  Member: memberSchema,
  Invitation: invitationSchema,
  InvitationCreated: invitationCreatedSchema,
  InvitationList: invitationListSchema,
  InvitationRevoked: invitationRevokedSchema,
  MemberAccepted: memberAcceptedSchema,
  MemberList: memberListSchema,
  MemberDeleted: memberDeletedSchema,
  Overview: overviewSchema,
  Health: healthSchema,
  Problem: problemSchema,
  FieldError: fieldErrorSchema,
} satisfies Record<string, z.ZodType>;

// ---------------------------------------------------------------------------------------------
// Request schemas: the ones the routes validate with

/** `POST /transactions` without an invoiceId: the invoice fields of `POST /invoices` plus `method`. */
const transactionWithInvoiceSchema = createInvoiceSchema.safeExtend({ method: startPaymentSchema.shape.method });

/** `POST /invoices/import` as JSON: each row is validated like `POST /invoices` and reported on its own. */
const importInvoicesSchema = z.strictObject({ invoices: z.array(createInvoiceSchema).min(1).max(10_000) });

const INPUT_COMPONENTS: Record<string, z.ZodType> = {
  CreateInvoiceRequest: createInvoiceSchema,
  ImportInvoicesRequest: importInvoicesSchema,
  TransactionForInvoiceRequest: forInvoiceSchema,
  TransactionWithInvoiceRequest: transactionWithInvoiceSchema,
  StartPaymentRequest: startPaymentSchema,
  VerifyPinRequest: verifyPinSchema,
  RefundRequest: refundSchema,
  SandboxPayRequest: sandboxPaySchema,
  SettingsPatchRequest: settingsPatchSchema,
  CreateApiKeyRequest: createApiKeySchema,
  SignupRequest: signupSchema,
  OperatorActionRequest: operatorActionSchema,
  PlatformFeeRequest: platformFeeSchema,
  StrexSettingsRequest: strexSettingsSchema,
  AddUserRequest: addUserSchema,
  AcceptInvitationRequest: acceptInvitationSchema,
};

// ---------------------------------------------------------------------------------------------
// Conversion

type Json = Record<string, unknown>;
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** Drops what zod adds that helps no reader: `$schema`/`$id`, the date-time regex next to `format`, safe-integer bounds. */
function tidy(node: unknown, response: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => tidy(item, response));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'pattern' && (node as Json).format === 'date-time') continue;
    if ((key === 'minimum' && value === -SAFE_INT) || (key === 'maximum' && value === SAFE_INT)) continue;
    if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
    // Responses may gain fields over time; clients should ignore the ones they do not know.
    if (response && key === 'additionalProperties' && value === false) continue;
    // `properties` and `$defs` hold names, not schemas; tidy their values only.
    out[key] = tidy(value, response);
  }
  return out;
}

function convert(components: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${id}` });
  return tidy(schemas, io === 'output') as Record<string, Json>;
}

/** A query schema as OpenAPI parameters, one per property. */
function queryParameters(schema: z.ZodType): Json[] {
  const json = tidy(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }), false) as Json;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(json.properties as Record<string, Json>).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

// ---------------------------------------------------------------------------------------------
// Operations

const ref = (name: string, kind = 'schemas') => ({ $ref: `#/components/${kind}/${name}` });
const json = (schemaName: string) => ({ 'application/json': { schema: ref(schemaName) } });

/** Until live providers are configured, a live key creates nothing (see `live_mode_unavailable`). */
const LIVE_NOTE = 'With a `sk_live_` key while the configured card or phone provider is a sandbox: 403 `live_mode_unavailable`, nothing is created.';

type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413 | 429 | 502;
type Access = 'public' | 'key' | 'owner' | 'member' | 'ownerSession' | 'session' | 'operator' | 'user';

interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  body?: { schema: Json; required?: boolean; csv?: boolean };
  /** The zod schema the route parses `request.query` with. */
  query?: z.ZodType;
  status: number;
  response: string;
  responseDescription: string;
  /** Answers a repeated Idempotency-Key with the first response and `Idempotent-Replayed: true`. */
  replays?: boolean;
  idempotencyNote?: string;
  errors: ErrorStatus[];
  extraHeaders?: Json;
}

const PATH_PARAMS: Record<string, Json> = {
  'invoices:id': { type: 'string', pattern: '^inv_[A-Za-z0-9]{22}$', description: 'Invoice id.' },
  'transactions:id': { type: 'string', pattern: '^txn_[A-Za-z0-9]{22}$', description: 'Transaction id.' },
  'events:id': { type: 'string', pattern: '^evt_[A-Za-z0-9]{22}$', description: 'Callback event id (also its `webhook-id`).' },
  'pay:token': { type: 'string', description: 'The pay token from the SMS link (`/pay/{token}`).' },
  'pay:id': { type: 'string', pattern: '^txn_[A-Za-z0-9]{22}$', description: 'Transaction id.' },
  'checkout:id': { type: 'string', description: 'Sandbox checkout session id.' },
  'merchants:id': { type: 'string', description: 'Merchant id.' },
  'api-keys:id': { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'API key id (from `GET /api-keys`).' },
  'users:uid': { type: 'string', description: 'The user’s uid.' },
  'invitations:id': { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Invitation id (from `GET /invitations`).' },
};

function pathParameters(path: string): Json[] {
  const segments = path.split('/').filter(Boolean);
  return segments.flatMap((segment, i) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return [];
    const schema = PATH_PARAMS[`${segments[i - 1]}:${name}`] ?? PATH_PARAMS[`${segments[0]}:${name}`] ?? { type: 'string' };
    const { description, ...rest } = schema;
    return [{ name, in: 'path', required: true, description, schema: rest }];
  });
}

const bodyOf = (name: string) => ({ schema: ref(name) });

const OPERATIONS: Operation[] = [
  // Meta
  { method: 'GET', path: '/health', operationId: 'getHealth', summary: 'Liveness', tag: 'Meta', access: 'public', status: 200, response: 'Health', responseDescription: 'The API is up.', errors: [] },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tag: 'Meta',
    access: 'public',
    status: 200,
    response: '',
    responseDescription: 'The OpenAPI document.',
    errors: [],
  },

  // Invoices
  {
    method: 'POST',
    path: '/invoices',
    operationId: 'createInvoice',
    summary: 'Create an invoice and send it by SMS',
    description: 'Stores the invoice and queues the payment-request SMS (or schedules it with `sendAt`). Status `sending`, or `scheduled`. ' + LIVE_NOTE,
    tag: 'Invoices',
    access: 'key',
    body: bodyOf('CreateInvoiceRequest'),
    status: 201,
    response: 'Invoice',
    responseDescription: 'The invoice.',
    replays: true,
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: 'GET',
    path: '/invoices',
    operationId: 'listInvoices',
    summary: 'List invoices, newest first',
    description: 'Cursor paging: pass the last `id` you got as `startingAfter` while `hasMore` is true.',
    tag: 'Invoices',
    access: 'key',
    query: listInvoicesQuerySchema,
    status: 200,
    response: 'InvoiceList',
    responseDescription: 'A page of invoices.',
    errors: [400, 401, 403, 429],
  },
  {
    method: 'POST',
    path: '/invoices/import',
    operationId: 'importInvoices',
    summary: 'Import invoices from CSV or JSON',
    description:
      'Up to 10,000 rows, as `text/csv` (a header row of dotted field paths such as `payer.phone`; see the `text/csv` body) or `{ invoices: [...] }`. Each row is validated like `POST /invoices` and answered on its own: `{ row, id }` or `{ row, error }`; a refused row writes nothing. ' +
      LIVE_NOTE,
    tag: 'Invoices',
    access: 'key',
    body: { schema: ref('ImportInvoicesRequest'), csv: true },
    replays: true,
    status: 200,
    response: 'ImportResult',
    responseDescription: 'One result per row.',
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: 'GET',
    path: '/invoices/{id}',
    operationId: 'getInvoice',
    summary: 'Get an invoice with its latest transaction',
    tag: 'Invoices',
    access: 'key',
    status: 200,
    response: 'Invoice',
    responseDescription: 'The invoice; `transaction` in full.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'GET',
    path: '/invoices/{id}/events',
    operationId: 'listInvoiceEvents',
    summary: 'The invoice’s timeline, oldest first',
    tag: 'Invoices',
    access: 'key',
    status: 200,
    response: 'EventList',
    responseDescription: 'Every step of the invoice.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'POST',
    path: '/invoices/{id}/cancel',
    operationId: 'cancelInvoice',
    summary: 'Cancel an unpaid invoice',
    description: 'Cancelling twice answers the same. A paid invoice answers 409 `invalid_state`: refund it instead.',
    tag: 'Invoices',
    access: 'key',
    status: 200,
    response: 'Invoice',
    responseDescription: 'The cancelled invoice.',
    replays: true,
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'POST',
    path: '/invoices/{id}/resend',
    operationId: 'resendInvoice',
    summary: 'Send the payment-request SMS again',
    description: 'At most 3 times per invoice and not within a minute of the last (429 `rate_limited` with `Retry-After`).',
    tag: 'Invoices',
    access: 'key',
    status: 200,
    response: 'Invoice',
    responseDescription: 'The invoice, its SMS queued again.',
    replays: true,
    errors: [401, 403, 404, 409, 429],
  },
  {
    method: 'POST',
    path: '/invoices/{id}/refund',
    operationId: 'refundInvoice',
    summary: 'Refund the paid transaction, in full or in part',
    description: 'Without `amount`, refunds what is left. Phone bill payments refund in full only.',
    tag: 'Invoices',
    access: 'owner',
    body: { schema: ref('RefundRequest'), required: false },
    status: 200,
    response: 'RefundedInvoice',
    responseDescription: 'The invoice after the refund, and the refund.',
    replays: true,
    idempotencyNote: 'Names the refund: the same key refunds once and replays the first answer; another body with it is 409 `idempotency_conflict`.',
    errors: [400, 401, 403, 404, 409, 429, 502],
  },

  // Transactions
  {
    method: 'POST',
    path: '/transactions',
    operationId: 'createTransaction',
    summary: 'Start a payment directly',
    description:
      'Either `{ invoiceId, method }` for an existing invoice, or the fields of `POST /invoices` plus `method` to create the invoice and start paying it at once. Card answers `next.type = redirect`; phone sends a PIN by SMS and answers `next.type = pin`. ' +
      LIVE_NOTE,
    tag: 'Transactions',
    access: 'owner',
    body: { schema: { oneOf: [ref('TransactionForInvoiceRequest'), ref('TransactionWithInvoiceRequest')] } },
    status: 201,
    response: 'Transaction',
    responseDescription: 'The transaction, with `next`.',
    replays: true,
    idempotencyNote: 'One key, one payment: a retry replays the first answer (no second PIN or session).',
    errors: [400, 401, 403, 404, 409, 429, 502],
  },
  {
    method: 'GET',
    path: '/transactions/{id}',
    operationId: 'getTransaction',
    summary: 'Get a transaction',
    tag: 'Transactions',
    access: 'key',
    status: 200,
    response: 'Transaction',
    responseDescription: 'The transaction.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'POST',
    path: '/transactions/{id}/verify',
    operationId: 'verifyTransaction',
    summary: 'Confirm a phone payment with the PIN from the SMS',
    description: 'A wrong PIN answers 400 with `attemptsLeft`; after 3 wrong tries, or once the PIN expired, the transaction fails (409). A declined charge answers 402 `payment_declined`.',
    tag: 'Transactions',
    access: 'owner',
    body: bodyOf('VerifyPinRequest'),
    status: 200,
    response: 'Transaction',
    responseDescription: 'The transaction: `succeeded`, or `processing` while the provider confirms.',
    idempotencyNote: 'Not replayed: a PIN is single use, so repeating a request that succeeded answers 409 `invalid_state` with the transaction as it is; nothing is charged twice.',
    errors: [400, 401, 402, 403, 404, 409, 429, 502],
  },

  // Events (callbacks)
  {
    method: 'GET',
    path: '/events/{id}',
    operationId: 'getEvent',
    summary: 'A callback event and its deliveries',
    tag: 'Events',
    access: 'owner',
    status: 200,
    response: 'CallbackEvent',
    responseDescription: 'The event, its payload and every delivery attempt.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'POST',
    path: '/events/{id}/redeliver',
    operationId: 'redeliverEvent',
    summary: 'Send a callback again',
    description: 'Delivers the same payload with the same `webhook-id`, freshly signed.',
    idempotencyNote: 'Not replayed: each call queues one more delivery of the same event, which receivers deduplicate by `webhook-id`.',
    tag: 'Events',
    access: 'owner',
    status: 202,
    response: 'CallbackEvent',
    responseDescription: 'The event, queued for delivery.',
    errors: [401, 403, 404, 409, 429],
  },

  // Payer
  {
    method: 'GET',
    path: '/pay/{token}',
    operationId: 'viewPayment',
    summary: 'The payer’s view of an invoice',
    description: 'No key: the pay token is the credential. The first view moves the invoice to `opened`. Unknown, expired and cancelled tokens all answer the same 404.',
    tag: 'Payer',
    access: 'public',
    status: 200,
    response: 'PayView',
    responseDescription: 'What the pay page shows.',
    errors: [404, 429],
  },
  {
    method: 'POST',
    path: '/pay/{token}/transactions',
    operationId: 'startPayment',
    summary: 'The payer picks a payment method',
    description: 'Card: a checkout session to redirect to (a second tap reuses it). Phone: a PIN is sent by SMS.',
    tag: 'Payer',
    access: 'public',
    body: bodyOf('StartPaymentRequest'),
    status: 201,
    response: 'Transaction',
    responseDescription: 'The transaction, with `next`.',
    idempotencyNote: 'Accepted; starting a payment is itself resumable (an open card checkout is returned again).',
    errors: [400, 404, 409, 429, 502],
  },
  {
    method: 'GET',
    path: '/pay/{token}/checkout-cancelled',
    operationId: 'checkoutCancelled',
    summary: 'Where a payer who cancels at the card checkout lands',
    description:
      'The checkout’s cancel URL (Stripe Checkout’s `cancel_url`, the sandbox’s Cancel button). Sends the payer on to the invoice’s `cancelUrl` with `?invoice={id}&status={status}` appended (the status of that moment), or to `/pay/{token}` when the invoice has none or the token is unknown. Changes nothing.',
    tag: 'Payer',
    access: 'public',
    status: 303,
    response: '',
    responseDescription: 'See Other: `Location` is where the payer goes.',
    extraHeaders: { Location: { description: 'The invoice’s `cancelUrl` with `invoice` and `status`, else `{origin}/pay/{token}`.', schema: { type: 'string', format: 'uri' } } },
    errors: [429],
  },
  {
    method: 'POST',
    path: '/pay/{token}/transactions/{id}/verify',
    operationId: 'verifyPayment',
    summary: 'The payer enters the PIN',
    tag: 'Payer',
    access: 'public',
    body: bodyOf('VerifyPinRequest'),
    status: 200,
    response: 'Transaction',
    responseDescription: 'The transaction after the PIN.',
    idempotencyNote: 'Not replayed: a PIN is single use, so repeating a request that succeeded answers 409 `invalid_state` with the transaction as it is.',
    errors: [400, 402, 404, 409, 429, 502],
  },

  // Sandbox checkout
  {
    method: 'GET',
    path: '/sandbox/checkout/{id}',
    operationId: 'getSandboxCheckout',
    summary: 'A sandbox card checkout session',
    description: 'Only when `CARD_PROVIDER=sandbox`; otherwise 404. No money moves.',
    tag: 'Sandbox',
    access: 'public',
    status: 200,
    response: 'SandboxCheckout',
    responseDescription: 'The session.',
    errors: [404],
  },
  {
    method: 'POST',
    path: '/sandbox/checkout/{id}/pay',
    operationId: 'paySandboxCheckout',
    summary: 'Pay a sandbox checkout with a test card',
    description: 'Stripe’s public test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined (402 `card_declined`).',
    tag: 'Sandbox',
    access: 'public',
    body: bodyOf('SandboxPayRequest'),
    status: 200,
    response: 'SandboxPayResult',
    responseDescription: 'Paid; send the payer to `redirectUrl`.',
    idempotencyNote: 'Accepted; a completed session is no longer open (409).',
    errors: [400, 402, 404, 409, 502],
  },

  // Account
  {
    method: 'GET',
    path: '/account',
    operationId: 'getAccount',
    summary: 'The account behind the key: mode and the methods it can take now',
    description:
      'The key’s mode decides everything (`sk_test_` test, `sk_live_` live). Lists each payment method with the provider that takes it in this mode, or what is missing: a deployment whose live mode has no real provider offers no live methods.',
    tag: 'Account',
    access: 'member',
    status: 200,
    response: 'Account',
    responseDescription: 'The account.',
    errors: [401, 403, 429],
  },

  {
    method: 'GET',
    path: '/account/stripe',
    operationId: 'getStripeConnection',
    summary: 'The merchant’s connected Stripe account (Getting paid)',
    description: 'In the dashboard’s mode. Asks Stripe for the account’s current status (the dashboard calls it on return from onboarding) and keeps it; `account.updated` webhooks keep it too.',
    tag: 'Account',
    access: 'ownerSession',
    status: 200,
    response: 'StripeConnection',
    responseDescription: 'The connection.',
    errors: [401, 403, 429, 502],
  },
  {
    method: 'POST',
    path: '/account/stripe/onboarding',
    operationId: 'startStripeOnboarding',
    summary: 'Connect a Stripe account: a link to Stripe’s hosted onboarding',
    description:
      'Creates the merchant’s connected account in this mode the first time, then a new Account Link each call (Stripe returns the owner to Settings, or to a refresh that starts again). 409 `invalid_state` with `missing` when this mode has no Stripe, or live mode is not activated.',
    tag: 'Account',
    access: 'ownerSession',
    status: 200,
    response: 'StripeOnboardingLink',
    responseDescription: 'Where to send the owner.',
    idempotencyNote: 'Not needed: the account is made once per merchant and mode; each call makes a fresh single-use link.',
    errors: [401, 403, 409, 429, 502],
  },

  {
    method: 'POST',
    path: '/signup',
    operationId: 'signUp',
    summary: 'Create the merchant of a newly signed-up, verified user',
    description:
      'Called by `/merchant/signup` after the email link was opened. Makes the merchant in test mode with working sandboxes, its owner, a test key and a callback signing secret (both shown once). Not replayed by `Idempotency-Key`: the answer holds secrets.',
    tag: 'Account',
    access: 'user',
    body: bodyOf('SignupRequest'),
    status: 201,
    response: 'Signup',
    responseDescription: 'The merchant, its test key and its callback secret.',
    idempotencyNote: 'Not replayed: the answer holds secrets.',
    errors: [400, 401, 403, 409, 429],
  },

  // Platform operators
  {
    method: 'GET',
    path: '/operator/merchants',
    operationId: 'operatorListMerchants',
    summary: 'Merchants with mode, status and volume',
    tag: 'Operator',
    access: 'operator',
    status: 200,
    response: 'OperatorMerchantList',
    responseDescription: 'Newest first.',
    errors: [401, 403, 429],
  },
  ...(
    [
      ['activate-live', 'operatorActivateLive', 'Activate live mode (the merchant may then create live keys)'],
      ['suspend', 'operatorSuspend', 'Suspend: keys get 403 `merchant_suspended`, pay links are unavailable, nothing is sent or charged'],
      ['reinstate', 'operatorReinstate', 'Reinstate a suspended merchant'],
    ] as const
  ).map(([action, operationId, summary]): Operation => ({
    method: 'POST',
    path: `/operator/merchants/{id}/${action}`,
    operationId,
    summary,
    description: 'Logged with the operator and the time, in the same transaction. Repeating an action already in effect changes and logs nothing.',
    tag: 'Operator',
    access: 'operator',
    body: { ...bodyOf('OperatorActionRequest'), required: false },
    status: 200,
    response: 'OperatorActionResult',
    responseDescription: 'The merchant after the action.',
    idempotencyNote: 'Not needed: repeating an action already in effect answers the same and logs nothing.',
    errors: [400, 401, 403, 404, 429],
  })),
  {
    method: 'POST',
    path: '/operator/merchants/{id}/platform-fee',
    operationId: 'operatorSetPlatformFee',
    summary: 'Set the platform fee on the merchant’s card payments (Stripe `application_fee_amount`)',
    description:
      'In basis points of each payment’s amount (250 = 2.5 %), rounded down; applies to payments started afterwards on the merchant’s connected Stripe account. Logged like the other actions.',
    tag: 'Operator',
    access: 'operator',
    body: bodyOf('PlatformFeeRequest'),
    status: 200,
    response: 'OperatorActionResult',
    responseDescription: 'The merchant after the change.',
    idempotencyNote: 'Not needed: setting the fee it already has changes and logs nothing.',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'POST',
    path: '/operator/merchants/{id}/strex',
    operationId: 'operatorSetStrex',
    summary: 'Set the merchant’s Strex merchant id and service code (phone billing)',
    description:
      'The merchant’s own Strex account: live phone payments are offered only once it is set (until then GET /account names `strex_not_configured`), and each phone payment bills through the settings as of its start. Test mode uses them too when set, else the deployment’s. Logged like the other actions.',
    tag: 'Operator',
    access: 'operator',
    body: bodyOf('StrexSettingsRequest'),
    status: 200,
    response: 'OperatorActionResult',
    responseDescription: 'The merchant after the change.',
    idempotencyNote: 'Not needed: setting what it already has changes and logs nothing.',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'GET',
    path: '/operator/log',
    operationId: 'operatorLog',
    summary: 'Operator actions, newest first (at most 100)',
    tag: 'Operator',
    access: 'operator',
    status: 200,
    response: 'OperatorLog',
    responseDescription: 'Who did what, when.',
    errors: [401, 403, 429],
  },

  // Development
  {
    method: 'GET',
    path: '/dev/outbox',
    operationId: 'listOutbox',
    summary: 'The merchant’s outbox SMS messages (emulator only)',
    description: 'Newest first, at most 100. In production this path answers 404.',
    tag: 'Development',
    access: 'key',
    status: 200,
    response: 'Outbox',
    responseDescription: 'Outbox messages.',
    errors: [401, 403, 404, 429],
  },

  // Console (dashboard)
  {
    method: 'GET',
    path: '/settings',
    operationId: 'getSettings',
    summary: 'Merchant settings',
    tag: 'Console',
    access: 'member',
    status: 200,
    response: 'Settings',
    responseDescription: 'The settings.',
    errors: [401, 403, 429],
  },
  {
    method: 'PATCH',
    path: '/settings',
    operationId: 'updateSettings',
    summary: 'Change merchant settings',
    description: 'A partial update; `null` clears an optional field. Owners only.',
    tag: 'Console',
    access: 'owner',
    body: bodyOf('SettingsPatchRequest'),
    status: 200,
    response: 'Settings',
    responseDescription: 'The settings after the change.',
    errors: [400, 401, 403, 429],
  },
  {
    method: 'GET',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: 'API keys',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'ApiKeyList',
    responseDescription: 'Keys, newest first.',
    errors: [401, 403, 429],
  },
  {
    method: 'POST',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'The secret is in this response only.',
    tag: 'Console',
    access: 'ownerSession',
    body: bodyOf('CreateApiKeyRequest'),
    status: 201,
    response: 'ApiKeyCreated',
    responseDescription: 'The key with its secret.',
    idempotencyNote: 'Not replayed: the answer holds a secret, which is never stored.',
    errors: [400, 401, 403, 429],
  },
  {
    method: 'POST',
    path: '/api-keys/{id}/revoke',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'ApiKey',
    responseDescription: 'The revoked key.',
    idempotencyNote: 'Not needed: revoking again answers the same.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'GET',
    path: '/webhook-secret',
    operationId: 'getWebhookSecrets',
    summary: 'Callback signing secrets',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'WebhookSecretList',
    responseDescription: 'Every secret that signs now, newest first.',
    errors: [401, 403, 429],
  },
  {
    method: 'POST',
    path: '/webhook-secret/rotate',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the callback signing secret',
    description: 'The new secret signs from now on; the old one keeps signing too for 24 hours.',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'WebhookSecretList',
    responseDescription: 'Every secret that signs now.',
    idempotencyNote: 'Not replayed: the answer holds secrets.',
    errors: [401, 403, 429],
  },
  {
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'Dashboard users',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'MemberList',
    responseDescription: 'The merchant’s users.',
    errors: [401, 403, 429],
  },
  {
    method: 'POST',
    path: '/users',
    operationId: 'inviteUser',
    summary: 'Invite a dashboard user',
    description: 'Creates an invitation; no account gets access until the invitee accepts it signed in with the invited, verified email.',
    tag: 'Console',
    access: 'ownerSession',
    body: bodyOf('AddUserRequest'),
    status: 201,
    response: 'InvitationCreated',
    responseDescription: 'The invitation, with its link (shown once).',
    idempotencyNote: 'Not replayed: the answer holds a one-time link.',
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: 'GET',
    path: '/invitations',
    operationId: 'listInvitations',
    summary: 'Pending invitations',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'InvitationList',
    responseDescription: 'Invitations not yet accepted, revoked or expired.',
    errors: [401, 403, 429],
  },
  {
    method: 'POST',
    path: '/invitations/{id}/revoke',
    operationId: 'revokeInvitation',
    summary: 'Revoke an invitation',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'InvitationRevoked',
    responseDescription: 'The revoked invitation.',
    idempotencyNote: 'Not needed: revoking again answers the same.',
    errors: [401, 403, 404, 429],
  },
  {
    method: 'POST',
    path: '/invitations/accept',
    operationId: 'acceptInvitation',
    summary: 'Accept an invitation',
    description: 'For a signed-in user (ID token) whose email is verified and equals the invitation’s; else 403 with `reason` `email_not_verified` or `email_mismatch`.',
    tag: 'Console',
    access: 'session',
    body: bodyOf('AcceptInvitationRequest'),
    status: 200,
    response: 'MemberAccepted',
    responseDescription: 'The new membership.',
    idempotencyNote: 'Not needed: accepting again answers the same.',
    errors: [400, 401, 403, 404, 409, 429],
  },
  {
    method: 'DELETE',
    path: '/users/{uid}',
    operationId: 'removeUser',
    summary: 'Remove a dashboard user',
    tag: 'Console',
    access: 'ownerSession',
    status: 200,
    response: 'MemberDeleted',
    responseDescription: 'Removed; their sessions are revoked.',
    errors: [400, 401, 403, 404, 429],
  },
  {
    method: 'GET',
    path: '/stats/overview',
    operationId: 'getOverview',
    summary: 'Dashboard overview numbers',
    tag: 'Console',
    access: 'member',
    query: statsQuerySchema,
    status: 200,
    response: 'Overview',
    responseDescription: 'Paid volume per day and the invoice funnel.',
    errors: [400, 401, 403, 429],
  },
];

/** The API operations this document describes (method and `{param}` path), for tests. */
export const OPERATION_PATHS = OPERATIONS.map(({ method, path }) => ({ method, path }));

const ERROR_RESPONSES: Record<ErrorStatus, [name: string, reason: string]> = {
  400: ['BadRequest', 'Bad request'],
  401: ['Unauthorized', 'No valid key or session'],
  402: ['PaymentDeclined', 'Payment declined'],
  403: ['Forbidden', 'Not allowed for this caller'],
  404: ['NotFound', 'Not found'],
  409: ['Conflict', 'Conflict'],
  413: ['PayloadTooLarge', 'The request body is too large'],
  429: ['TooManyRequests', 'Too many requests'],
  502: ['ProviderError', 'A payment or SMS provider failed'],
};

function errorResponses(): Json {
  const codesByStatus = new Map<number, string[]>();
  for (const code of PROBLEM_CODES) {
    const { status } = toProblem(new DomainError(code, ''));
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  const responses: Json = {};
  for (const [status, [name, reason]] of Object.entries(ERROR_RESPONSES)) {
    const codes = codesByStatus.get(Number(status));
    if (!codes) throw new Error(`No problem code maps to ${status}.`);
    responses[name] = {
      description: `${reason}: \`code\` is ${codes.map((c) => `\`${c}\``).join(' or ')}.`,
      ...(status === '429' ? { headers: { 'Retry-After': ref('RetryAfter', 'headers') } } : {}),
      content: { 'application/problem+json': { schema: ref('Problem') } },
    };
  }
  return responses;
}

/** The CSV import body: the header names, the same the dashboard's export writes (domain/csvColumns.ts). */
function csvBodySchema(): Json {
  const columns = INVOICE_CSV_COLUMNS.map((c) => `\`${c}\``).join(', ');
  const readOnly = READ_ONLY_CSV_COLUMNS.map((c) => `\`${c}\``).join(', ');
  return {
    type: 'string',
    description:
      `A header row, then one invoice per row (RFC 4180; UTF-8, a BOM is fine). Headers are the JSON field paths of \`POST /invoices\` with dots: ${columns}, and \`metadata.<key>\` per metadata key. ` +
      `\`amount\` in minor units; \`paymentMethods\` space-separated (\`card phone\`). Empty cells are left out. The read-only columns of an export (${readOnly}, \`transaction.*\`) are ignored, so an export imports again; any other header is refused with a 400 naming it.`,
    'x-csv-columns': [...INVOICE_CSV_COLUMNS, `${METADATA_COLUMN_PREFIX}<key>`],
    example: `${INVOICE_CSV_COLUMNS.slice(0, 4).join(',')},reference,metadata.order\r\n12900,NOK,Pizza Margherita,+4791234567,order-1,42\r\n`,
  };
}

function security(access: Access): Json {
  switch (access) {
    case 'public':
      return { security: [] };
    case 'key':
      return {};
    case 'member':
      return { 'x-access': 'Secret key, or a signed-in dashboard user (owner or staff).' };
    case 'owner':
      return { 'x-access': 'Secret key, or a signed-in dashboard owner (staff get 403).' };
    case 'ownerSession':
      return { 'x-access': 'A signed-in dashboard owner only (ID token); secret keys and staff get 403.' };
    case 'session':
      return { 'x-access': 'Any signed-in user (Firebase ID token); secret keys get 401.' };
    case 'operator':
      return { 'x-access': 'A platform operator’s ID token (custom claim `operator`, granted only by `npm run operator -- grant EMAIL`). Secret keys get 403.' };
    case 'user':
      return { 'x-access': 'The ID token of a Firebase user whose email is verified and who belongs to no merchant yet.' };
  }
}

function operationObject(op: Operation): Json {
  const parameters: Json[] = [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : [])];
  if (op.method === 'POST') {
    parameters.push(op.idempotencyNote ? { ...ref('IdempotencyKey', 'parameters'), description: op.idempotencyNote } : ref('IdempotencyKey', 'parameters'));
  }
  const headers: Json = { ...(op.replays ? { 'Idempotent-Replayed': ref('IdempotentReplayed', 'headers') } : {}), ...op.extraHeaders };
  const success: Json = {
    description: op.responseDescription,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(op.status === 303 ? {} : { content: op.response ? json(op.response) : { 'application/json': { schema: { type: 'object' } } } }),
  };
  const responses: Json = { [String(op.status)]: success };
  // A POST that stores its answer under the Idempotency-Key refuses a key over 255 characters with a 400.
  const errors: ErrorStatus[] = op.replays && !op.errors.includes(400) ? [400, ...op.errors] : [...op.errors];
  // Any route that reads a body refuses one over its size limit (1 MB, imports 20 MB) with a 413.
  if (op.body && !errors.includes(413)) errors.push(413);
  for (const status of [...errors].sort()) responses[String(status)] = ref(ERROR_RESPONSES[status][0], 'responses');
  let requestBody: Json | undefined;
  if (op.body) {
    const content: Json = { 'application/json': { schema: op.body.schema } };
    if (op.body.csv) content['text/csv'] = { schema: csvBodySchema() };
    requestBody = { required: op.body.required ?? true, content };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...security(op.access),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function webhooks(): Json {
  const out: Json = {};
  for (const type of CALLBACK_TYPES) {
    out[type] = {
      post: {
        operationId: `callback_${type.replace(/\./g, '_')}`,
        summary: `Callback \`${type}\``,
        description:
          'POSTed to the invoice’s `callbackUrl`, else the merchant’s default, signed per Standard Webhooks with the merchant’s `whsec_…` secret. Only a 2xx within 15 s counts; otherwise retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h and 24 h; 410 disables the endpoint. Redirects are not followed.',
        tags: ['Callbacks'],
        security: [],
        parameters: [ref('WebhookId', 'parameters'), ref('WebhookTimestamp', 'parameters'), ref('WebhookSignature', 'parameters')],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { allOf: [ref('CallbackPayload'), { type: 'object', properties: { type: { const: type } } }] } } },
        },
        responses: {
          '2XX': { description: 'Received. Any other answer, or none within 15 s, is retried.' },
          '410': { description: 'Gone: the endpoint is disabled and receives no more callbacks; the merchant is told.' },
        },
      },
    };
  }
  return out;
}

let componentsCache: Json | undefined;

function components(): Json {
  componentsCache ??= {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description: '`Authorization: Bearer sk_test_…` or `sk_live_…` (a secret key, shown once at creation). The dashboard sends a signed-in user’s Firebase ID token the same way.',
      },
    },
    schemas: { ...convert(responseSchemas, 'output'), ...convert(INPUT_COMPONENTS, 'input') },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Up to 255 characters, kept 24 h. The same key and body answer the first response again (with `Idempotent-Replayed: true`); the same key with another body answers 409 `idempotency_conflict`.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      },
      WebhookId: { name: 'webhook-id', in: 'header', required: true, description: 'The event id (`evt_…`); the same on every retry: deduplicate by it.', schema: { type: 'string' } },
      WebhookTimestamp: {
        name: 'webhook-timestamp',
        in: 'header',
        required: true,
        description: 'Unix seconds when this attempt was signed; refuse old ones.',
        schema: { type: 'string', pattern: '^\\d+$' },
      },
      WebhookSignature: {
        name: 'webhook-signature',
        in: 'header',
        required: true,
        description: 'Space-separated `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`; during a secret rotation, one per valid secret.',
        schema: { type: 'string' },
      },
    },
    headers: {
      IdempotentReplayed: { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
      RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
    },
    responses: errorResponses(),
  };
  return componentsCache;
}

function paths(): Json {
  const out: Record<string, Json> = {};
  for (const op of OPERATIONS) (out[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  return out;
}

const documents = new Map<string, object>();

/** The OpenAPI 3.1 document, built once per public base URL. */
export function openApiDocument(publicBaseUrl: string): object {
  const cached = documents.get(publicBaseUrl);
  if (cached) return cached;
  const document = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'SMS Pay API',
      version: '1.0.0',
      summary: 'Payment requests by SMS: invoices, card and phone payments, callbacks.',
      description:
        'JSON over HTTPS. Amounts are integers in the currency’s minor unit; currencies are ISO 4217, upper case. Errors are `application/problem+json` (RFC 9457). Lists answer `{ data, hasMore }` and page with `limit` and `startingAfter`. Responses may gain fields: ignore the ones you do not know.',
    },
    servers: [{ url: `${publicBaseUrl.replace(/\/+$/, '')}/api/v1` }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'Invoices' },
      { name: 'Transactions' },
      { name: 'Account', description: 'Test and live mode, and what the merchant can take in each.' },
      { name: 'Events', description: 'Merchant callbacks as sent, and their delivery attempts.' },
      { name: 'Payer', description: 'The pay page’s endpoints: no key, scoped by the pay token.' },
      { name: 'Sandbox', description: 'The local card checkout (CARD_PROVIDER=sandbox).' },
      { name: 'Console', description: 'The merchant dashboard.' },
      { name: 'Operator', description: 'The platform operators’ console (`/operator`).' },
      { name: 'Development', description: 'Emulator only.' },
      { name: 'Meta' },
      { name: 'Callbacks', description: 'What we POST to your callback URL.' },
    ],
    paths: paths(),
    webhooks: webhooks(),
    components: components(),
  };
  documents.set(publicBaseUrl, document);
  return document;
}
