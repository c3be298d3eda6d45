import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../domain/errors';
import type { PaymentEvidence } from './cardProvider';

/**
 * Vipps MobilePay through the ePayment API (v1), the Access Token API and the Webhooks API (v1).
 * Contracts: vippsas/vipps-epayment-api `docs/epayment.v1.yml`, the Webhooks API guide and its
 * request-authentication page. A payment is a reservation (`AUTHORIZED`) that is captured to move
 * the money; every write carries an `Idempotency-Key`, so a retried request never acts twice.
 */

export type VippsState = 'CREATED' | 'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED';
export type VippsEventName = 'CREATED' | 'ABORTED' | 'EXPIRED' | 'CANCELLED' | 'CAPTURED' | 'REFUNDED' | 'AUTHORIZED' | 'TERMINATED';
export type VippsCurrency = 'NOK' | 'DKK' | 'EUR';
export type VippsUserFlow = 'WEB_REDIRECT' | 'PUSH_MESSAGE';

export const VIPPS_CURRENCIES: readonly VippsCurrency[] = ['NOK', 'DKK', 'EUR'];
/** Every ePayment event type the Webhooks API sends. */
export const VIPPS_WEBHOOK_EVENTS = ['created', 'aborted', 'expired', 'cancelled', 'captured', 'refunded', 'authorized', 'terminated'].map((name) => `epayments.payment.${name}.v1`);

/** What the method can do, for the domain to ask instead of branching on the method's name. */
export interface VippsCapabilities {
  partialRefunds: true;
  needsPin: false;
  currencies: readonly VippsCurrency[];
  /** Minor units (the OpenAPI document's `Amount.value` maximum). */
  maxAmount: number;
}

export interface VippsStartRequest {
  /** `^[a-zA-Z0-9-]{8,50}$`, unique per payment: see `vippsReference`. */
  reference: string;
  /** Minor units. */
  amount: number;
  currency: VippsCurrency;
  /** Shown in the app; cut to the API's 100 characters. */
  description: string;
  /** `WEB_REDIRECT` (phone browser: app switch, else the landing page) or `PUSH_MESSAGE` (needs `phone`). */
  userFlow: VippsUserFlow;
  /** E.164; only sent for `PUSH_MESSAGE` (the API asks merchants never to send a number they had to ask for). */
  phone: string | null;
  /** Where the payer's browser returns after the app (https). */
  returnUrl: string;
  idempotencyKey: string;
  /** Up to 5 pairs, passed back by `getPayment`. */
  metadata?: Record<string, string>;
}

export interface VippsStarted {
  reference: string;
  /** Landing page / app switch for `WEB_REDIRECT`; null for `PUSH_MESSAGE` (the app got a push). */
  redirectUrl: string | null;
}

/** Minor units, each in the payment's currency. */
export interface VippsAggregate {
  authorized: number;
  cancelled: number;
  captured: number;
  refunded: number;
}

export interface VippsPaymentRecord {
  state: VippsState;
  aggregate: VippsAggregate;
  /** `sessionId` is our reference, `paymentId` Vipps' `pspReference`; compare before moving money. */
  evidence: PaymentEvidence;
}

export interface VippsPaymentEvent {
  name: VippsEventName;
  /** Minor units of this event (an adjustment's own amount). */
  amount: number;
  currency: VippsCurrency;
  timestamp: string;
  idempotencyKey: string | null;
  success: boolean;
  pspReference: string;
}

/** A webhook notification after its signature verified, reduced to what the state machine needs. */
export type VippsNotification =
  | {
      kind: 'payment';
      /** Stable over redeliveries of the same notification. */
      eventId: string;
      name: VippsEventName;
      success: boolean;
      /** Whose request it answers (null for the payer's own actions). */
      idempotencyKey: string | null;
      timestamp: string;
      /** `amount` is this event's amount (for `CAPTURED` / `REFUNDED`, the adjustment's). */
      evidence: PaymentEvidence;
    }
  | { kind: 'ignored'; eventId: string; reason: string };

