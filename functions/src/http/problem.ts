import { DomainError, type DomainErrorCode, type FieldError } from '../domain/errors';

const STATUS: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  card_declined: 402,
  payment_declined: 402,
  forbidden: 403,
  live_mode_unavailable: 403,
  merchant_suspended: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  invalid_state: 409,
  idempotency_conflict: 409,
  rate_limited: 429,
  provider_error: 502,
};

const TITLE: Record<DomainErrorCode, string> = {
  invalid_request: 'Invalid request',
  unauthorized: 'Unauthorized',
  card_declined: 'Card declined',
  payment_declined: 'Payment declined',
  forbidden: 'Forbidden',
  live_mode_unavailable: 'Live mode unavailable',
  merchant_suspended: 'Merchant suspended',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  payload_too_large: 'Payload too large',
  invalid_state: 'Invalid state',
  idempotency_conflict: 'Idempotency conflict',
  rate_limited: 'Too many requests',
  provider_error: 'Payment or SMS provider error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: DomainErrorCode | 'internal_error';
  errors?: FieldError[];
  [extra: string]: unknown;
}

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

/** The one place that maps domain error codes to HTTP (RFC 9457 problem details). */
export function toProblem(error: unknown): ProblemResponse {
  if (error instanceof DomainError) {
    const status = STATUS[error.code];
    const headers: Record<string, string> = {};
    if (error.options.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(error.options.retryAfterSeconds)));
    }
    if (error.options.allowedMethods) headers.Allow = error.options.allowedMethods.join(', ');
    // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="smspay"';
    return {
      status,
      headers,
      body: {
        ...error.options.extra,
        type: `https://docs.smspay.dev/errors/${error.code}`,
        title: TITLE[error.code],
        status,
        detail: error.message,
        code: error.code,
        ...(error.options.errors ? { errors: error.options.errors } : {}),
      },
    };
  }
  return {
    status: 500,
    headers: {},
    body: {
      type: 'https://docs.smspay.dev/errors/internal_error',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side. It has been logged.',
      code: 'internal_error',
    },
  };
}
