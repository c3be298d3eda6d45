import { API } from './env';

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
  options: { key?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {},
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
  const response = await fetch(`${API}${path}`, { method, headers, body });
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
