import { vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { routes } from '../router';
import { resetSingletons } from '../stores/singleton';

export interface MockReply {
  status?: number;
  body?: unknown;
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
      calls.push({ url, method, body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined });
      for (const handler of handlers) {
        const reply = handler(url, init);
        if (reply) {
          const status = reply.status ?? 200;
          return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
            status,
            headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
          });
        }
      }
      return new Response(JSON.stringify({ status: 404, code: 'not_found', detail: 'No mock' }), { status: 404 });
    }),
  );
  return calls;
}

export const on =
  (method: string, path: string, reply: MockReply | (() => MockReply)): MockRoute =>
  (url, init) =>
    (init?.method ?? 'GET') === method && url === path ? (typeof reply === 'function' ? reply() : reply) : undefined;

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

/** A `GET /api/v1/pay/{token}` body; overrides go to the invoice unless they are top-level fields. */
export function payView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const top = Object.fromEntries(Object.entries(overrides).filter(([key]) => TOP_LEVEL.has(key)));
  const invoice = Object.fromEntries(Object.entries(overrides).filter(([key]) => !TOP_LEVEL.has(key)));
  return {
    invoice: {
      id: 'inv_1',
      status: 'opened',
      amount: 125000,
      currency: 'NOK',
      description: 'Invoice 1042: garden furniture',
      reference: 'INV-1042',
      phoneMasked: '+47 ••• •• 123',
      locale: 'en',
      paymentMethods: ['card', 'phone'],
      expiresAt: '2026-12-02T12:00:00Z',
      paidAt: null,
      ...invoice,
    },
    merchant: { name: 'Demo Shop', logoUrl: null, accentColor: '#0f766e' },
    transaction: null,
    returnUrl: null,
    cancelUrl: null,
    sandbox: { card: true, phone: true },
    ...top,
  };
}
