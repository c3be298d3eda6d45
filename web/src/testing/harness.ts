import { vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { routes } from '../router';
import { resetSingletons } from '../stores/singleton';

import type { ApiPayView, ApiTransaction } from './fixtures';

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export type MockRoute = (url: string, init: RequestInit | undefined) => MockReply | undefined;

export interface FetchCall {
  url: string;
  method: string;
  body: unknown;
}

/** Replaces global fetch with a table of handlers; returns the calls made. */
export function mockFetch(...handlers: MockRoute[]): FetchCall[] {
  const calls: FetchCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      calls.push({ url, method, body: parsedBody(init) });
      for (const handler of handlers) {
        const reply = handler(url, init);
        if (reply) {
          const status = reply.status ?? 200;
          return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
            status,
            headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...reply.headers },
          });
        }
      }
      return new Response(JSON.stringify({ status: 404, code: 'not_found', detail: 'No mock' }), { status: 404 });
    }),
  );
  return calls;
}

const parsedBody = (init: RequestInit | undefined): unknown => (typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined);

/** Deep equality of two JSON values (key order aside). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * One route of the mocked server. With `expect.body`, the route answers only a request whose
 * JSON body is exactly that: any other body gets a 400 problem, as the real API's strict schemas
 * would, so a page that sends the wrong request cannot pass for one that sends the right one.
 */
export const on =
  <B = unknown>(method: string, path: string, reply: MockReply | ((body: B) => MockReply), expect?: { body: B }): MockRoute =>
  (url, init) => {
    if ((init?.method ?? 'GET') !== method || url !== path) return undefined;
    const body = parsedBody(init) as B;
    if (expect && !sameJson(body, expect.body)) {
      return { status: 400, body: { status: 400, code: 'invalid_request', detail: `mock: ${method} ${path} expected ${JSON.stringify(expect.body)}, got ${JSON.stringify(body)}` } };
    }
    return typeof reply === 'function' ? reply(body) : reply;
  };

export async function setup(path: string): Promise<{ router: Router; pinia: ReturnType<typeof createPinia> }> {
  resetSingletons();
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(path);
  await router.isReady();
  return { router, pinia };
}

const TOP_LEVEL = new Set(['merchant', 'transaction', 'returnUrl', 'cancelUrl', 'sandbox']);

/** Overrides of a pay view: invoice fields at the top, beside the view's own top-level fields. */
export type PayViewOverrides = Partial<ApiPayView['invoice']> & Partial<Omit<ApiPayView, 'invoice' | 'merchant'>> & { merchant?: Partial<ApiPayView['merchant']> };

/** A `GET /api/v1/pay/{token}` body, typed as the server's viewPayment answers; overrides go to the invoice unless they are top-level fields. */
export function payView(overrides: PayViewOverrides = {}): ApiPayView {
  const top = Object.fromEntries(Object.entries(overrides).filter(([key]) => TOP_LEVEL.has(key) && key !== 'merchant')) as Partial<ApiPayView>;
  const invoice = Object.fromEntries(Object.entries(overrides).filter(([key]) => !TOP_LEVEL.has(key))) as Partial<ApiPayView['invoice']>;
  return {
    invoice: {
      id: 'inv_1',
      status: 'opened',
      amount: 125000,
      amountRefunded: 0,
      currency: 'NOK',
      description: 'Invoice 1042: garden furniture',
      reference: 'INV-1042',
      phoneMasked: '+47 ••• •• 123',
      paymentMethods: ['card', 'phone'],
      locale: 'en',
      payerLocale: null,
      expiresAt: '2026-12-02T12:00:00Z',
      paidAt: null,
      ...invoice,
    },
    merchant: { name: 'Demo Shop', logoUrl: null, accentColor: '#0f766e', supportEmail: null, supportPhone: null, ...overrides.merchant },
    transaction: null,
    returnUrl: null,
    cancelUrl: null,
    sandbox: { card: true, phone: true },
    ...top,
  };
}

export type { ApiPayView, ApiTransaction };
