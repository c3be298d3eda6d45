import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';

const calls: { path: string; init: unknown }[] = [];
/** While set, `GET /settings` waits for it (a cold API), so the form is seen before the merchant is known. */
let settingsGate: Promise<void> | null = null;
vi.mock('../api', async () => {
  const { ApiError } = await import('../../core/api');
  return {
    ApiError,
    merchantApi: vi.fn(async (path: string, init?: { body?: unknown }) => {
      calls.push({ path, init });
      if (path === '/settings') {
        if (settingsGate) await settingsGate;
        return { id: 'm1', name: 'Fjord Bakery', mode: 'test', branding: {}, settings: { paymentMethods: ['card'], locale: 'en' } };
      }
      const body = init?.body as { reference?: string };
      if (body?.reference === 'taken') {
        throw new ApiError(400, { code: 'invalid_request', errors: [{ field: 'reference', code: 'duplicate', other: 'inv_x', message: 'Already used by invoice inv_x.' }] });
      }
      if (body?.reference === 'odd') {
        throw new ApiError(400, {
          code: 'invalid_request',
          errors: [
            { field: 'payer.phone', code: 'invalid_phone', message: 'Not a valid phone number.' },
            { field: 'description', code: 'too_big', maximum: 200, unit: 'characters', message: 'At most 200 characters.' },
            { field: 'metadata', code: 'too_big', maximum: 20, unit: 'keys', message: 'At most 20 keys.' },
          ],
        });
      }
      return { id: 'inv_new', payUrl: 'http://127.0.0.1:5000/pay/tok', amount: 12950, currency: 'NOK', status: 'sending' };
    }),
  };
});

import NewInvoiceView from './NewInvoiceView.vue';

async function mountForm() {
  const wrapper = mount(NewInvoiceView, { props: { merchantId: 'm1' }, global: { stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  calls.length = 0;
  settingsGate = null;
});
afterEach(() => setLocale('en'));

describe('NewInvoiceView', () => {
  it('shows no SMS preview until the merchant’s settings (its name) are in, then the real one', async () => {
    let release!: () => void;
    settingsGate = new Promise((resolve) => (release = resolve));
    const wrapper = await mountForm();
    await wrapper.get('#inv-amount').setValue('129,50');
    await wrapper.get('#inv-description').setValue('Cinnamon buns');
    expect(wrapper.find('[data-testid="sms-text"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="sms-preview-loading"]').text()).toBe('Loading…');
    release();
    await flushPromises();
    expect(wrapper.find('[data-testid="sms-preview-loading"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="sms-text"]').text()).toMatch(/^Fjord Bakery requests NOK 129\.50 for Cinnamon buns\. Pay here: /);
    wrapper.unmount();
  });

  it('validates on submit, marks fields invalid, and sends nothing', async () => {
    const wrapper = await mountForm();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('#inv-amount').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#inv-amount-error').text()).toBe('Required.');
    expect(wrapper.get('#inv-phone-error').text()).toBe('Required.');
    expect(wrapper.get('#inv-description').attributes('aria-describedby')).toContain('inv-description-error');
    expect(calls.filter((c) => c.path === '/invoices')).toHaveLength(0);

    await wrapper.get('#inv-phone').setValue('91234567');
    expect(wrapper.get('#inv-phone-error').text()).toContain('international form');
    wrapper.unmount();
  });

  it('uses the merchant’s default methods, previews the SMS, posts minor units and shows the QR code', async () => {
    const wrapper = await mountForm();
    expect((wrapper.get('input[value="card"]').element as HTMLInputElement).checked).toBe(true);
    expect((wrapper.get('input[value="phone"]').element as HTMLInputElement).checked).toBe(false);
    await wrapper.get('#inv-amount').setValue('129,50');
    await wrapper.get('#inv-description').setValue('Cinnamon buns');
    await wrapper.get('#inv-phone').setValue('+4791234567');
    expect(wrapper.get('[data-testid="sms-text"]').text()).toMatch(/^Fjord Bakery requests NOK 129\.50 for Cinnamon buns\. Pay here: /);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const post = calls.find((c) => c.path === '/invoices')!;
    expect((post.init as { body: unknown }).body).toEqual({
      amount: 12950,
      currency: 'NOK',
      description: 'Cinnamon buns',
      payer: { phone: '+4791234567' },
      paymentMethods: ['card'],
    });
    await flushPromises();
    expect(wrapper.get('[data-invoice-id="inv_new"]').text()).toContain('http://127.0.0.1:5000/pay/tok');
    await vi.waitFor(() => expect(wrapper.find('.qr-code svg').exists()).toBe(true));
    wrapper.unmount();
  });

  it('shows the API’s field errors next to the fields', async () => {
    const wrapper = await mountForm();
    await wrapper.get('#inv-amount').setValue('10');
    await wrapper.get('#inv-description').setValue('Tea');
    await wrapper.get('#inv-phone').setValue('+4791234567');
    await wrapper.get('#inv-reference').setValue('taken');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#inv-reference-error').text()).toBe('Already used by invoice inv_x.');
    wrapper.unmount();
  });

  it('shows the API’s field errors in Norwegian on a Norwegian dashboard, by their code', async () => {
    setLocale('nb');
    const wrapper = await mountForm();
    await wrapper.get('#inv-amount').setValue('10');
    await wrapper.get('#inv-description').setValue('Te');
    await wrapper.get('#inv-phone').setValue('+4791234567');
    await wrapper.get('#inv-reference').setValue('taken');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#inv-reference-error').text()).toBe('Allerede brukt på faktura inv_x.');

    await wrapper.get('#inv-reference').setValue('odd');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#inv-phone-error').text()).toBe('Ikke et gyldig telefonnummer. Bruk internasjonal form, for eksempel +4791234567.');
    expect(wrapper.get('#inv-description-error').text()).toBe('Høyst 200 tegn.');
    expect(wrapper.text()).toContain('metadata: Høyst 20 nøkler.');
    expect(wrapper.text()).not.toMatch(/Already used|Not a valid|At most/);
    wrapper.unmount();
  });
});
