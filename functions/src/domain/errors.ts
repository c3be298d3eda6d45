export type DomainErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'merchant_suspended'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'invalid_state'
  | 'idempotency_conflict'
  | 'rate_limited'
  | 'provider_error'
  | 'card_declined'
  | 'payment_declined'
  | 'live_mode_unavailable';

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type domain code throws; `http/problem.ts` maps `code` to a status. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly options: { errors?: FieldError[]; retryAfterSeconds?: number; allowedMethods?: string[]; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found.`);
