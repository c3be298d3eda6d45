import type { FieldError } from '../../../functions/src/domain/errors';

export type { FieldError };

/** A problem+json body (RFC 9457) as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** Any failed call: `status` 0 means the network failed (offline, DNS, CORS...). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  /** A 429's `Retry-After` in seconds, when it gave one. */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem | null, message?: string, retryAfter: number | null = null) {
    super(message ?? problem?.detail ?? problem?.title ?? `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get code(): string | undefined {
    return this.problem?.code;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Resolves with the parsed body of a 2xx answer, throws `ApiError` otherwise (status 0: no answer). */
export async function readResponse<T>(pending: Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    reachable(false);
    throw new ApiError(0, null, 'network');
  }
  if (fromServer(response)) reachable(true);
  const body = await readBody(response);
  if (!response.ok) {
    const problem = body && typeof body === 'object' ? (body as Problem) : null;
    throw new ApiError(response.status, problem, undefined, retryAfterOf(response));
  }
  return body as T;
}

/** `Retry-After` in seconds (the API sends seconds, never a date). */
export function retryAfterOf(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after') ?? NaN);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/**
 * An answer from the server now, not one the service worker kept (payer views are cached for
 * offline receipts): the API answers `no-store`, so a fresh answer's Date is about now.
 */
function fromServer(response: Response): boolean {
  const date = Date.parse(response.headers.get('date') ?? '');
  return Number.isNaN(date) || Math.abs(Date.now() - date) < 120_000;
}

const reachabilityListeners = new Set<(reached: boolean) => void>();
/**
 * Calls `listener(true)` whenever the server answers (any status: the network works) and
 * `listener(false)` when a request gets no answer at all.
 */
export function onReachability(listener: (reached: boolean) => void): () => void {
  reachabilityListeners.add(listener);
  return () => reachabilityListeners.delete(listener);
}
function reachable(reached: boolean): void {
  for (const listener of reachabilityListeners) listener(reached);
}

/** Evidence from elsewhere that the server answered (the dashboard's Firestore listeners, fresh from the server). */
export function noteServerAnswer(): void {
  reachable(true);
}

/** Same-origin JSON call. Resolves with the parsed body on 2xx, throws `ApiError` otherwise. */
export function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  return readResponse<T>(
    fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: init.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    }),
  );
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
