import { interpolate, locale, type Params } from '../../i18n';
import { en, type MerchantMessageKey, type MerchantMessages } from './en';
import { nb } from './nb';

/** Merchant dashboard messages: kept out of the payer bundle (this folder is merchant-only). */
export type { MerchantMessageKey, MerchantMessages };

const catalog = (): MerchantMessages => (locale.value === 'nb' ? nb : en);

/** Translates a merchant dashboard message in the active locale. */
export function mt(key: MerchantMessageKey, params?: Params): string {
  return interpolate(catalog()[key] ?? en[key], params);
}

/** Like `mt` for a key computed at run time; null when there is no such message. */
export function mtMaybe(key: string, params?: Params): string | null {
  const template = (catalog() as Readonly<Record<string, string>>)[key] ?? (en as Readonly<Record<string, string>>)[key];
  return template === undefined ? null : interpolate(template, params);
}

/** A translated status label, e.g. statusLabel('partially_refunded') → "Partially refunded". */
export function statusLabel(status: string, kind: 'invoice' | 'sms' | 'transaction' | 'callback' | 'key' = 'invoice'): string {
  return mtMaybe(`m.status.${kind}.${status}`) ?? status.replace(/_/g, ' ');
}
