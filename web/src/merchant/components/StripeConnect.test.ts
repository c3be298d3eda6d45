import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { setLocale } from '../../i18n';

type Status = {
  livemode: boolean;
  available: boolean;
  connected: boolean;
  accountId: string | null;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
};
const calls: { path: string; method?: string }[] = [];
let status: Status;
let refusal: unknown = null;
vi.mock('../api', async () => {
  const { ApiError } = await import('../../core/api');
  return {
    ApiError,
    merchantApi: vi.fn(async (path: string, init?: { method?: string }) => {
      calls.push({ path, method: init?.method });
      if (path === '/account/stripe/onboarding') {
        if (refusal) throw refusal;
        return { object: 'stripe_onboarding_link', url: 'https://connect.stripe.com/setup/s/acct_1/abc', expiresAt: '2026-12-02T14:00:00.000Z' };
      }
      return status;
    }),
  };
});

import StripeConnect from './StripeConnect.vue';

const notConnected: Status = {
  livemode: false,
  available: true,
  connected: false,
  accountId: null,
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: false,
  requirementsDue: [],
  disabledReason: null,
};
const navigate = vi.fn();

async function mountCard(query: Record<string, string> = {}) {
  const wrapper = mount(StripeConnect, { props: { query, navigate }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  calls.length = 0;
  navigate.mockReset();
  refusal = null;
  status = { ...notConnected };
});
afterEach(() => setLocale('en'));

describe('StripeConnect (Settings: getting paid)', () => {
  it('offers to connect a Stripe account, and sends the owner to Stripe’s onboarding', async () => {
    const wrapper = await mountCard();
    expect(calls[0]).toEqual({ path: '/account/stripe', method: undefined });
    expect(wrapper.text()).toContain('No Stripe account is connected');
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toEqual({ path: '/account/stripe/onboarding', method: 'POST' });
    expect(navigate).toHaveBeenCalledWith('https://connect.stripe.com/setup/s/acct_1/abc');
    wrapper.unmount();
  });

  it('shows what Stripe still needs, in English and Norwegian', async () => {
    status = { ...notConnected, connected: true, accountId: 'acct_1', detailsSubmitted: true, requirementsDue: ['external_account'], disabledReason: 'requirements.past_due' };
    const wrapper = await mountCard({ stripe: 'return' });
    expect(wrapper.get('[data-test="stripe-charges"]').text()).toBe('Card payments: not enabled yet');
    expect(wrapper.get('[data-test="stripe-payouts"]').text()).toBe('Payouts: not enabled yet');
    expect(wrapper.get('[data-test="stripe-due"]').text()).toContain('external_account');
    expect(wrapper.get('button').text()).toBe('Continue Stripe setup');
    setLocale('nb');
    await flushPromises();
    expect(wrapper.get('[data-test="stripe-charges"]').text()).toBe('Kortbetaling: ikke aktivert ennå');
    expect(wrapper.get('button').text()).toBe('Fortsett oppsettet hos Stripe');
    wrapper.unmount();
  });

  it('says when the account can take payments, with nothing more to do', async () => {
    status = { ...notConnected, livemode: true, connected: true, accountId: 'acct_1', chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true };
    const wrapper = await mountCard();
    expect(wrapper.get('[data-test="stripe-charges"]').text()).toBe('Card payments: enabled');
    expect(wrapper.get('[data-test="stripe-payouts"]').text()).toBe('Payouts: enabled');
    expect(wrapper.find('[data-test="stripe-due"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('Live mode');
    expect(wrapper.find('button').exists()).toBe(false);
    wrapper.unmount();
  });

  it('starts again by itself when Stripe sends the owner back to the refresh URL (the link had expired)', async () => {
    status = { ...notConnected, connected: true, accountId: 'acct_1' };
    await mountCard({ stripe: 'refresh' });
    expect(calls.map((c) => c.path)).toEqual(['/account/stripe', '/account/stripe/onboarding']);
    expect(navigate).toHaveBeenCalledOnce();
  });

  it('says so, with nothing to click, on a platform without Stripe in this mode', async () => {
    status = { ...notConnected, available: false };
    const wrapper = await mountCard({ stripe: 'refresh' });
    expect(wrapper.text()).toContain('This platform does not take card payments through Stripe in this mode.');
    expect(wrapper.find('button').exists()).toBe(false);
    expect(calls.map((c) => c.path)).toEqual(['/account/stripe']);
    wrapper.unmount();
  });

  it('explains a refusal to start', async () => {
    const { ApiError } = await import('../../core/api');
    refusal = new ApiError(409, { code: 'invalid_state', detail: 'no', missing: 'provider_not_configured' } as never);
    const wrapper = await mountCard();
    await wrapper.get('button').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('This platform does not take card payments through Stripe in this mode.');
    expect(navigate).not.toHaveBeenCalled();
    wrapper.unmount();
  });
});
