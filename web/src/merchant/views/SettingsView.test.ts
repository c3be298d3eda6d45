import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { setLocale } from '../../i18n';

const calls: { path: string; init?: { method?: string; body?: unknown } }[] = [];
let stored: Record<string, unknown> = {};
vi.mock('../api', async () => {
  const { ApiError } = await import('../../core/api');
  const actual = await vi.importActual<typeof import('../api')>('../api');
  return {
    ApiError,
    fieldErrors: actual.fieldErrors,
    merchantApi: vi.fn(async (path: string, init?: { method?: string; body?: { settings?: Record<string, unknown> } }) => {
      calls.push({ path, init });
      if (init?.method === 'PATCH') {
        const next = init.body?.settings ?? {};
        if (next.supportEmail === 'server@refuses.example') {
          throw new ApiError(400, { code: 'invalid_request', errors: [{ field: 'settings.supportEmail', code: 'invalid_format', expected: 'email', message: 'Must be an email address.' }] });
        }
        stored = { ...stored, ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== null)) };
      }
      return { id: 'm1', name: 'Fjord Bakery', mode: 'test', branding: {}, settings: { paymentMethods: ['card'], locale: 'en', ...stored } };
    }),
  };
});

import SettingsView from './SettingsView.vue';

async function mountSettings() {
  const wrapper = mount(SettingsView, { props: { merchantId: 'm1' }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}
const patches = () => calls.filter((c) => c.init?.method === 'PATCH');

beforeEach(() => {
  calls.length = 0;
  stored = { supportEmail: 'help@fjord.example' };
});
afterEach(() => setLocale('en'));

describe('SettingsView: payer support contacts', () => {
  it('shows the stored support email and phone, and saves both (the phone without spaces)', async () => {
    const wrapper = await mountSettings();
    expect((wrapper.get('#set-supportEmail').element as HTMLInputElement).value).toBe('help@fjord.example');
    expect(wrapper.get('label[for="set-supportPhone"]').text()).toBe('Support phone');
    await wrapper.get('#set-supportPhone').setValue('+47 22 33 44 55');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(patches()).toHaveLength(1);
    expect((patches()[0]!.init!.body as { settings: Record<string, unknown> }).settings).toMatchObject({ supportEmail: 'help@fjord.example', supportPhone: '+4722334455' });
    expect(wrapper.text()).toContain('Settings saved.');
    expect((wrapper.get('#set-supportPhone').element as HTMLInputElement).value).toBe('+4722334455');
    wrapper.unmount();
  });

  it('clears a field left empty (null)', async () => {
    const wrapper = await mountSettings();
    await wrapper.get('#set-supportEmail').setValue('');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect((patches()[0]!.init!.body as { settings: Record<string, unknown> }).settings).toMatchObject({ supportEmail: null, supportPhone: null });
    wrapper.unmount();
  });

  it('says what is wrong with each field, in English and Norwegian, and sends nothing', async () => {
    const wrapper = await mountSettings();
    await wrapper.get('#set-supportEmail').setValue('help at fjord');
    await wrapper.get('#set-supportPhone').setValue('22334455');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(patches()).toHaveLength(0);
    expect(wrapper.get('#set-supportEmail').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#set-supportEmail').attributes('aria-describedby')).toBe('set-supportEmail-error');
    expect(wrapper.get('#set-supportEmail-error').text()).toBe('Must be an email address, such as help@example.com.');
    expect(wrapper.get('#set-supportPhone-error').text()).toBe('Must be a phone number with country code, such as +4722334455.');

    setLocale('nb');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#set-supportPhone-error').text()).toBe('Må være et telefonnummer med landskode, for eksempel +4722334455.');
    expect(wrapper.get('label[for="set-supportEmail"]').text()).toBe('E-post for kundestøtte');
    wrapper.unmount();
  });

  it('shows the server’s field error under the field it names', async () => {
    const wrapper = await mountSettings();
    await wrapper.get('#set-supportEmail').setValue('server@refuses.example');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(patches()).toHaveLength(1);
    expect(wrapper.get('#set-supportEmail-error').text()).toBe('Must be an email address.');
    wrapper.unmount();
  });

  it('shows the server’s field error in Norwegian on a Norwegian dashboard', async () => {
    setLocale('nb');
    const wrapper = await mountSettings();
    await wrapper.get('#set-supportEmail').setValue('server@refuses.example');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#set-supportEmail-error').text()).toBe('Må være en e-postadresse.');
    expect(wrapper.text()).not.toContain('Must be an email address.');
    wrapper.unmount();
  });
});
