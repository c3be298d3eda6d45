import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { setLocale } from '../i18n';
import { mockFetch } from '../testing/harness';

const operatorUser = { email: 'op@example.com', getIdToken: async () => 'id-token' };
vi.mock('firebase/auth', () => ({
  onAuthStateChanged: (_auth: unknown, callback: (user: unknown) => void) => (callback(operatorUser), () => undefined),
  getIdTokenResult: async () => ({ claims: { operator: true } }),
  signInWithEmailAndPassword: vi.fn(),
  signOut: vi.fn(),
}));
vi.mock('../merchant/firebase', () => ({ firebase: () => ({ auth: {} }) }));

import OperatorView from './OperatorView.vue';

const shop = { id: 'mer_1', object: 'merchant', name: 'Shop', status: 'active', liveActivated: true, strex: null, volume: [] };

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
});

describe('the operator console’s Strex form', () => {
  it('sends the Strex merchant id and service code, and shows the field errors the API names (en + nb)', async () => {
    setLocale('nb');
    let saved: unknown = null;
    const calls = mockFetch((url, init) => {
      if (url.endsWith('/operator/merchants'))
        return { body: { object: 'list', data: [saved ? { ...shop, strex: { ...(saved as object), updatedAt: '2026-12-02T15:00:00.000Z' } } : shop], hasMore: false } };
      if (url.endsWith('/operator/log')) return { body: { object: 'list', data: [], hasMore: false } };
      if (url.endsWith('/operator/merchants/mer_1/strex')) {
        const body = JSON.parse(String(init?.body)) as { merchantId: string; serviceCode: string };
        if (!/^\d+$/.test(body.serviceCode)) {
          return {
            status: 400,
            body: { status: 400, code: 'invalid_request', detail: 'Invalid request body.', errors: [{ field: 'serviceCode', code: 'invalid_format', message: 'Digits only, e.g. 14002.' }] },
          };
        }
        saved = body;
        return { body: { ...shop, strex: { ...body, updatedAt: '2026-12-02T15:00:00.000Z' }, changed: true } };
      }
      return undefined;
    });
    const wrapper = mount(OperatorView, { attachTo: document.body });
    await flushPromises();
    const form = wrapper.get('form[aria-label="Strex-kontoen til Shop"]');
    expect(form.text()).toContain('Ikke satt: ingen live-betaling med mobil.');

    await wrapper.get('#strex-merchant-mer_1').setValue('shop-42');
    await wrapper.get('#strex-service-mer_1').setValue('14 002');
    await form.trigger('submit');
    await flushPromises();
    expect(wrapper.get('#strex-service-mer_1').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#strex-service-mer_1-error').text()).not.toBe('');
    expect(wrapper.find('#strex-merchant-mer_1-error').exists()).toBe(false);

    await wrapper.get('#strex-service-mer_1').setValue('14002');
    await wrapper.get('form[aria-label="Strex-kontoen til Shop"]').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.url.endsWith('/strex')).map((c) => c.body)).toEqual([
      { merchantId: 'shop-42', serviceCode: '14 002' },
      { merchantId: 'shop-42', serviceCode: '14002' },
    ]);
    expect(wrapper.find('#strex-service-mer_1-error').exists()).toBe(false);
    expect(wrapper.get('form[aria-label="Strex-kontoen til Shop"]').text()).toContain('Satt: live-betaling med mobil kan tilbys.');
    wrapper.unmount();
  });
});
