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

/**
 * What is wrong with one field, for programs and translations (pages translate by `code` and
 * fill in the parameters; `message` stays English). Listed in the OpenAPI document.
 */
export const FIELD_ERROR_CODES = [
  'required',
  'invalid_type',
  'too_small',
  'too_big',
  'invalid_format',
  'invalid_value',
  'unknown_field',
  'unknown_column',
  'not_applicable',
  'invalid_phone',
  'invalid_currency',
  'requires_nok',
  'invalid_url',
  'invalid_date',
  'invalid_json',
  'invalid_unicode',
  'invalid_content_type',
  'missing_placeholder',
  'duplicate',
  'too_soon',
  'too_late',
  'not_found',
  'not_offered',
  'unavailable',
  'wrong_pin',
  'not_test_card',
  'full_refund_only',
  'self_removal',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export interface FieldError {
  field: string;
  code: FieldErrorCode;
  message: string;
  /** The limits a translation needs: counts, lengths or amounts, in `unit` when it is not the value itself. */
  minimum?: number;
  maximum?: number;
  /** `false` when the limit itself is not allowed ("greater than 0"). */
  inclusive?: false;
  unit?: 'characters' | 'items' | 'keys' | 'bytes' | 'rows' | 'segments' | 'minutes' | 'days';
  /** `invalid_type`: the JSON type wanted (string, number, int, boolean, object, array). */
  expected?: string;
  /** `invalid_value`, `not_offered`, `unavailable`: the values allowed, or the ones refused. */
  values?: string[];
  /** `duplicate`, `too_late`: the row or field this one clashes with. */
  row?: number;
  other?: string;
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
