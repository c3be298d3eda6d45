import { DomainError } from '../domain/errors';

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

/** Parses a JSON object body from the raw bytes, whatever content type the client claimed. */
export function jsonBody(request: ApiRequest, maxBytes = MAX_BODY_BYTES): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (request.rawBody.length > maxBytes) {
    throw new DomainError('invalid_request', `The request body is larger than ${Math.round(maxBytes / 1_000_000)} MB.`);
  }
  if (request.rawBody.length === 0) {
    throw new DomainError('invalid_request', 'The request body is empty; send a JSON object.', {
      errors: [{ field: '(body)', message: 'Required.' }],
    });
  }
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new DomainError('invalid_request', `Send the body as application/json, not ${type}.`, {
      errors: [{ field: '(body)', message: 'Content-Type must be application/json.' }],
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    throw new DomainError('invalid_request', `The body is not valid JSON: ${(error as Error).message}`, {
      errors: [{ field: '(body)', message: 'Not valid JSON.' }],
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DomainError('invalid_request', 'The body must be a JSON object.', {
      errors: [{ field: '(body)', message: 'Must be a JSON object.' }],
    });
  }
  return parsed;
}
