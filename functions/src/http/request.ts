import { DomainError, type FieldError } from '../domain/errors';

export interface ApiRequest {
  method: string;
  /** Path below the API base, e.g. `/invoices/inv_…`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** 1 MB for one request; imports of up to 10,000 rows take more (see `IMPORT_MAX_BYTES`). */
const MAX_BODY_BYTES = 1_000_000;
export const IMPORT_MAX_BYTES = 20_000_000;

const LONE_SURROGATE = /[\ud800-\udfff]/u;
const MAX_NAMED_FIELDS = 20;

/**
 * Dotted paths of the strings (values or keys) in a parsed body that hold a lone UTF-16
 * surrogate. `JSON.parse` accepts `"\ud800"`, but such a string cannot be encoded as UTF-8:
 * Firestore's client would send bytes the backend refuses, and retries until the deadline.
 */
export function malformedUnicodeFields(value: unknown, path = ''): FieldError[] {
  const found: FieldError[] = [];
  const walk = (node: unknown, at: string) => {
    if (found.length >= MAX_NAMED_FIELDS) return;
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) found.push({ field: at || '(body)', code: 'invalid_unicode', message: 'Not well-formed Unicode: a lone UTF-16 surrogate.' });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      if (LONE_SURROGATE.test(key)) {
        found.push({ field: at || '(body)', code: 'invalid_unicode', message: 'A key is not well-formed Unicode: a lone UTF-16 surrogate.' });
        continue;
      }
      walk(child, at ? `${at}.${key}` : key);
    }
  };
  walk(value, path);
  return found;
}

/** Parses a JSON object body from the raw bytes, whatever content type the client claimed. */
export function jsonBody(request: ApiRequest, maxBytes = MAX_BODY_BYTES): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (request.rawBody.length > maxBytes) {
    throw new DomainError('payload_too_large', `The request body is larger than ${Math.round(maxBytes / 1_000_000)} MB.`, {
      errors: [{ field: '(body)', code: 'too_big', maximum: maxBytes, unit: 'bytes', message: `At most ${Math.round(maxBytes / 1_000_000)} MB.` }],
    });
  }
  if (request.rawBody.length === 0) {
    throw new DomainError('invalid_request', 'The request body is empty; send a JSON object.', {
      errors: [{ field: '(body)', code: 'required', message: 'Required.' }],
    });
  }
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new DomainError('invalid_request', `Send the body as application/json, not ${type}.`, {
      errors: [{ field: '(body)', code: 'invalid_content_type', message: 'Content-Type must be application/json.' }],
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    throw new DomainError('invalid_request', `The body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ field: '(body)', code: 'invalid_json', message: 'Not valid JSON.' }],
    });
  }
  const malformed = malformedUnicodeFields(parsed);
  if (malformed.length > 0) {
    throw new DomainError('invalid_request', `The body is not well-formed Unicode: ${malformed.map((e) => e.field).join(', ')}.`, { errors: malformed });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DomainError('invalid_request', 'The body must be a JSON object.', {
      errors: [{ field: '(body)', code: 'invalid_type', expected: 'object', message: 'Must be a JSON object.' }],
    });
  }
  return parsed;
}
