import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../i18n';
import { billingLines } from './billing';

/** Intl puts no-break spaces in money; compare with plain ones. */
const plain = (lines: { key: string; label: string; value: string }[]) => lines.map((l) => ({ ...l, value: l.value.replace(/[\u00a0\u202f]/g, ' ') }));

const card = {
  method: 'card',
  currency: 'NOK',
  card: { brand: 'visa', last4: '4242', country: 'NO', wallet: 'apple_pay' },
  fee: { amount: 425, currency: 'NOK' },
  amountRefunded: 5000,
};

afterEach(() => setLocale('en'));

describe('billing information of a transaction', () => {
  it('a card: brand and last 4, wallet, issuing country, fee and amount refunded (en)', () => {
    expect(plain(billingLines(card))).toEqual([
      { key: 'card', label: 'Card', value: 'Visa •••• 4242' },
      { key: 'wallet', label: 'Wallet', value: 'Apple Pay' },
      { key: 'country', label: 'Card country', value: 'Norway' },
      { key: 'fee', label: 'Fee', value: 'NOK 4.25' },
      { key: 'refunded', label: 'Refunded', value: 'NOK 50.00' },
    ]);
  });

  it('the same in Norwegian: labels, country name and money in nb', () => {
    setLocale('nb');
    expect(plain(billingLines(card))).toEqual([
      { key: 'card', label: 'Kort', value: 'Visa •••• 4242' },
      { key: 'wallet', label: 'Lommebok', value: 'Apple Pay' },
      { key: 'country', label: 'Kortets land', value: 'Norge' },
      { key: 'fee', label: 'Gebyr', value: '4,25 kr' },
      { key: 'refunded', label: 'Refundert', value: '50,00 kr' },
    ]);
  });

  it('a phone payment names the operator Strex reported; the sandbox says it has none', () => {
    expect(billingLines({ method: 'phone', currency: 'NOK', operator: 'no.telenor' })).toEqual([{ key: 'operator', label: 'Mobile operator', value: 'Telenor' }]);
    expect(billingLines({ method: 'phone', currency: 'NOK', operator: 'no.some_mvno' })[0]!.value).toBe('Some mvno');
    setLocale('nb');
    expect(billingLines({ method: 'phone', currency: 'NOK', operator: 'sandbox' })).toEqual([{ key: 'operator', label: 'Mobiloperatør', value: 'Testmiljø (ingen operatør)' }]);
  });

  it('shows nothing the provider did not report, and no card line on a phone payment', () => {
    expect(billingLines({ method: 'card', currency: 'NOK', card: null, fee: null, amountRefunded: 0 })).toEqual([]);
    expect(billingLines({ method: 'phone', currency: 'NOK', operator: null, card: card.card })).toEqual([]);
    expect(billingLines({ method: 'card', currency: 'NOK', card: { brand: 'mastercard', last4: '4444', country: null, wallet: null } })).toEqual([
      { key: 'card', label: 'Card', value: 'Mastercard •••• 4444' },
    ]);
  });
});