export interface VippsWebhookDelivery {
  rawBody: Buffer;
  /** The URL the webhook was registered with (Vipps signs its path, query and host). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The port Vipps payments go through: the ePayment API, or the local sandbox. */
export interface VippsPayment {
  readonly name: 'vipps' | 'sandbox';
  readonly capabilities: VippsCapabilities;
  createPayment(request: VippsStartRequest): Promise<VippsStarted>;
  getPayment(reference: string): Promise<VippsPaymentRecord>;
  paymentEvents(reference: string): Promise<VippsPaymentEvent[]>;
  /** Moves `amount` of the reservation; the same `idempotencyKey` never captures twice. */
  capture(reference: string, amount: number, currency: VippsCurrency, idempotencyKey: string): Promise<VippsPaymentRecord>;
  /** Full or partial; the same `idempotencyKey` never refunds twice. */
  refund(reference: string, amount: number, currency: VippsCurrency, idempotencyKey: string): Promise<VippsPaymentRecord>;
  /** Before authorization: `TERMINATED`; after: releases what was not captured. */
  cancel(reference: string, idempotencyKey: string): Promise<VippsPaymentRecord>;
  /** The adjustment made under `idempotencyKey`, if Vipps ever made one (for an interrupted refund or capture). */
  findAdjustment(reference: string, name: 'CAPTURED' | 'REFUNDED' | 'CANCELLED', idempotencyKey: string): Promise<VippsPaymentEvent | null>;
  /** Verifies the HMAC signature on the raw body, then parses; throws `invalid_request` when it does not verify. */
  parseWebhook(delivery: VippsWebhookDelivery): VippsNotification;
}

export interface VippsOptions {
  /** `https://api.vipps.no` or `https://apitest.vipps.no`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  merchantSerialNumber: string;
  /** The secret the Webhooks API answered when our webhook was registered. */
  webhookSecret?: string;
  /** Whether these are production keys: the evidence's `livemode`. */
  livemode: boolean;
  systemVersion?: string;
  fetch?: typeof fetch;
  /** For tests of the signature's date window. */
  now?: () => Date;
}

/** An answer from Vipps that is not a documented success; `problem` is its RFC 7807 body, when it sent one. */
export class VippsApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; extraDetails?: { name: string; reason: string }[] } | null,
    message: string,
  ) {
    super(message);
    this.name = 'VippsApiError';
  }
}

/** Our transaction id (`txn_` + base62) as a Vipps reference (`^[a-zA-Z0-9-]{8,50}$`). */
export function vippsReference(transactionId: string): string {
  return transactionId.replace(/_/g, '-');
}

/** E.164 (`+4791234567`) to the MSISDN the API wants (`4791234567`). */
export function toMsisdn(phone: string): string {
  return phone.replace(/^\+/, '');
}

const REQUEST_TIMEOUT_MS = 20_000;
/** Retries of a request Vipps answered 423, 429 or 5xx, or that never got an answer; safe by `Idempotency-Key`. */
const RETRIES = 2;
const RETRY_DELAY_MS = 200;
/** A token is renewed this long before Vipps says it expires. */
const TOKEN_MARGIN_MS = 60_000;
/** How far `x-ms-date` may be from our clock. */
const SIGNATURE_TOLERANCE_MS = 15 * 60_000;
const SYSTEM_NAME = 'smspay';

