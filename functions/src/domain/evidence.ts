import type { PaymentEvidence } from '../adapters/cardProvider';
import type { TransactionDoc } from './types';

type Value = string | number | boolean | null;

/** One way a provider's evidence disagrees with our transaction, as shown in `payment.mismatch`. */
export interface EvidenceDifference {
  field: 'provider' | 'mode' | 'account' | 'sessionId' | 'paymentId' | 'amount' | 'currency' | 'merchantId' | 'livemode';
  expected: Value;
  received: Value;
}

export interface EvidenceRules {
  /** The event is about a Checkout Session: its id must be the transaction's. */
  session: boolean;
  /** The event must name the merchant (our metadata); charges may not carry it, so refunds compare it only when present. */
  merchant: boolean;
}

/**
 * Money moves only when the provider's evidence is about this very transaction: same provider
 * and connected account, same session (and payment, once known), same amount, currency and merchant, same mode. A live
 * transaction is never settled by a sandbox or by a test-mode event. Empty when everything matches.
 */
export function evidenceDifferences(txn: TransactionDoc, provider: string, evidence: PaymentEvidence, rules: EvidenceRules): EvidenceDifference[] {
  const differences: EvidenceDifference[] = [];
  const differ = (field: EvidenceDifference['field'], expected: Value, received: Value) => {
    if (expected !== received) differences.push({ field, expected, received });
  };
  const live = txn.mode === 'live';
  differ('provider', txn.provider, provider);
  // A payment on a connected account is settled only by news from that account, never another's or the platform's.
  differ('account', txn.providerAccountId ?? null, evidence.account ?? null);
  if (live && provider === 'sandbox') differences.push({ field: 'mode', expected: 'live', received: 'sandbox' });
  if (rules.session || evidence.sessionId !== null) {
    // A transaction whose checkout was never stored can match no session.
    if (txn.providerSessionId === null || evidence.sessionId !== txn.providerSessionId) differences.push({ field: 'sessionId', expected: txn.providerSessionId, received: evidence.sessionId });
  }
  if (txn.providerPaymentId !== null && evidence.paymentId !== null) differ('paymentId', txn.providerPaymentId, evidence.paymentId);
  differ('amount', txn.amount, evidence.amount);
  differ('currency', txn.currency, evidence.currency);
  if (rules.merchant || evidence.merchantId !== null) differ('merchantId', txn.merchantId, evidence.merchantId);
  differ('livemode', live, evidence.livemode);
  return differences;
}
