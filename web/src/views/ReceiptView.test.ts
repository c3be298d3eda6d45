import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ReceiptView from './ReceiptView.vue';
import { mockFetch, payView, setup } from '../testing/harness';
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
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ReceiptView', () => {
  it('polls while processing and says Paid once paid, with a way back to the merchant', async () => {
    let status = 'processing';
    const calls = mockFetch((url) =>
      url === VIEW
        ? { body: payView({ status, returnUrl: 'https://shop.example/return?invoice=inv_1&status=paid' }) }
        : undefined,
    );
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
});
