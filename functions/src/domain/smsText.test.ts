import { describe, expect, it } from 'vitest';
import { assertSmsFits, measureSms, renderTemplate } from './smsText';
import { DomainError } from './errors';

describe('measureSms', () => {
  it('keeps Norwegian letters in GSM-7', () => {
    expect(measureSms('Betal for blåbær og ærfugl på Ås')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('counts extension characters as two septets', () => {
    expect(measureSms('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(measureSms('€'.repeat(81))).toEqual({ encoding: 'GSM-7', segments: 2, units: 162 });
  });

  it('splits at 160 / 153 septets', () => {
    expect(measureSms('a'.repeat(160)).segments).toBe(1);
    expect(measureSms('a'.repeat(161)).segments).toBe(2);
    expect(measureSms('a'.repeat(306)).segments).toBe(2);
    expect(measureSms('a'.repeat(307)).segments).toBe(3);
  });

  it('never splits an extension character across parts', () => {
    // 152 plain septets then a two-septet euro: the euro must open part two.
    expect(measureSms('a'.repeat(152) + '€' + 'a'.repeat(10)).segments).toBe(2);
    expect(measureSms('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3);
  });

  it('falls back to UCS-2 for emoji, 70 / 67 code units', () => {
    expect(measureSms('Takk 🎉')).toEqual({ encoding: 'UCS-2', segments: 1, units: 7 });
    expect(measureSms('ж'.repeat(70)).segments).toBe(1);
    expect(measureSms('ж'.repeat(71)).segments).toBe(2);
  });
});

describe('renderTemplate', () => {
  it('fills every placeholder and leaves other braces', () => {
    expect(
      renderTemplate('{merchant}: {amount} for {description} {link} {other}', {
        merchant: 'Shop',
        amount: 'NOK 10.00',
        description: 'Pizza',
        link: 'https://x/pay/t',
      }),
    ).toBe('Shop: NOK 10.00 for Pizza https://x/pay/t {other}');
  });
});

describe('assertSmsFits', () => {
  it('takes 10 segments and refuses 11, naming sms.text', () => {
    expect(assertSmsFits('a'.repeat(1530)).segments).toBe(10);
    expect(assertSmsFits('ж'.repeat(670)).segments).toBe(10);
    for (const text of ['a'.repeat(1531), 'ж'.repeat(671)]) {
      try {
        assertSmsFits(text);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).options.errors?.[0]?.field).toBe('sms.text');
      }
    }
  });
});
