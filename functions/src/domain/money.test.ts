import { describe, expect, it } from 'vitest';
import { formatMoney, isKnownCurrency, minorUnitDigits, toMajor } from './money';

describe('money', () => {
  it('knows ISO 4217 codes and their minor units', () => {
    expect(isKnownCurrency('NOK')).toBe(true);
    expect(isKnownCurrency('XYZ')).toBe(false);
    expect(minorUnitDigits('NOK')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('converts minor units and formats per locale', () => {
    expect(toMajor(12950, 'NOK')).toBe(129.5);
    expect(formatMoney(12950, 'NOK', 'en').replace(/\s/g, ' ')).toBe('NOK 129.50');
    expect(formatMoney(12950, 'NOK', 'nb').replace(/\s/g, ' ')).toBe('129,50 kr');
    expect(formatMoney(500, 'JPY', 'en')).toBe('¥500');
  });
});
