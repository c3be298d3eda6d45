import { intlLocale, locale } from '../i18n';
import { money } from './format';
import { mt } from './i18n';
import type { TransactionDoc } from './types';

/** One line of a transaction's billing information: what was charged, as the provider reports it. */
export interface BillingLine {
  /** Stable, for tests and styling: `card`, `wallet`, `country`, `operator`, `fee`, `refunded`. */
  key: string;
  label: string;
  value: string;
}

/** Card networks by the brand codes Stripe reports (`payment_method_details.card.brand`); names are not translated. */
const BRANDS: Record<string, string> = {
  amex: 'American Express',
  cartes_bancaires: 'Cartes Bancaires',
  diners: 'Diners Club',
  discover: 'Discover',
  eftpos_au: 'eftpos',
  jcb: 'JCB',
  link: 'Link',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

const WALLETS: Record<string, string> = { apple_pay: 'Apple Pay', google_pay: 'Google Pay' };

/**
 * Mobile operators by the ids Strex names in its delivery reports (`operatorId`: "Can be
 * 'no.telenor', 'no.telia', 'no.ice' etc."); any other id is shown by its name part.
 */
const OPERATORS: Record<string, string> = { 'no.telenor': 'Telenor', 'no.telia': 'Telia', 'no.ice': 'Ice' };

const words = (code: string) => code.replace(/[_-]+/g, ' ').replace(/^\p{Ll}/u, (c) => c.toUpperCase());

export function cardBrandName(brand: string): string {
  return BRANDS[brand.toLowerCase()] ?? (brand.toLowerCase() === 'unknown' ? mt('m.billing.unknownBrand') : words(brand));
}

export function operatorName(operator: string): string {
  if (operator === 'sandbox') return mt('m.billing.sandboxOperator');
  return OPERATORS[operator.toLowerCase()] ?? words(operator.replace(/^[a-z]{2}\./i, ''));
}

/** The issuing country in the dashboard's language ("Norway", "Norge"), or the code when Intl does not know it. */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames([intlLocale(locale.value)], { type: 'region', fallback: 'code' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** What the merchant sees of a transaction's billing information, in the dashboard's language; money via Intl. */
export function billingLines(txn: Pick<TransactionDoc, 'method' | 'currency' | 'card' | 'operator' | 'fee' | 'amountRefunded'>): BillingLine[] {
  const lines: BillingLine[] = [];
  if (txn.method === 'card' && txn.card) {
    const { brand, last4, wallet, country } = txn.card;
    lines.push({ key: 'card', label: mt('m.billing.card'), value: `${cardBrandName(brand)} •••• ${last4}` });
    if (wallet) lines.push({ key: 'wallet', label: mt('m.billing.wallet'), value: WALLETS[wallet] ?? words(wallet) });
    if (country) lines.push({ key: 'country', label: mt('m.billing.country'), value: countryName(country) });
  }
  if (txn.method === 'phone' && txn.operator) {
    lines.push({ key: 'operator', label: mt('m.billing.operator'), value: operatorName(txn.operator) });
  }
  if (txn.fee) lines.push({ key: 'fee', label: mt('m.billing.fee'), value: money(txn.fee.amount, txn.fee.currency) });
  if (txn.amountRefunded) lines.push({ key: 'refunded', label: mt('m.billing.refunded'), value: money(txn.amountRefunded, txn.currency) });
  return lines;
}
