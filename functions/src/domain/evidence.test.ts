import { describe, expect, it } from 'vitest';
import type { Timestamp } from 'firebase-admin/firestore';
import { evidenceDifferences } from './evidence';
import type { TransactionDoc } from './types';

const at = {} as Timestamp;
const txn = (overrides: Partial<TransactionDoc> = {}): TransactionDoc => ({
  id: 'txn_1',
  merchantId: 'm-1',
  invoiceId: 'inv_1',
  mode: 'test',
  method: 'card',
  provider: 'stripe',
  status: 'processing',
  amount: 9_999_900,
  currency: 'NOK',
  failureCode: null,
  failureMessage: null,
  redirectUrl: null,
  providerSessionId: 'cs_1',
  providerSessionExpiresAt: null,
  providerPaymentId: null,
  pinExpiresAt: null,
  pinAttemptsLeft: null,
  amountRefunded: 0,
  createdAt: at,
  updatedAt: at,
  succeededAt: null,
  ...overrides,
});
const matching = { sessionId: 'cs_1', paymentId: 'pi_1', amount: 9_999_900, currency: 'NOK', merchantId: 'm-1', livemode: false };
const session = { session: true, merchant: true };

describe('evidenceDifferences', () => {
  it('finds nothing when the session, amount, currency, merchant and mode are the transaction’s', () => {
    expect(evidenceDifferences(txn(), 'stripe', matching, session)).toEqual([]);
  });

  it('requires an event from the connected account the transaction was made on, and none from another', () => {
    const onAccount = txn({ providerAccountId: 'acct_merchant' });
    expect(evidenceDifferences(onAccount, 'stripe', { ...matching, account: 'acct_merchant' }, session)).toEqual([]);
    expect(evidenceDifferences(onAccount, 'stripe', { ...matching, account: 'acct_other' }, session)).toEqual([{ field: 'account', expected: 'acct_merchant', received: 'acct_other' }]);
    expect(evidenceDifferences(onAccount, 'stripe', matching, session)).toEqual([{ field: 'account', expected: 'acct_merchant', received: null }]);
    // A payment on the platform's own account is not settled by a connected account's event.
    expect(evidenceDifferences(txn(), 'stripe', { ...matching, account: 'acct_merchant' }, session)).toEqual([{ field: 'account', expected: null, received: 'acct_merchant' }]);
  });

  it('names every field another session differs in', () => {
    expect(evidenceDifferences(txn(), 'stripe', { ...matching, sessionId: 'cs_other', amount: 100, currency: 'EUR' }, session)).toEqual([
      { field: 'sessionId', expected: 'cs_1', received: 'cs_other' },
      { field: 'amount', expected: 9_999_900, received: 100 },
      { field: 'currency', expected: 'NOK', received: 'EUR' },
    ]);
  });

  it('treats what the provider did not say as a difference', () => {
    const silent = { sessionId: null, paymentId: null, amount: null, currency: null, merchantId: null, livemode: null };
    expect(evidenceDifferences(txn(), 'stripe', silent, session).map((d) => d.field)).toEqual(['sessionId', 'amount', 'currency', 'merchantId', 'livemode']);
  });

  it('matches no session for a transaction whose checkout was never stored', () => {
    expect(evidenceDifferences(txn({ providerSessionId: null }), 'stripe', { ...matching, sessionId: null }, session)).toEqual([{ field: 'sessionId', expected: null, received: null }]);
  });

  it('compares the payment once known, and the merchant of a charge only when it names one', () => {
    const refund = { session: false, merchant: false };
    expect(evidenceDifferences(txn({ providerPaymentId: 'pi_1' }), 'stripe', { ...matching, sessionId: null, merchantId: null }, refund)).toEqual([]);
    expect(evidenceDifferences(txn({ providerPaymentId: 'pi_1' }), 'stripe', { ...matching, sessionId: null, paymentId: 'pi_2' }, refund)).toEqual([
      { field: 'paymentId', expected: 'pi_1', received: 'pi_2' },
    ]);
    expect(evidenceDifferences(txn(), 'stripe', { ...matching, sessionId: null, merchantId: 'm-2' }, refund)).toEqual([{ field: 'merchantId', expected: 'm-1', received: 'm-2' }]);
  });

  it('never lets a sandbox or a test-mode event settle a live transaction', () => {
    expect(evidenceDifferences(txn({ mode: 'live', provider: 'sandbox' }), 'sandbox', matching, session)).toEqual([
      { field: 'mode', expected: 'live', received: 'sandbox' },
      { field: 'livemode', expected: true, received: false },
    ]);
    expect(evidenceDifferences(txn({ mode: 'live' }), 'stripe', matching, session)).toEqual([{ field: 'livemode', expected: true, received: false }]);
    expect(evidenceDifferences(txn({ mode: 'live' }), 'stripe', { ...matching, livemode: true }, session)).toEqual([]);
    expect(evidenceDifferences(txn(), 'stripe', { ...matching, livemode: true }, session)).toEqual([{ field: 'livemode', expected: false, received: true }]);
  });

  it('refuses evidence from another provider', () => {
    expect(evidenceDifferences(txn({ provider: 'sandbox' }), 'stripe', matching, session)).toEqual([{ field: 'provider', expected: 'sandbox', received: 'stripe' }]);
  });
});