const amountSchema = z.object({ currency: z.enum(VIPPS_CURRENCIES), value: z.number().int().nonnegative() });
const stateSchema = z.enum(['CREATED', 'AUTHORIZED', 'ABORTED', 'EXPIRED', 'TERMINATED']);
const eventNameSchema = z.enum(['CREATED', 'ABORTED', 'EXPIRED', 'CANCELLED', 'CAPTURED', 'REFUNDED', 'AUTHORIZED', 'TERMINATED']);
const aggregateSchema = z.object({
  authorizedAmount: amountSchema,
  cancelledAmount: amountSchema,
  capturedAmount: amountSchema,
  refundedAmount: amountSchema,
});
const paymentSchema = z.object({ reference: z.string(), pspReference: z.string(), state: stateSchema, amount: amountSchema, aggregate: aggregateSchema });
const eventSchema = z.object({
  reference: z.string(),
  pspReference: z.string(),
  name: eventNameSchema,
  amount: amountSchema,
  timestamp: z.string(),
  idempotencyKey: z.string().nullish(),
  success: z.boolean(),
});
const webhookEventSchema = eventSchema.extend({ msn: z.string() });
// The live API sends these numbers as strings.
const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const createdSchema = z.object({ reference: z.string(), redirectUrl: z.string().optional() });
const registeredSchema = z.object({ id: z.string(), secret: z.string().min(1) });

function headerValue(headers: VippsWebhookDelivery['headers'], name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const refused = (why: string) => new DomainError('invalid_request', `The Vipps webhook signature does not verify: ${why}.`);

/**
 * Checks a Webhooks API delivery before anything in it is trusted: the body's SHA-256 is
 * `x-ms-content-sha256`, and `Authorization` is `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=`
 * the HMAC-SHA256 (with the registration's secret) of `POST\n{path and query}\n{x-ms-date};{host};{content hash}`,
 * with path, query and host from the URL the webhook was registered with. `x-ms-date` must be
 * within 15 minutes of our clock. Throws `invalid_request` otherwise.
 */
export function verifyVippsWebhook(delivery: VippsWebhookDelivery, secret: string, now: Date = new Date()): void {
  if (!secret) throw refused('no webhook secret is configured');
  const date = headerValue(delivery.headers, 'x-ms-date');
  const contentHash = headerValue(delivery.headers, 'x-ms-content-sha256');
  const authorization = headerValue(delivery.headers, 'authorization');
  if (!date || !contentHash || !authorization) throw refused('x-ms-date, x-ms-content-sha256 and Authorization are required');
  const actualHash = createHash('sha256').update(delivery.rawBody).digest('base64');
  if (!sameText(actualHash, contentHash)) throw refused('the body does not match x-ms-content-sha256');
  const at = Date.parse(date);
  if (Number.isNaN(at) || Math.abs(now.getTime() - at) > SIGNATURE_TOLERANCE_MS) throw refused('x-ms-date is missing or too far from now');
  const url = new URL(delivery.url);
  const signed = `POST\n${url.pathname}${url.search}\n${date};${url.host};${contentHash}`;
  const signature = createHmac('sha256', secret).update(signed, 'utf8').digest('base64');
  if (!sameText(authorization, `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`)) throw refused('the signature is wrong');
}

/** Parses a verified notification; one for another merchant serial number is ignored (partner webhooks see all of theirs). */
export function parseVippsNotification(rawBody: Buffer, merchantSerialNumber: string, livemode: boolean): VippsNotification {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError('invalid_request', 'The Vipps webhook body is not JSON.');
  }
  const parsed = webhookEventSchema.safeParse(json);
  const eventId = createHash('sha256').update(rawBody).digest('base64url').slice(0, 32);
  if (!parsed.success) return { kind: 'ignored', eventId, reason: 'not an ePayment event' };
  const event = parsed.data;
  if (event.msn !== merchantSerialNumber) return { kind: 'ignored', eventId, reason: `for merchant serial number ${event.msn}` };
  return {
    kind: 'payment',
    eventId,
    name: event.name,
    success: event.success,
    idempotencyKey: event.idempotencyKey ?? null,
    timestamp: event.timestamp,
    evidence: {
      sessionId: event.reference,
      paymentId: event.pspReference,
      amount: event.amount.value,
      currency: event.amount.currency,
      merchantId: null,
      livemode,
    },
  };
}

