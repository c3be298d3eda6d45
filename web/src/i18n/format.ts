import { intlLocale, locale as activeLocale, type Locale } from './index';

const numberFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(tag: string, currency: string): Intl.NumberFormat {
  const key = `${tag}|${currency}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(tag, { style: 'currency', currency });
    numberFormats.set(key, format);
  }
  return format;
}

function toTag(locale: Locale | string | undefined): string {
  if (locale === undefined) return intlLocale(activeLocale.value);
  return locale === 'en' || locale === 'nb' ? intlLocale(locale) : locale;
}

/** Number of minor-unit digits of an ISO 4217 currency per Intl (NOK 2, EUR 2, JPY 0, ...). */
export function minorUnitDigits(currency: string): number {
  return currencyFormat('en', currency.toUpperCase()).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Converts an integer amount in minor units to the currency's major unit. */
export function toMajorUnits(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorUnitDigits(currency);
}

/**
 * Formats an integer amount in minor units, e.g. (125000, 'NOK', 'nb') → "1 250,00 kr",
 * (125000, 'NOK', 'en') → "NOK 1,250.00". `locale` is 'en' | 'nb' or any BCP 47 tag.
 */
export function formatMoney(amountMinor: number, currency: string, locale?: Locale | string): string {
  const code = currency.toUpperCase();
  try {
    return currencyFormat(toTag(locale), code).format(toMajorUnits(amountMinor, code));
  } catch {
    return `${(amountMinor / 100).toFixed(2)} ${code}`;
  }
}

export type DateInput = Date | string | number | { toDate(): Date } | null | undefined;

export function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'object' && 'toDate' in value) return value.toDate();
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Formats a date and time, e.g. "25 Nov 2026, 14:05" (en) or "25. nov. 2026, 14:05" (nb). */
export function formatDateTime(value: DateInput, locale?: Locale | string, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return '';
  return new Intl.DateTimeFormat(toTag(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

/** Formats a time of day, e.g. "14:05". */
export function formatTime(value: DateInput, locale?: Locale | string, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return '';
  return new Intl.DateTimeFormat(toTag(locale), {
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(date);
}

/** A wait in words, rounded up: "3 sekunder", "40 minutter", "2 hours" (at most 90 of a unit before the next). */
export function formatWait(seconds: number, locale?: Locale | string): string {
  const [value, unit] = seconds < 90 ? [seconds, 'second'] : seconds < 90 * 60 ? [seconds / 60, 'minute'] : [seconds / 3600, 'hour'];
  return new Intl.NumberFormat(toTag(locale), { style: 'unit', unit, unitDisplay: 'long' }).format(Math.ceil(value));
}
