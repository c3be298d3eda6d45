import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { paymentDetailsOf } from './stripeCard';

/** A PaymentIntent retrieved with `expand: ['latest_charge.balance_transaction']`, shaped as Stripe's API reference shows it. */
const intent = (card: Record<string, unknown> | null, balance: unknown = { id: 'txn_1', object: 'balance_transaction', amount: 12900, currency: 'nok', fee: 374, net: 12526 }) =>
  ({
    id: 'pi_1',
    object: 'payment_intent',
    amount: 12900,
    currency: 'nok',
    status: 'succeeded',
    latest_charge: {
      id: 'ch_1',
      object: 'charge',
      balance_transaction: balance,
      payment_method_details: card ? { type: 'card', card } : { type: 'klarna', klarna: {} },
    },
  }) as unknown as Stripe.PaymentIntent;

describe('paymentDetailsOf', () => {
  it('reads brand, last 4 and country from the latest charge, and the fee from its balance transaction', () => {
    expect(paymentDetailsOf(intent({ brand: 'visa', last4: '4242', country: 'NO', exp_month: 12, exp_year: 2030, funding: 'credit', wallet: null }))).toEqual({
      card: { brand: 'visa', last4: '4242', country: 'NO', wallet: null },
      fee: { amount: 374, currency: 'NOK' },
    });
  });

  it('names Apple Pay and Google Pay wallets', () => {
    expect(paymentDetailsOf(intent({ brand: 'mastercard', last4: '4444', country: 'SE', wallet: { type: 'apple_pay', apple_pay: {}, dynamic_last4: '1234' } })).card?.wallet).toBe('apple_pay');
    expect(paymentDetailsOf(intent({ brand: 'visa', last4: '1111', country: 'DK', wallet: { type: 'google_pay', google_pay: {} } })).card?.wallet).toBe('google_pay');
    expect(paymentDetailsOf(intent({ brand: 'visa', last4: '1111', country: 'DK', wallet: { type: 'link', link: {} } })).card?.wallet).toBeNull();
  });

  it('gives no card for another payment method, and no fee when the balance transaction is not expanded', () => {
    expect(paymentDetailsOf(intent(null))).toEqual({ card: null, fee: { amount: 374, currency: 'NOK' } });
    expect(paymentDetailsOf(intent({ brand: 'visa', last4: '4242', country: 'US', wallet: null }, 'txn_1')).fee).toBeNull();
    expect(paymentDetailsOf({ id: 'pi_2', object: 'payment_intent', latest_charge: 'ch_2' } as unknown as Stripe.PaymentIntent)).toEqual({ card: null, fee: null });
  });
});
