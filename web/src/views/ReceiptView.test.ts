import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ReceiptView from './ReceiptView.vue';
import { mockFetch, payView, setup } from '../testing/harness';
import { apiTransaction, type ApiPayView } from '../testing/fixtures';
import { setLocale } from '../i18n';

const TOKEN = 'tok_r';
const VIEW = `/api/v1/pay/${TOKEN}`;

async function render() {
  const { router, pinia } = await setup(`/pay/${TOKEN}/receipt`);
  const wrapper = mount(ReceiptView, { props: { token: TOKEN }, global: { plugins: [pinia, router] } });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  setLocale('en');
  vi.useFakeTimers();
});
afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLocale('en');
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ReceiptView', () => {
  it('polls while processing and says Paid once paid, with a way back to the merchant', async () => {
    let status: ApiPayView['invoice']['status'] = 'processing';
    const calls = mockFetch((url) => (url === VIEW ? { body: payView({ status, returnUrl: 'https://shop.example/return?invoice=inv_1&status=paid' }) } : undefined));
    const wrapper = await render();
    expect(wrapper.find('h1').text()).toBe('Processing…');
    expect(wrapper.find('[aria-live="polite"]').exists()).toBe(true);

    status = 'paid';
    await vi.advanceTimersByTimeAsync(2000);
    await flushPromises();
    expect(wrapper.find('h1').text()).toBe('Paid');
    const link = wrapper.findAll('a').find((a) => a.text() === 'Return to Demo Shop');
    expect(link?.attributes('href')).toBe('https://shop.example/return?invoice=inv_1&status=paid');

    // Polling stops on a final status.
    const count = calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.length).toBe(count);
  });

  it('shows no return link without a returnUrl', async () => {
    mockFetch((url) => (url === VIEW ? { body: payView({ status: 'paid' }) } : undefined));
    const wrapper = await render();
    expect(wrapper.find('h1').text()).toBe('Paid');
    expect(wrapper.text()).not.toContain('Return to');
  });

  it('itemises a paid phone-bill payment: merchant, amount, what for, date, how, reference, and whom to ask', async () => {
    const calls = mockFetch((url) =>
      url === VIEW
        ? {
            body: payView({
              status: 'paid',
              paidAt: '2026-12-02T13:05:00Z',
              merchant: { name: 'Demo Shop', logoUrl: null, accentColor: null, supportEmail: 'help@demo.example', supportPhone: '+4722334455' },
              transaction: apiTransaction({ id: 'txn_9', method: 'phone', provider: 'strex', status: 'succeeded', next: null }),
            }),
          }
        : undefined,
    );
    const wrapper = await render();
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([['GET', VIEW, undefined]]);
    const facts = Object.fromEntries(
      wrapper.findAll('[data-testid="receipt-details"] > div').map((row) => [
        row.find('dt').text(),
        row
          .find('dd')
          .text()
          .replace(/[\u00a0\u202f]/g, ' '),
      ]),
    );
    expect(facts).toMatchObject({
      'Paid to': 'Demo Shop',
      Amount: 'NOK 1,250.00',
      For: 'Invoice 1042: garden furniture',
      'Paid with': 'Phone bill',
      Reference: 'INV-1042',
    });
    expect(facts['Paid at']).toMatch(/2 Dec 2026/);
    const help = wrapper.find('[data-testid="receipt-help"]');
    expect(help.text()).toContain('Contact Demo Shop and give the reference INV-1042.');
    expect(help.find('a[href^="mailto:"]').attributes('href')).toBe('mailto:help@demo.example?subject=INV-1042');
    expect(help.find('a[href^="tel:"]').attributes('href')).toBe('tel:+4722334455');
  });

  it('itemises in Norwegian for a Norwegian payer, and names the merchant to contact without a support address', async () => {
    mockFetch((url) =>
      url === VIEW
        ? { body: payView({ status: 'paid', payerLocale: 'nb', reference: null, paidAt: '2026-12-02T13:05:00Z', transaction: apiTransaction({ id: 'txn_9', method: 'card', status: 'succeeded' }) }) }
        : undefined,
    );
    const wrapper = await render();
    const details = wrapper.find('[data-testid="receipt-details"]').text();
    expect(details).toContain('Betalt til');
    expect(details).toContain('Kort');
    expect(details).toContain('inv_1');
    expect(wrapper.find('[data-testid="receipt-help"]').text()).toContain('Kontakt Demo Shop og oppgi referansen inv_1.');
    expect(wrapper.find('[data-testid="receipt-help"] a').exists()).toBe(false);
  });

  it('says why a payment failed in the page language, by failureCode', async () => {
    mockFetch((url) =>
      url === VIEW
        ? {
            body: payView({
              payerLocale: 'nb',
              transaction: apiTransaction({ id: 'txn_8', method: 'phone', status: 'failed', failureCode: 'too_young', failureMessage: 'The subscriber is below the age limit for this payment.' }),
            }),
          }
        : undefined,
    );
    const wrapper = await render();
    expect(wrapper.find('h1').text()).toBe('Betalingen ble ikke gjennomført');
    expect(wrapper.text()).toContain('Abonnenten er under aldersgrensen for denne betalingen.');
    expect(wrapper.text()).not.toContain('below the age limit');
  });
});
