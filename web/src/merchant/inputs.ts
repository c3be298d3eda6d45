// What merchants type into amount and phone fields, parsed; light enough for the invoice list.
import { minorUnitDigits } from '../i18n/format';

export function knownCurrency(code: string): boolean {
  try {
    const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('currency');
    if (supported) return supported.includes(code);
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

/** "129,50" or "1 299.5" in major units → integer minor units; null when it is not a plain amount. */
export function toMinorUnits(input: string, currency: string): number | null {
  const text = input.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const digits = knownCurrency(currency) ? minorUnitDigits(currency) : 2;
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Removes spaces, dashes and brackets people type in phone numbers. */
export const normalizePhone = (input: string): string => input.replace(/[\s\-()]/g, '');
