import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import StatusChip from './StatusChip.vue';

describe('StatusChip', () => {
  it('shows the raw status and exposes it as data-status', () => {
    const chip = mount(StatusChip, { props: { status: 'paid' } });
    expect(chip.text()).toBe('paid');
    expect(chip.attributes('data-status')).toBe('paid');
    expect(chip.classes()).toContain('chip-success');
  });

  it('can show a translated label while keeping the raw status', () => {
    const chip = mount(StatusChip, { props: { status: 'partially_refunded', label: 'Delvis refundert' } });
    expect(chip.text()).toBe('Delvis refundert');
    expect(chip.attributes('data-status')).toBe('partially_refunded');
  });

  it('colours failures and progress differently', () => {
    expect(mount(StatusChip, { props: { status: 'failed' } }).classes()).toContain('chip-danger');
    expect(mount(StatusChip, { props: { status: 'processing' } }).classes()).toContain('chip-progress');
    expect(mount(StatusChip, { props: { status: 'sent' } }).classes()).toContain('chip-info');
  });
});
