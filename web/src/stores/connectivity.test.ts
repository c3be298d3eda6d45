import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import App from '../App.vue';
import { useConnectivityStore } from './connectivity';
import { resetSingletons } from './singleton';
import { apiFetch } from '../core/api';
import { mockFetch, on, setup } from '../testing/harness';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function offlineByNavigator(): void {
  vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
}

describe('the offline banner', () => {
  it('is cleared by a request the server answers, even while navigator.onLine says offline', async () => {
    offlineByNavigator();
    const { router, pinia } = await setup('/');
    const wrapper = mount(App, { global: { plugins: [pinia, router] } });
    await flushPromises();
    expect(wrapper.find('.banner-offline').exists()).toBe(true);

    const calls = mockFetch(on('GET', '/api/v1/health', { body: { status: 'ok' } }));
    await apiFetch('/api/v1/health');
    await flushPromises();
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([['GET', '/api/v1/health', undefined]]);
    expect(wrapper.find('.banner-offline').exists()).toBe(false);
  });

  it('counts an error answer as online too, and a request with no answer as offline', async () => {
    resetSingletons();
    const store = useConnectivityStore();
    expect(store.online).toBe(true);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(apiFetch('/api/v1/pay/tok', { method: 'POST', body: { method: 'card' } })).rejects.toMatchObject({ status: 0 });
    expect(store.online).toBe(false);

    const calls = mockFetch(on('POST', '/api/v1/pay/tok/transactions', { status: 409, body: { code: 'invalid_state' } }));
    await expect(apiFetch('/api/v1/pay/tok/transactions', { method: 'POST', body: { method: 'card' } })).rejects.toMatchObject({ status: 409 });
    expect(calls.map((c) => c.body)).toEqual([{ method: 'card' }]);
    expect(store.online).toBe(true);
  });

  it('does not take an answer the service worker kept (an old Date) as proof of a network', async () => {
    offlineByNavigator();
    resetSingletons();
    const store = useConnectivityStore();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{}', { status: 200, headers: { Date: new Date(Date.now() - 3_600_000).toUTCString() } })),
    );
    await apiFetch('/api/v1/pay/tok');
    expect(store.online).toBe(false);
  });
});
