import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import PayView from './PayView.vue';
import { mockFetch, on, payView, setup } from '../testing/harness';
import { apiTransaction, problem, type StartPaymentBody, type VerifyPinBody } from '../testing/fixtures';
import { setLocale } from '../i18n';
import { contrastRatio } from '../core/color';

const TOKEN = 'tok_abc';
const VIEW = `/api/v1/pay/${TOKEN}`;

/** The mocked `POST …/transactions`: answers only the method (and page language) the test expects the page to ask for. */
const startsPayment = (method: StartPaymentBody['method'], reply: ReturnType<typeof apiTransaction>, locale: StartPaymentBody['locale'] = 'en') =>
  on<StartPaymentBody>('POST', `${VIEW}/transactions`, { status: 201, body: reply }, { body: { method, locale } });

async function render() {
  const { router, pinia } = await setup(`/pay/${TOKEN}`);
  const wrapper = mount(PayView, { props: { token: TOKEN }, global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

/** Taps Phone and waits for the PIN step (its chunk loads on that tap). */
async function choosePhone(wrapper: Awaited<ReturnType<typeof render>>['wrapper']) {
  await wrapper.find('button[data-method="phone"]').trigger('click');
  await flushPromises();
  await vi.waitFor(() => expect(wrapper.find('input#pin').exists()).toBe(true));
}

beforeEach(() => setLocale('en'));
afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

describe('PayView', () => {
  it('shows the invoice and one button per method, named Card and Phone', async () => {
    mockFetch(on('GET', VIEW, { body: payView() }));
    const { wrapper } = await render();
    expect(wrapper.find('h1').text()).toBe('Demo Shop');
    expect(
      wrapper
        .find('[data-testid="amount"]')
        .text()
        .replace(/\u00a0/g, ' '),
    ).toBe('NOK 1,250.00');
    expect(wrapper.text()).toContain('Invoice 1042: garden furniture');
    expect(wrapper.text()).toContain('+47 ••• •• 123');
    const buttons = wrapper.findAll('button.method');
    expect(buttons.map((b) => b.text())).toEqual([expect.stringContaining('Pay with Card'), expect.stringContaining('Pay with Phone')]);
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
          transaction: apiTransaction({ id: 'txn_1', method: 'card', status: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' }),
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

  it('redirects to the receipt when already paid', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ status: 'paid' }) }));
    const { router } = await render();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('receipt'));
  });

  it('sends the payer to the card redirect URL', async () => {
    const calls = mockFetch(
      on('GET', VIEW, { body: payView() }),
      startsPayment('card', apiTransaction({ id: 'txn_2', method: 'card', status: 'pending', next: { type: 'redirect', url: '/sandbox/checkout/cs_1' } })),
    );
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, hostname: 'localhost', href: 'http://localhost/' });
    const { wrapper } = await render();
    await wrapper.find('button[data-method="card"]').trigger('click');
    await flushPromises();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ method: 'card', locale: 'en' });
    expect(assign).toHaveBeenCalledWith('/sandbox/checkout/cs_1');
  });

  it('runs the phone PIN step: wrong PIN shows the detail and attempts left, right PIN goes to the receipt', async () => {
    let verifyCount = 0;
    const calls = mockFetch(
      on('GET', VIEW, { body: payView() }),
      startsPayment('phone', apiTransaction({ id: 'txn_3', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 3 } })),
      on<VerifyPinBody>('POST', `${VIEW}/transactions/txn_3/verify`, ({ pin }) =>
        ++verifyCount === 1 && pin === '111111'
          ? problem({
              status: 400,
              code: 'invalid_request',
              detail: 'That PIN is not correct. 2 tries left.',
              errors: [{ field: 'pin', code: 'wrong_pin', message: 'Not correct; 2 tries left.' }],
              attemptsLeft: 2,
              transaction: apiTransaction({ id: 'txn_3', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 2 } }),
            })
          : pin === '123456'
            ? { body: apiTransaction({ id: 'txn_3', status: 'succeeded', next: null }) }
            : problem({ status: 400, code: 'invalid_request', detail: `mock: unexpected PIN ${pin}` }),
      ),
    );
    const { wrapper, router } = await render();
    await choosePhone(wrapper);

    const label = wrapper.find('label[for="pin"]');
    expect(label.text()).toBe('PIN');
    const input = wrapper.find('input#pin');
    expect(input.attributes('inputmode')).toBe('numeric');
    expect(input.attributes('autocomplete')).toBe('one-time-code');
    expect(wrapper.text()).toContain('3 tries left');

    await input.setValue('111111');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('That PIN is not correct. 2 tries left.');
    expect(wrapper.find('#pin-hint').text()).toContain('2 tries left');
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
      startsPayment('phone', apiTransaction({ id: 'txn_4', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 1 } })),
      on<VerifyPinBody>(
        'POST',
        `${VIEW}/transactions/txn_4/verify`,
        problem({
          status: 409,
          code: 'invalid_state',
          detail: 'Too many wrong PINs. Choose a payment method again to get a new one.',
          transaction: apiTransaction({ id: 'txn_4', status: 'failed', failureCode: 'too_many_attempts', failureMessage: 'Too many wrong PINs.', next: null }),
        }),
        { body: { pin: '000000' } },
      ),
    );
    const { wrapper } = await render();
    await choosePhone(wrapper);
    await wrapper.find('input#pin').setValue('000000');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toContain('Too many wrong PINs. Choose a payment method again to get a new one.');
    expect(wrapper.find('input#pin').exists()).toBe(false);
    expect(wrapper.findAll('button.method')).toHaveLength(2);
  });

  it('opens in Norwegian for an invoice with payer.locale nb, on an English device', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ locale: 'nb', payerLocale: 'nb' }) }));
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('Velg hvordan du vil betale');
    expect(
      wrapper
        .find('[data-testid="amount"]')
        .text()
        .replace(/\u00a0/g, ' '),
    ).toBe('1 250,00 kr');
    expect(document.documentElement.lang).toBe('nb');
  });

  it('keeps the language the payer chose on the page over payer.locale', async () => {
    setLocale('en', true);
    mockFetch(on('GET', VIEW, { body: payView({ locale: 'nb', payerLocale: 'nb' }) }));
    const { wrapper } = await render();
    expect(wrapper.text()).toContain('Choose how to pay');
  });
});

