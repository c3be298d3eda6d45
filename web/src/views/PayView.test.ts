import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import PayView from './PayView.vue';
import { mockFetch, on, payView, setup } from '../testing/harness';
import { setLocale } from '../i18n';

const TOKEN = 'tok_abc';
const VIEW = `/api/v1/pay/${TOKEN}`;

async function render() {
  const { router, pinia } = await setup(`/pay/${TOKEN}`);
  const wrapper = mount(PayView, { props: { token: TOKEN }, global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => setLocale('en'));
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

describe('PayView', () => {
  it('shows the invoice and one button per method, named Card and Phone', async () => {
    mockFetch(on('GET', VIEW, { body: payView() }));
    const { wrapper } = await render();
    expect(wrapper.find('h1').text()).toBe('Demo Shop');
    expect(wrapper.find('[data-testid="amount"]').text().replace(/\u00a0/g, ' ')).toBe('NOK 1,250.00');
    expect(wrapper.text()).toContain('Invoice 1042: garden furniture');
    expect(wrapper.text()).toContain('+47 ••• •• 123');
    const buttons = wrapper.findAll('button.method');
    expect(buttons.map((b) => b.text())).toEqual([
      expect.stringContaining('Pay with Card'),
      expect.stringContaining('Pay with Phone'),
    ]);
    expect(wrapper.find('[role="alert"]').text()).toBe('');
  });

  it('offers only the methods of the invoice', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ paymentMethods: ['phone'] }) }));
    const { wrapper } = await render();
    const buttons = wrapper.findAll('button.method');
    expect(buttons).toHaveLength(1);
    expect(buttons[0]!.text()).toContain('Phone');
  });

  it('shows the failure message of the latest failed transaction above the buttons', async () => {
    mockFetch(
      on('GET', VIEW, {
        body: payView({
          transaction: { id: 'txn_1', method: 'card', status: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' },
        }),
      }),
    );
    const { wrapper } = await render();
    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('Your card was declined.');
    const html = wrapper.html();
    expect(html.indexOf('Your card was declined.')).toBeLessThan(html.indexOf('Pay with Card'));
  });

  it('says the request is no longer available on 404', async () => {
    mockFetch(on('GET', VIEW, { status: 404, body: { status: 404, code: 'not_found', detail: 'Not found' } }));
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('This payment request is no longer available');
    expect(wrapper.findAll('button.method')).toHaveLength(0);
  });

  it('says the request is no longer available when expired', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ status: 'expired' }) }));
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('This payment request is no longer available');
  });

  it('redirects to the receipt when already paid', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ status: 'paid' }) }));
    const { router } = await render();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('receipt'));
  });

  it('sends the payer to the card redirect URL', async () => {
    const calls = mockFetch(
      on('GET', VIEW, { body: payView() }),
      on('POST', `${VIEW}/transactions`, {
        status: 201,
        body: { id: 'txn_2', method: 'card', provider: 'sandbox', status: 'pending', next: { type: 'redirect', url: '/sandbox/checkout/cs_1' } },
      }),
    );
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, hostname: 'localhost', href: 'http://localhost/' });
    const { wrapper } = await render();
    await wrapper.find('button[data-method="card"]').trigger('click');
    await flushPromises();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ method: 'card' });
    expect(assign).toHaveBeenCalledWith('/sandbox/checkout/cs_1');
  });

  it('runs the phone PIN step: wrong PIN shows the detail and attempts left, right PIN goes to the receipt', async () => {
    let verifyCount = 0;
    const calls = mockFetch(
      on('GET', VIEW, { body: payView() }),
      on('POST', `${VIEW}/transactions`, {
        status: 201,
        body: { id: 'txn_3', method: 'phone', status: 'awaiting_pin', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 3 } },
      }),
      on('POST', `${VIEW}/transactions/txn_3/verify`, () =>
        ++verifyCount === 1
          ? {
              status: 400,
              body: {
                status: 400,
                code: 'invalid_request',
                detail: 'The PIN is not correct.',
                transaction: { id: 'txn_3', status: 'awaiting_pin', next: { type: 'pin', attemptsLeft: 2 } },
              },
            }
          : { body: { id: 'txn_3', method: 'phone', status: 'succeeded', next: null } },
      ),
    );
    const { wrapper, router } = await render();
    await wrapper.find('button[data-method="phone"]').trigger('click');
    await flushPromises();

    const label = wrapper.find('label[for="pin"]');
    expect(label.text()).toBe('PIN');
    const input = wrapper.find('input#pin');
    expect(input.attributes('inputmode')).toBe('numeric');
    expect(input.attributes('autocomplete')).toBe('one-time-code');
    expect(wrapper.text()).toContain('Attempts left: 3');

    await input.setValue('111111');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('The PIN is not correct.');
    expect(wrapper.text()).toContain('Attempts left: 2');
    expect(wrapper.find('input#pin').exists()).toBe(true);

    await wrapper.find('input#pin').setValue('123456');
    const confirm = wrapper.findAll('button').find((b) => b.text() === 'Confirm');
    expect(confirm).toBeDefined();
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.url.endsWith('/verify')).map((c) => c.body)).toEqual([{ pin: '111111' }, { pin: '123456' }]);
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('receipt'));
  });

  it('lets the payer choose a method again after the PIN transaction fails', async () => {
    mockFetch(
      on('GET', VIEW, { body: payView() }),
      on('POST', `${VIEW}/transactions`, {
        status: 201,
        body: { id: 'txn_4', method: 'phone', status: 'awaiting_pin', next: { type: 'pin', attemptsLeft: 1 } },
      }),
      on('POST', `${VIEW}/transactions/txn_4/verify`, {
        status: 409,
        body: { status: 409, code: 'invalid_state', detail: 'Too many wrong PINs.', transaction: { id: 'txn_4', status: 'failed', next: null } },
      }),
    );
    const { wrapper } = await render();
    await wrapper.find('button[data-method="phone"]').trigger('click');
    await flushPromises();
    await wrapper.find('input#pin').setValue('000000');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('Too many wrong PINs.');
    expect(wrapper.find('input#pin').exists()).toBe(false);
    expect(wrapper.findAll('button.method')).toHaveLength(2);
  });

  it('speaks Norwegian when asked', async () => {
    setLocale('nb');
    mockFetch(on('GET', VIEW, { body: payView() }));
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('Velg hvordan du vil betale');
    expect(wrapper.find('[data-testid="amount"]').text().replace(/\u00a0/g, ' ')).toBe('1 250,00 kr');
  });
});