/** `VIPPS_PROVIDER=vipps`: the ePayment API with an access token from the Access Token API. */
export function vippsEpayment(options: VippsOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  let token: { value: string; until: number } | null = null;
  let tokenRequest: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const response = await fetchImpl(`${baseUrl}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        'Ocp-Apim-Subscription-Key': options.subscriptionKey,
        'Merchant-Serial-Number': options.merchantSerialNumber,
        ...systemHeaders(),
      },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status !== 200) throw new VippsApiError(response.status, null, `Vipps access token answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    const parsed = tokenSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new VippsApiError(response.status, null, 'Vipps access token answer has no access_token.');
    token = { value: parsed.data.access_token, until: Date.now() + parsed.data.expires_in * 1000 - TOKEN_MARGIN_MS };
    return token.value;
  }

  async function accessToken(renew = false): Promise<string> {
    if (!renew && token && token.until > Date.now()) return token.value;
    tokenRequest ??= fetchToken().finally(() => (tokenRequest = null));
    return tokenRequest;
  }

  function systemHeaders() {
    const version = options.systemVersion ?? '1';
    return { 'Vipps-System-Name': SYSTEM_NAME, 'Vipps-System-Version': version, 'Vipps-System-Plugin-Name': SYSTEM_NAME, 'Vipps-System-Plugin-Version': version };
  }

  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, init: { body?: object; idempotencyKey?: string; expect: number[] }) {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const bearer = await accessToken();
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${bearer}`,
            'Ocp-Apim-Subscription-Key': options.subscriptionKey,
            'Merchant-Serial-Number': options.merchantSerialNumber,
            ...systemHeaders(),
            Accept: 'application/json',
            ...(init.idempotencyKey ? { 'Idempotency-Key': init.idempotencyKey } : {}),
            ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: init.body ? JSON.stringify(init.body) : undefined,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        // No answer: the request may or may not have arrived; the same Idempotency-Key makes a retry safe.
        if (attempt < RETRIES && (method === 'GET' || init.idempotencyKey)) {
          await pause(attempt);
          continue;
        }
        throw new VippsApiError(0, null, `Vipps ${method} ${path} got no answer: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (init.expect.includes(response.status)) return text ? safeJson(text) : null;
      if (response.status === 401 && !renewed) {
        renewed = true;
        await accessToken(true);
        continue;
      }
      if ((response.status === 423 || response.status === 429 || response.status >= 500) && attempt < RETRIES && (method === 'GET' || init.idempotencyKey)) {
        await pause(attempt);
        continue;
      }
      const problem = safeJson(text) as VippsApiError['problem'];
      const what = problem && typeof problem === 'object' ? [problem.title, problem.detail].filter(Boolean).join(': ') : text.slice(0, 200);
      throw new VippsApiError(response.status, problem && typeof problem === 'object' ? problem : null, `Vipps ${method} ${path} answered HTTP ${response.status}: ${what}`);
    }
  }

  function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new VippsApiError(200, null, `Vipps ${what} answer does not have the documented shape.`);
    return parsed.data;
  }

  function record(payment: z.output<typeof paymentSchema>): VippsPaymentRecord {
    const a = payment.aggregate;
    return {
      state: payment.state,
      aggregate: { authorized: a.authorizedAmount.value, cancelled: a.cancelledAmount.value, captured: a.capturedAmount.value, refunded: a.refundedAmount.value },
      evidence: {
        sessionId: payment.reference,
        paymentId: payment.pspReference,
        amount: payment.amount.value,
        currency: payment.amount.currency,
        merchantId: null,
        livemode: options.livemode,
      },
    };
  }

  const paymentPath = (reference: string) => `/epayment/v1/payments/${encodeURIComponent(reference)}`;

  async function adjust(reference: string, action: 'capture' | 'refund' | 'cancel', idempotencyKey: string, body?: object) {
    const answer = await call('POST', `${paymentPath(reference)}/${action}`, { body, idempotencyKey, expect: [200] });
    return record(parseOr(paymentSchema, answer, action));
  }

  async function paymentEvents(reference: string): Promise<VippsPaymentEvent[]> {
    const answer = await call('GET', `${paymentPath(reference)}/events`, { expect: [200] });
    return parseOr(z.array(eventSchema), answer, 'payment events').map((e) => ({
      name: e.name,
      amount: e.amount.value,
      currency: e.amount.currency,
      timestamp: e.timestamp,
      idempotencyKey: e.idempotencyKey ?? null,
      success: e.success,
      pspReference: e.pspReference,
    }));
  }

  const provider = {
    name: 'vipps' as const,
    capabilities: { partialRefunds: true, needsPin: false, currencies: VIPPS_CURRENCIES, maxAmount: 65_000_000 } as VippsCapabilities,

    async createPayment(request: VippsStartRequest): Promise<VippsStarted> {
      if (request.userFlow === 'PUSH_MESSAGE' && !request.phone) throw new DomainError('invalid_request', 'A Vipps push message needs the payer’s phone number.');
      const description = request.description.trim().slice(0, 100);
      const answer = await call('POST', '/epayment/v1/payments', {
        idempotencyKey: request.idempotencyKey,
        expect: [201],
        body: {
          amount: { currency: request.currency, value: request.amount },
          paymentMethod: { type: 'WALLET' },
          reference: request.reference,
          userFlow: request.userFlow,
          returnUrl: request.returnUrl,
          ...(request.userFlow === 'PUSH_MESSAGE' && request.phone ? { customer: { phoneNumber: toMsisdn(request.phone) } } : {}),
          ...(description.length >= 3 ? { paymentDescription: description } : {}),
          ...(request.metadata ? { metadata: request.metadata } : {}),
        },
      });
      const created = parseOr(createdSchema, answer, 'create payment');
      if (request.userFlow === 'WEB_REDIRECT' && !created.redirectUrl) throw new VippsApiError(201, null, 'Vipps create payment answered no redirectUrl for WEB_REDIRECT.');
      return { reference: created.reference, redirectUrl: created.redirectUrl ?? null };
    },

    async getPayment(reference: string) {
      return record(parseOr(paymentSchema, await call('GET', paymentPath(reference), { expect: [200] }), 'get payment'));
    },

    paymentEvents,

    capture: (reference: string, amount: number, currency: VippsCurrency, idempotencyKey: string) => adjust(reference, 'capture', idempotencyKey, { modificationAmount: { currency, value: amount } }),

    refund: (reference: string, amount: number, currency: VippsCurrency, idempotencyKey: string) => adjust(reference, 'refund', idempotencyKey, { modificationAmount: { currency, value: amount } }),

    cancel: (reference: string, idempotencyKey: string) => adjust(reference, 'cancel', idempotencyKey),

    async findAdjustment(reference: string, name: 'CAPTURED' | 'REFUNDED' | 'CANCELLED', idempotencyKey: string) {
      const events = await paymentEvents(reference);
      return events.find((e) => e.name === name && e.idempotencyKey === idempotencyKey && e.success) ?? null;
    },

    parseWebhook(delivery: VippsWebhookDelivery): VippsNotification {
      verifyVippsWebhook(delivery, options.webhookSecret ?? '', options.now?.() ?? new Date());
      return parseVippsNotification(delivery.rawBody, options.merchantSerialNumber, options.livemode);
    },

    /** Registers `url` for `events` (Webhooks API); keep the answered `secret`: deliveries are signed with it. */
    async registerWebhook(url: string, events: string[] = VIPPS_WEBHOOK_EVENTS) {
      return parseOr(registeredSchema, await call('POST', '/webhooks/v1/webhooks', { body: { url, events }, expect: [201] }), 'register webhook');
    },

    async listWebhooks() {
      const answer = await call('GET', '/webhooks/v1/webhooks', { expect: [200] });
      return parseOr(z.object({ webhooks: z.array(z.object({ id: z.string(), url: z.string(), events: z.array(z.string()) })) }), answer, 'list webhooks').webhooks;
    },

    async deleteWebhook(id: string) {
      await call('DELETE', `/webhooks/v1/webhooks/${encodeURIComponent(id)}`, { expect: [204] });
    },
  };
  return provider satisfies VippsPayment;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * (attempt + 1)));
