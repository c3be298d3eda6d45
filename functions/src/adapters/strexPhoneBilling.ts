import { logger } from 'firebase-functions';
import { z } from 'zod';
import { formatMoney, toMajor } from '../domain/money';
import { parseOrThrow } from '../domain/schemas';
import { isOperatorId } from '../domain/billing';
import { PHONE_FAILURE_MESSAGES, phoneChargeFailed, type PhoneBilling, type PhoneChargeRequest, type PhoneChargeResult, type PhoneFailureCode } from './phoneBilling';

export interface StrexOptions {
  /** `https://test.target365.io` or `https://shared.target365.io`. */
  baseUrl: string;
  apiKey: string;
  /** The deployment's Strex merchant and service code, for a charge that names none of its own (test mode). */
  merchantId: string;
  shortNumber: string;
  serviceCode: string;
  fetch?: typeof fetch;
}

/** An answer from Strex that is neither a documented outcome nor retry-proof; the caller retries or gives up. */
export class StrexApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'StrexApiError';
  }
}

// A transaction look-up can wait ~20 s at Strex for the async charge to finish.
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The REST guide documents no length for `InvoiceText` (the line on the phone bill); we cap it at
 * our own description limit so an over-long text is cut here rather than rejected there.
 */
const INVOICE_TEXT_MAX_LENGTH = 200;

const FAILURE_BY_DETAILED_STATUS = new Map<string, PhoneFailureCode>([
  ['InsufficientFunds', 'insufficient_funds'],
  ['SubscriberBarred', 'subscriber_barred'],
  ['OneTimePasswordExpired', 'pin_expired'],
  ['OneTimePasswordFailed', 'pin_invalid'],
  ['MaxPinRetry', 'too_many_attempts'],
  ['SubscriberLimitExceeded', 'limit_exceeded'],
  ['DuplicateTransaction', 'duplicate'],
  ['SubscriberTooYoung', 'too_young'],
]);

/** Maps Strex's `statusCode` / `detailedStatusCode` (from a look-up or a DLR) to our charge result. */
export function strexChargeResult(statusCode: string, detailedStatusCode: string | null): PhoneChargeResult {
  if (statusCode === 'Ok') return { status: 'succeeded' };
  if (statusCode === 'Queued' || statusCode === 'Sent') return { status: 'processing' };
  const failureCode = statusCode === 'Failed' ? FAILURE_BY_DETAILED_STATUS.get(detailedStatusCode ?? '') : undefined;
  if (failureCode) return phoneChargeFailed(failureCode);
  return {
    status: 'failed',
    failureCode: 'provider_error',
    failureMessage: `${PHONE_FAILURE_MESSAGES.provider_error} (Strex: ${statusCode}/${detailedStatusCode ?? 'None'})`,
  };
}

/** The guide shows camelCase JSON from Strex; PascalCase (as in its requests) is accepted too. */
function lowerFirstKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [key.charAt(0).toLowerCase() + key.slice(1), value]));
}

const strexStatusSchema = z.preprocess(
  lowerFirstKeys,
  z.object({
    transactionId: z.string().min(1),
    statusCode: z.string().min(1),
    detailedStatusCode: z.string().nullish(),
    /** Delivery reports name the payer's operator ("Can be 'no.telenor', 'no.telia', 'no.ice' etc."). */
    operatorId: z.unknown().optional(),
  }),
);

export interface StrexDeliveryReport {
  /** As Strex sent it: a reversal's id is the original's prefixed with `-`. */
  transactionId: string;
  statusCode: string;
  detailedStatusCode: string | null;
  /** The payer's mobile operator (`no.telenor`), when the report names one in the documented form. */
  operatorId: string | null;
  reversal: boolean;
}

/** Validates a DLR forward (`POST /webhooks/strex/dlr`); invalid input throws `invalid_request`. */
export function parseStrexDlr(body: unknown): StrexDeliveryReport {
  const report = parseOrThrow(strexStatusSchema, body, 'Strex delivery report');
  return {
    transactionId: report.transactionId,
    statusCode: report.statusCode,
    detailedStatusCode: report.detailedStatusCode ?? null,
    // A malformed operator never costs the report (Strex retries a refused one for hours): it is dropped.
    operatorId: isOperatorId(report.operatorId) ? report.operatorId : null,
    reversal: report.transactionId.startsWith('-'),
  };
}

/**
 * `PHONE_BILLING_PROVIDER=strex`: Strex through Target365's REST API (`X-ApiKey` auth, PascalCase
 * JSON). Strex sends the PIN SMS itself; the payer's PIN goes along with the charge.
 */
export function strexPhoneBilling(options: StrexOptions): PhoneBilling {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;

  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object) {
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: {
        'X-ApiKey': options.apiKey,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  }

  function unexpected(what: string, answer: { status: number; text: string }): StrexApiError {
    return new StrexApiError(answer.status, `Strex ${what} answered HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
  }

  const transactionPath = (req: PhoneChargeRequest) => `/api/strex/transactions/${encodeURIComponent(req.providerTransactionId)}`;

  async function lookUp(req: PhoneChargeRequest): Promise<PhoneChargeResult> {
    const answer = await call('GET', transactionPath(req));
    if (answer.status !== 200) throw unexpected('transaction look-up', answer);
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw unexpected('transaction look-up', answer);
    }
    const parsed = strexStatusSchema.safeParse(json);
    if (!parsed.success) throw unexpected('transaction look-up', answer);
    return strexChargeResult(parsed.data.statusCode, parsed.data.detailedStatusCode ?? null);
  }

  return {
    name: 'strex',
    sendsOwnPin: true,

    async start(req) {
      const answer = await call('POST', '/api/strex/one-time-passwords', {
        TransactionId: req.providerTransactionId,
        MerchantId: req.strex?.merchantId ?? options.merchantId,
        Recipient: req.phone,
        // Spec: the PIN SMS names the merchant and the amount.
        MessagePrefix: `${req.merchantName}: ${formatMoney(req.amount, req.currency, 'nb')} –`,
        Recurring: false,
      });
      if (answer.status !== 201) throw unexpected('one-time password', answer);
    },

    async confirm(req, pin) {
      const answer = await call('POST', '/api/strex/transactions', {
        TransactionId: req.providerTransactionId,
        ShortNumber: options.shortNumber,
        Recipient: req.phone,
        MerchantId: req.strex?.merchantId ?? options.merchantId,
        Price: toMajor(req.amount, req.currency),
        ServiceCode: req.strex?.serviceCode ?? options.serviceCode,
        InvoiceText: req.description.slice(0, INVOICE_TEXT_MAX_LENGTH),
        OneTimePassword: pin,
      });
      if (answer.status !== 201) throw unexpected('transaction', answer);
      // Strex accepted the charge; if the look-up fails now, the money may still move, so we
      // report `processing` and let the DLR or reconciliation settle it rather than invite a retry.
      try {
        return await lookUp(req);
      } catch (error) {
        logger.warn('Strex look-up after an accepted charge failed; leaving it processing', {
          transactionId: req.transactionId,
          error: (error as Error).message,
        });
        return { status: 'processing' };
      }
    },

    status: lookUp,

    async reverse(req) {
      const answer = await call('DELETE', transactionPath(req));
      if (answer.status === 200 || answer.status === 201 || answer.status === 204) return { reversed: true };
      if (answer.status === 409) return { reversed: false };
      throw unexpected('reversal', answer);
    },
  };
}