describe('PayView: the request index.html started', () => {
  it('takes over the pay-view request the inline script began, and asks for it no second time', async () => {
    let resolve!: (response: Response) => void;
    window.__payViewPrefetch = { token: TOKEN, response: new Promise<Response>((r) => (resolve = r)) };
    const calls = mockFetch(on('GET', VIEW, { body: payView({ description: 'from a second request' }) }));
    const { router, pinia } = await setup(`/pay/${TOKEN}`);
    const wrapper = mount(PayView, { props: { token: TOKEN }, global: { plugins: [pinia, router] } });
    resolve(new Response(JSON.stringify(payView({ description: 'from the prefetch' })), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    await flushPromises();
    expect(wrapper.text()).toContain('from the prefetch');
    expect(calls.filter((c) => c.url === VIEW)).toEqual([]);
    expect(window.__payViewPrefetch).toBeUndefined();
  });

  it('ignores a prefetch for another token', async () => {
    window.__payViewPrefetch = { token: 'other', response: Promise.resolve(new Response('{}')) };
    const calls = mockFetch(on('GET', VIEW, { body: payView() }));
    await render();
    expect(calls.filter((c) => c.url === VIEW)).toHaveLength(1);
    delete window.__payViewPrefetch;
  });
});

describe('PayView: server messages in the page language, by code', () => {
  it('shows a card decline in Norwegian on a Norwegian page, never the server’s English', async () => {
    mockFetch(
      on('GET', VIEW, {
        body: payView({
          payerLocale: 'nb',
          transaction: apiTransaction({ id: 'txn_1', method: 'card', status: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' }),
        }),
      }),
    );
    const { wrapper } = await render();
    const alert = wrapper.find('[role="alert"]').text();
    expect(alert).toContain('Kortet ble avvist.');
    expect(alert).not.toContain('Your card was declined.');
  });

  it('counts PIN tries the Norwegian way: "2 forsøk igjen"', async () => {
    const calls = mockFetch(
      on('GET', VIEW, { body: payView({ payerLocale: 'nb' }) }),
      startsPayment('phone', apiTransaction({ id: 'txn_5', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 3 } }), 'nb'),
      on<VerifyPinBody>(
        'POST',
        `${VIEW}/transactions/txn_5/verify`,
        problem({
          status: 400,
          code: 'invalid_request',
          detail: 'That PIN is not correct. 2 tries left.',
          errors: [{ field: 'pin', code: 'wrong_pin', message: 'Not correct; 2 tries left.' }],
          attemptsLeft: 2,
          transaction: apiTransaction({ id: 'txn_5', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 2 } }),
        }),
        { body: { pin: '111111' } },
      ),
    );
    const { wrapper } = await render();
    await choosePhone(wrapper);
    expect(wrapper.find('#pin-hint').text()).toContain('3 forsøk igjen');
    await wrapper.find('input#pin').setValue('111111');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])).toEqual([
      [`${VIEW}/transactions`, { method: 'phone', locale: 'nb' }],
      [`${VIEW}/transactions/txn_5/verify`, { pin: '111111' }],
    ]);
    expect(wrapper.find('[role="alert"]').text()).toContain('Feil kode. Du har 2 forsøk igjen.');
    expect(wrapper.find('#pin-hint').text()).toContain('2 forsøk igjen');
    expect(wrapper.text()).not.toMatch(/Forsøk igjen:|tries left|not correct/);
  });

  it('says in Norwegian when more PIN codes can be sent, from Retry-After, after too many', async () => {
    mockFetch(
      on('GET', VIEW, { body: payView({ payerLocale: 'nb' }) }),
      on('POST', `${VIEW}/transactions`, {
        status: 429,
        headers: { 'Retry-After': '2400' },
        body: { status: 429, code: 'rate_limited', detail: 'At most 5 PIN codes are sent for one invoice per hour; use the last code, or pay another way.' },
      }),
    );
    const { wrapper } = await render();
    await wrapper.find('button[data-method="phone"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('Det er sendt for mange koder. Prøv igjen om 40 minutter, eller betal på en annen måte.');
  });

  it('says in Norwegian to wait a few seconds after too many quick tries', async () => {
    mockFetch(
      on('GET', VIEW, { body: payView({ payerLocale: 'nb' }) }),
      on('POST', `${VIEW}/transactions`, {
        status: 429,
        headers: { 'Retry-After': '3' },
        body: { status: 429, code: 'rate_limited', detail: 'Too many payment attempts for this invoice; wait a moment and try again.' },
      }),
    );
    const { wrapper } = await render();
    await wrapper.find('button[data-method="card"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('For mange forsøk på kort tid. Vent 3 sekunder og prøv igjen.');
  });

  it('translates a field error by its code: a method the invoice does not offer', async () => {
    mockFetch(
      on('GET', VIEW, { body: payView({ payerLocale: 'nb' }) }),
      on('POST', `${VIEW}/transactions`, {
        status: 400,
        body: {
          status: 400,
          code: 'invalid_request',
          detail: 'This invoice does not offer "card".',
          errors: [{ field: 'method', code: 'not_offered', values: ['phone'], message: 'Offered: phone.' }],
        },
      }),
    );
    const { wrapper } = await render();
    await wrapper.find('button[data-method="card"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe('Denne betalingsmåten kan ikke brukes for denne forespørselen. Velg en annen.');
  });
});

describe('PayView: a declined phone payment offers the other method at once', () => {
  it('shows the decline reason and "Pay with Card instead", which pays the same invoice by card in one tap', async () => {
    const calls = mockFetch(
      on('GET', VIEW, { body: payView() }),
      // The server answers by the method asked for, as the real one does.
      on<StartPaymentBody>('POST', `${VIEW}/transactions`, ({ method }) =>
        method === 'card'
          ? { status: 201, body: apiTransaction({ id: 'txn_7', method: 'card', status: 'pending', next: { type: 'redirect', url: '/sandbox/checkout/cs_7' } }) }
          : { status: 201, body: apiTransaction({ id: 'txn_6', next: { type: 'pin', expiresAt: '2026-11-25T13:15:00Z', attemptsLeft: 3 } }) },
      ),
      on<VerifyPinBody>(
        'POST',
        `${VIEW}/transactions/txn_6/verify`,
        problem({
          status: 402,
          code: 'payment_declined',
          detail: "The phone subscription's spending limit has been reached.",
          declineCode: 'limit_exceeded',
          transaction: apiTransaction({ id: 'txn_6', status: 'failed', failureCode: 'limit_exceeded', failureMessage: "The phone subscription's spending limit has been reached.", next: null }),
        }),
        { body: { pin: '123456' } },
      ),
    );
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, hostname: 'localhost', href: 'http://localhost/' });
    const { wrapper } = await render();
    await choosePhone(wrapper);
    await wrapper.find('input#pin').setValue('123456');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    const alert = wrapper.find('[role="alert"]');
    expect(alert.text()).toContain('Your phone subscription has reached its spending limit.');
    const instead = alert.find('button[data-instead="card"]');
    expect(instead.text()).toBe('Pay with Card instead');
    expect(alert.find('button[data-instead="phone"]').exists()).toBe(false);
    await instead.trigger('click');
    await flushPromises();
    const posts = calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body]);
    expect(posts).toEqual([
      [`${VIEW}/transactions`, { method: 'phone', locale: 'en' }],
      [`${VIEW}/transactions/txn_6/verify`, { pin: '123456' }],
      [`${VIEW}/transactions`, { method: 'card', locale: 'en' }],
    ]);
    expect(assign).toHaveBeenCalledWith('/sandbox/checkout/cs_7');
  });
});

