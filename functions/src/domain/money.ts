const SUPPORTED = new Set(Intl.supportedValuesOf('currency'));

/** The ISO 4217 codes the API takes (as this runtime's Intl knows them), sorted: the OpenAPI `enum`. */
export const KNOWN_CURRENCIES: readonly string[] = [...SUPPORTED].sort();

export function isKnownCurrency(code: string): boolean {
  return SUPPORTED.has(code);
}

/** Digits after the decimal point for a currency (ISO 4217 minor unit, as Intl knows it). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function toMajor(amount: number, currency: string): number {
  return amount / 10 ** minorUnitDigits(currency);
}

/** Formats an amount in minor units for a locale, e.g. 12950 NOK in nb → "129,50 kr". */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(toMajor(amount, currency));
}
