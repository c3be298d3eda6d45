import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import SandboxCheckoutView from './SandboxCheckoutView.vue';
import { mockFetch, on, setup } from '../testing/harness';
import { setLocale } from '../i18n';

const ID = 'cs_test_1';
const BASE = `/api/v1/sandbox/checkout/${ID}`;
const SESSION = {
  id: ID,
  status: 'open',
  amount: 125000,
  currency: 'NOK',
  description: 'Garden furniture',
  merchantName: 'Demo Shop',
  successUrl: '/pay/tok/receipt',
  cancelUrl: '/pay/tok',
};

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('en');
});

async function render() {
  const { router, pinia } = await setup(`/sandbox/checkout/${ID}`);
  const wrapper = mount(SandboxCheckoutView, { props: { sessionId: ID }, global: { plugins: [pinia, router] } });
  await flushPromises();
  return wrapper;
}

describe('SandboxCheckoutView', () => {
  it('says no money moves, shows a declined card in an alert and stays, then pays', async () => {
    let declined = true;
    const calls = mockFetch(
      on('GET', BASE, { body: SESSION }),
      on('POST', `${BASE}/pay`, () =>
        declined ? { status: 402, body: { status: 402, code: 'card_declined', detail: 'Your card was declined.' } } : { body: { status: 'succeeded', redirectUrl: '/pay/tok/receipt' } },
      ),
    );
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const wrapper = await render();
    expect(wrapper.text()).toContain('Sandbox — no money moves');
    expect(wrapper.find('label[for="card-number"]').text()).toBe('Card number');
    const input = wrapper.find('input#card-number');
    expect(input.attributes('autocomplete')).toBe('cc-number');

    await input.setValue('4000 0000 0000 0002');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('Your card was declined.');
    expect(assign).not.toHaveBeenCalled();
    expect(calls.at(-1)?.body).toEqual({ cardNumber: '4000000000000002' });

    declined = false;
    await wrapper.find('input#card-number').setValue('4242 4242 4242 4242');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(assign).toHaveBeenCalledWith('/pay/tok/receipt');
  });

  it('cancels back to the cancel URL', async () => {
    mockFetch(on('GET', BASE, { body: SESSION }));
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const wrapper = await render();
    const cancel = wrapper.findAll('button').find((b) => b.text() === 'Cancel');
    await cancel!.trigger('click');
    expect(assign).toHaveBeenCalledWith('/pay/tok');
    expect(wrapper.findAll('button').some((b) => b.text() === 'Pay')).toBe(true);
  });

  it('shows the decline in Norwegian on a Norwegian checkout, by the problem’s code, not its English detail', async () => {
    setLocale('nb');
    const calls = mockFetch(
      on('GET', BASE, { body: SESSION }),
      on('POST', `${BASE}/pay`, {
        status: 402,
        body: { status: 402, code: 'card_declined', declineCode: 'insufficient_funds', detail: 'Your card has insufficient funds.' },
      }),
    );
    const wrapper = await render();
    await wrapper.find('input#card-number').setValue('4000 0000 0000 9995');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.at(-1)?.body).toEqual({ cardNumber: '4000000000009995' });
    expect(wrapper.find('[role="alert"]').text()).toBe('Det er ikke nok dekning på kortet.');
  });

  it('says in Norwegian how many digits a card number has, from the field error’s code and limits', async () => {
    setLocale('nb');
    mockFetch(
      on('GET', BASE, { body: SESSION }),
      on('POST', `${BASE}/pay`, {
        status: 400,
        body: {
          status: 400,
          code: 'invalid_request',
          detail: 'Enter a card number.',
          errors: [{ field: 'cardNumber', code: 'invalid_format', minimum: 12, maximum: 19, unit: 'characters', message: 'Enter 12 to 19 digits.' }],
        },
      }),
    );
    const wrapper = await render();
    await wrapper.find('input#card-number').setValue('4242 4242 4242 4242 4242');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('Kortnummeret må ha 12 til 19 sifre.');
  });

  it('says in Norwegian that the checkout is closed when the server answers invalid_state', async () => {
    setLocale('nb');
    mockFetch(on('GET', BASE, { body: SESSION }), on('POST', `${BASE}/pay`, { status: 409, body: { status: 409, code: 'invalid_state', detail: 'This checkout session is no longer open.' } }));
    const wrapper = await render();
    await wrapper.find('input#card-number').setValue('4242 4242 4242 4242');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('Denne betalingen er ikke lenger åpen. Gå tilbake og start på nytt.');
  });
});
