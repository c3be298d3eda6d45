import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import StatusBadge from './StatusBadge.vue';
import { setLocale } from '../../i18n';

afterEach(() => setLocale('en'));

describe('StatusBadge (status chips)', () => {
  it('shows a translated label, keeps the raw status in data-status, and picks the tone', () => {
    const paid = mount(StatusBadge, { props: { status: 'paid' } });
    expect(paid.text()).toBe('Paid');
    expect(paid.get('[data-status]').attributes('data-status')).toBe('paid');
    expect(paid.get('.chip').classes()).toContain('chip-success');
    const refunded = mount(StatusBadge, { props: { status: 'partially_refunded' } });
    expect(refunded.text()).toBe('Partially refunded');
    expect(refunded.get('.chip').classes()).toContain('chip-muted');
    expect(
      mount(StatusBadge, { props: { status: 'cancelled' } })
        .get('.chip')
        .classes(),
    ).toContain('chip-danger');
    expect(
      mount(StatusBadge, { props: { status: 'processing' } })
        .get('.chip')
        .classes(),
    ).toContain('chip-progress');
  });

  it('translates per kind and into Norwegian, live', async () => {
    const sms = mount(StatusBadge, { props: { status: 'delivered', kind: 'sms' } });
    expect(sms.text()).toBe('Delivered');
    setLocale('nb');
    await nextTick();
    expect(sms.text()).toBe('Levert');
    expect(mount(StatusBadge, { props: { status: 'awaiting_pin', kind: 'transaction' } }).text()).toBe('Venter på PIN');
  });

  it('falls back to the raw status for unknown values', () => {
    expect(mount(StatusBadge, { props: { status: 'something_new' } }).text()).toBe('something new');
  });
});
