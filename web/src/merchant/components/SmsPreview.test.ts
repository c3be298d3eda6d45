import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import SmsPreview from './SmsPreview.vue';

const base: { merchant: string; amount: number; currency: string; locale: 'en' | 'nb'; link: string } = {
  merchant: 'Fjord Bakery',
  amount: 12900,
  currency: 'NOK',
  locale: 'en',
  link: 'http://127.0.0.1:5000/pay/abc',
};

function preview(props: Partial<typeof base> & { description: string; template?: string | null }) {
  const wrapper = mount(SmsPreview, { props: { ...base, ...props } });
  return {
    text: wrapper.get('[data-testid="sms-text"]').text(),
    encoding: wrapper.get('[data-testid="sms-encoding"]').attributes('data-encoding'),
    segments: Number(wrapper.get('[data-testid="sms-segments"]').attributes('data-segments')),
  };
}

describe('SmsPreview', () => {
  it('fills the placeholders as the API does (no no-break spaces in the amount)', () => {
    const { text, encoding, segments } = preview({ description: 'Buns' });
    expect(text).toBe('Fjord Bakery requests NOK 129.00 for Buns. Pay here: http://127.0.0.1:5000/pay/abc');
    expect(encoding).toBe('GSM-7');
    expect(segments).toBe(1);
    expect(preview({ description: 'Boller', locale: 'nb' }).text).toBe('Fjord Bakery ber om 129,00 kr for Boller. Betal her: http://127.0.0.1:5000/pay/abc');
  });

  it('keeps æøå in GSM-7', () => {
    expect(preview({ description: 'Blåbærsyltetøy fra Ås' })).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('counts € as two septets and splits long texts into 153-septet parts', () => {
    const one = preview({ template: `${'€'.repeat(80)}{link}`, link: '', description: '' });
    expect(one).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(preview({ template: `${'€'.repeat(81)}{link}`, link: '', description: '' }).segments).toBe(2);
  });

  it('switches to UCS-2 for an emoji', () => {
    expect(preview({ description: 'Takk 🎉' })).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(preview({ template: 'Takk 🎉 {link}', link: 'x', description: '' })).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('uses a custom template', () => {
    expect(preview({ template: '{description}: {amount} {link}', description: 'Tea' }).text).toBe('Tea: NOK 129.00 http://127.0.0.1:5000/pay/abc');
  });
});