describe('PayView: looks like a payment page', () => {
  it('shows no internal status chip', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ status: 'opened' }) }));
    const { wrapper } = await render();
    expect(wrapper.find('.chip').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('Opened');
    expect(wrapper.text()).not.toMatch(/Status/);
  });

  it('shows the merchant’s monogram without a logo, and its logo when it has one', async () => {
    mockFetch(on('GET', VIEW, { body: payView() }));
    const { wrapper } = await render();
    expect(wrapper.find('[data-testid="monogram"]').text()).toBe('DS');
    wrapper.unmount();

    mockFetch(on('GET', VIEW, { body: payView({ merchant: { name: 'Demo Shop', logoUrl: 'https://cdn.example/logo.png', accentColor: null } }) }));
    const again = await render();
    expect(again.wrapper.find('img.merchant-mark').attributes('src')).toBe('https://cdn.example/logo.png');
    expect(again.wrapper.find('[data-testid="monogram"]').exists()).toBe(false);
  });

  it('uses the merchant’s accent colour, darkened where white text on it would fail AA', async () => {
    mockFetch(on('GET', VIEW, { body: payView({ merchant: { name: 'Demo Shop', logoUrl: null, accentColor: '#7dd3fc' } }) }));
    const { wrapper } = await render();
    const accent = (wrapper.find('.shell').element as HTMLElement).style.getPropertyValue('--accent');
    expect(accent).not.toBe('');
    expect(contrastRatio(accent, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    wrapper.unmount();

    mockFetch(on('GET', VIEW, { body: payView({ merchant: { name: 'Demo Shop', logoUrl: null, accentColor: '#0f766e' } }) }));
    const dark = await render();
    expect((dark.wrapper.find('.shell').element as HTMLElement).style.getPropertyValue('--accent')).toBe('#0f766e');
  });

  it('puts the Visa and Mastercard marks on the Card button only', async () => {
    mockFetch(on('GET', VIEW, { body: payView() }));
    const { wrapper } = await render();
    const card = wrapper.find('button[data-method="card"]');
    expect(card.findAll('svg[data-brand]').map((s) => s.attributes('data-brand'))).toEqual(['visa', 'mastercard']);
    expect(card.find('.card-brands').attributes('aria-hidden')).toBe('true');
    expect(wrapper.find('button[data-method="phone"] svg[data-brand]').exists()).toBe(false);
  });
});
