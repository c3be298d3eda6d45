import { request as httpRequest } from 'node:http';
import { API, BASE_URL, PROJECT_ID } from './env';

export interface ApiCall {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  contentType: string;
}

/** Calls the API through Hosting, exactly as an integrator would. */
export async function api(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string>; redirect?: RequestRedirect } = {},
): Promise<ApiCall> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    if (options.contentType) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${API}${path}`, { method, headers, body, redirect: options.redirect ?? 'follow' });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, contentType };
}

export const validInvoice = (overrides: Record<string, unknown> = {}) => ({
  amount: 12900,
  currency: 'NOK',
  description: 'Pizza Margherita',
  payer: { phone: '+4791234567' },
  ...overrides,
});

export const tokenOf = (payUrl: string) => payUrl.split('/pay/')[1]!;

/**
 * A Norwegian mobile number no other test uses: PIN SMS are limited per phone number across the
 * whole emulator run. Never ends in 0002/0003, the sandbox's decline numbers.
 */
export const freshPhone = () => `+479${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}${1 + Math.floor(Math.random() * 9)}`;

/**
 * Sends the path exactly as given (fetch would resolve `.` and `..` segments first). `direct`
 * skips Hosting and calls the api function itself: the Hosting emulator's static-file lookup
 * answers 500 to invalid percent-encoding before any rewrite, so only the function's own
 * handling of such a path can be tested through it.
 */
export function rawApi(method: string, path: string, options: { body?: string; headers?: Record<string, string>; direct?: boolean } = {}): Promise<ApiCall> {
  const base = new URL(options.direct ? `http://127.0.0.1:5001/${PROJECT_ID}/europe-west1/api` : BASE_URL);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: `${base.pathname.replace(/\/$/, '')}/api/v1${path}`,
        headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON; keep the text
          }
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers, body, contentType: response.headers['content-type'] ?? '' });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * The functions emulator runs one request at a time per worker process, and every request that
 * finds no idle worker starts a new one: a cold start that loads the whole functions bundle
 * (seconds, and far longer on a loaded machine). A test that sends `n` requests at once, to test
 * how the product handles them concurrently, first makes `n` workers of the API idle with `n`
 * cheap concurrent requests, so that what it times is the product, not `n` cold starts.
 */
export async function warmApiWorkers(n: number): Promise<void> {
  const answers = await Promise.all(Array.from({ length: n }, () => api('GET', '/health')));
  const failed = answers.filter((a) => a.status !== 200);
  if (failed.length) throw new Error(`Warming ${n} API workers: ${failed.length} answered ${failed.map((a) => a.status).join(', ')}`);
}
