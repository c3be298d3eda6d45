import { ApiError, newIdempotencyKey, noteServerAnswer, retryAfterOf, type Problem } from '../core/api';
import { firebase } from './firebase';
import { dashboardMode } from './mode';
import { fieldErrorText } from './explain';

export { ApiError };

/**
 * Same-origin call to `/api/v1` as the signed-in dashboard user (`Authorization: Bearer <ID
 * token>`). Resolves with the JSON body on 2xx; throws `ApiError` carrying the problem+json.
 * POSTs get a fresh `Idempotency-Key` unless one is given (so a retry can reuse it). `rawBody`
 * sends text as is (a CSV import) instead of JSON. `X-Mode` is the dashboard's Test mode switch.
 */
export async function merchantApi<T>(path: string, init: { method?: string; body?: unknown; idempotencyKey?: string | null; rawBody?: { text: string; contentType: string } } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined && init.rawBody === undefined ? 'GET' : 'POST');
  const user = firebase().auth.currentUser;
  if (!user) throw new ApiError(401, { code: 'unauthorized', detail: 'Sign in again.' });
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    Authorization: `Bearer ${await user.getIdToken()}`,
    'X-Mode': dashboardMode.value,
  };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.rawBody !== undefined) headers['Content-Type'] = init.rawBody.contentType;
  if (method === 'POST' && init.idempotencyKey !== null) headers['Idempotency-Key'] = init.idempotencyKey ?? newIdempotencyKey();
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: init.rawBody !== undefined ? init.rawBody.text : init.body !== undefined ? JSON.stringify(init.body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null, 'network');
  }
  // Any answer means the network works: the offline banner goes, whatever navigator.onLine says.
  noteServerAnswer();
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body && typeof body === 'object' ? (body as Problem) : null, undefined, retryAfterOf(response));
  return body as T;
}

/** A 404 for the route itself (endpoint not deployed yet), as opposed to a missing resource. */
export function isMissingEndpoint(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 404) return false;
  const detail = error.problem?.detail ?? '';
  return !error.problem || /^No API route/i.test(detail);
}

/** `errors: [{ field, code, message }]` of a validation problem as a map, in the dashboard's language. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const e of error.problem?.errors ?? []) out[e.field] = fieldErrorText(e);
  return out;
}
