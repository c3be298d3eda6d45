import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTime, formatMoney, minorUnitDigits, toMajorUnits } from './format';
import { en } from './en';
import { nb } from './nb';
import { interpolate, locale, resolveLocale, setLocale, t } from './index';
import { rt } from './receipt';

// Intl uses no-break spaces (U+00A0, U+202F) in nb; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

afterEach(() => setLocale('en'));

describe('money', () => {
  it('converts minor units with the currency digits from Intl', () => {
    expect(minorUnitDigits('NOK')).toBe(2);
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(toMajorUnits(12345, 'NOK')).toBe(123.45);
    expect(toMajorUnits(500, 'JPY')).toBe(500);
  });

  it('formats NOK and EUR in English', () => {
    expect(plain(formatMoney(125000, 'NOK', 'en'))).toBe('NOK 1,250.00');
    expect(plain(formatMoney(1999, 'EUR', 'en'))).toBe('€19.99');
    expect(plain(formatMoney(5, 'nok', 'en'))).toBe('NOK 0.05');
  });

  it('formats NOK and EUR in Norwegian', () => {
    expect(plain(formatMoney(125000, 'NOK', 'nb'))).toBe('1 250,00 kr');
    expect(plain(formatMoney(1999, 'EUR', 'nb'))).toBe('19,99 €');
  });

  it('follows the active locale when none is given', () => {
    setLocale('nb');
    expect(plain(formatMoney(100, 'NOK'))).toBe('1,00 kr');
    setLocale('en');
    expect(plain(formatMoney(100, 'NOK'))).toBe('NOK 1.00');
  });

  it('formats zero-decimal currencies', () => {
    expect(plain(formatMoney(1500, 'JPY', 'en'))).toBe('JP¥1,500');
    expect(plain(formatMoney(1500, 'JPY', 'nb'))).toBe('1 500 JPY');
  });
});

describe('dates', () => {
  const when = '2026-11-25T13:05:00Z';
  it('formats in English and Norwegian', () => {
    expect(plain(formatDateTime(when, 'en', 'UTC'))).toBe('25 Nov 2026, 13:05');
    expect(plain(formatDateTime(when, 'nb', 'Europe/Oslo'))).toBe('25. nov. 2026, 14:05');
  });
  it('accepts Firestore-like timestamps and ignores bad input', () => {
    expect(plain(formatDateTime({ toDate: () => new Date(when) }, 'en', 'UTC'))).toBe('25 Nov 2026, 13:05');
    expect(formatDateTime('not a date', 'en')).toBe('');
    expect(formatDateTime(null, 'en')).toBe('');
  });
});

describe('i18n', () => {
  it('has a Norwegian message for every English key', () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(nb)) expect(value.length).toBeGreaterThan(0);
  });

  it('translates with params and sets the document language', () => {
    setLocale('nb');
    expect(t('phone.wrongPin.other', { count: 2 })).toBe('Feil kode. Du har 2 forsøk igjen.');
    expect(rt('receipt.returnTo', { merchant: 'Demo Shop' })).toBe('Tilbake til Demo Shop');
    expect(document.documentElement.lang).toBe('nb');
    setLocale('en');
    expect(rt('receipt.returnTo', { merchant: 'Demo Shop' })).toBe('Return to Demo Shop');
    expect(locale.value).toBe('en');
  });

  it('resolves BCP 47 tags', () => {
    expect(resolveLocale('nb-NO')).toBe('nb');
    expect(resolveLocale('no')).toBe('nb');
    expect(resolveLocale('nn-NO')).toBe('nb');
    expect(resolveLocale('en-US')).toBe('en');
    expect(resolveLocale('de')).toBeNull();
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
