import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';

let settings: Record<string, unknown> = {};
let testInvoices: unknown[] = [];
const queries: unknown[][] = [];

vi.mock('../api', async () => {
  const { ApiError } = await import('../../core/api');
  return { ApiError, merchantApi: vi.fn(async () => ({ id: 'm1', name: 'Fjord Bakery', mode: 'test', branding: {}, settings })) };
});
vi.mock('../firebase', () => ({ firebase: () => ({ db: {} }) }));
vi.mock('firebase/firestore', () => ({
  collection: () => 'invoices',
  limit: (n: number) => ['limit', n],
  query: (...parts: unknown[]) => parts,
  where: (...parts: unknown[]) => parts,
}));
vi.mock('../live', () => ({
  streamQuery: (state: { data: unknown; pending: boolean }, q: unknown[]) => {
    queries.push(q);
    state.data = testInvoices;
    state.pending = false;
    return () => {};
  },
}));

import GoLiveChecklist from './GoLiveChecklist.vue';
import { liveActivated, stripeConnected } from '../mode';

const mountList = async () => {
  const wrapper = mount(GoLiveChecklist, { props: { merchantId: 'm1' }, global: { stubs: { RouterLink: RouterLinkStub } } });
  await flushPromises();
  return wrapper;
};
const done = (wrapper: Awaited<ReturnType<typeof mountList>>) =>
  Object.fromEntries(wrapper.findAll('[data-checklist-item]').map((li) => [li.attributes('data-checklist-item'), li.attributes('data-done')]));

beforeEach(() => {
  localStorage.clear();
  settings = { paymentMethods: ['card'], locale: 'en' };
  testInvoices = [];
  queries.length = 0;
  liveActivated.value = false;
  stripeConnected.value = false;
});

describe('GoLiveChecklist', () => {
  it('shows every step open for a new merchant, from real data', async () => {
    const wrapper = await mountList();
    expect(wrapper.get('h2').text()).toBe('Get started');
    expect(done(wrapper)).toEqual({ invoice: 'false', callback: 'false', stripe: 'false', live: 'false' });
    // A test invoice of this merchant, whatever mode the dashboard shows.
    expect(queries[0]).toContainEqual(['merchantId', '==', 'm1']);
    expect(queries[0]).toContainEqual(['mode', '==', 'test']);
    expect(wrapper.text()).toContain('0 of 4 done');
    expect(wrapper.get('[data-checklist-item="callback"]').text()).toContain('Not done');
  });

  it('marks what is done: a test invoice, a callback URL, live mode activated, a Stripe account that takes charges', async () => {
    testInvoices = [{ id: 'inv_1' }];
    settings = { ...settings, callbackUrl: 'https://shop.example/callbacks' };
    liveActivated.value = true;
    const wrapper = await mountList();
    expect(done(wrapper)).toEqual({ invoice: 'true', callback: 'true', stripe: 'false', live: 'true' });
    expect(wrapper.text()).toContain('3 of 4 done');
    stripeConnected.value = true;
    await flushPromises();
    expect(done(wrapper).stripe).toBe('true');
    expect(wrapper.text()).toContain('4 of 4 done');
    expect(wrapper.get('[data-checklist-item="live"]').text()).toContain('Done');
  });

  it('can be dismissed, and stays dismissed in this browser', async () => {
    const wrapper = await mountList();
    await wrapper.get('button').trigger('click');
    expect(wrapper.find('[data-checklist-item]').exists()).toBe(false);
    expect((await mountList()).find('[data-checklist-item]').exists()).toBe(false);
  });
});
