import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CardProvider } from '../adapters/cardProvider';
import type { TransactionDoc } from './types';

/**
 * After a card payment succeeded: what the provider says was charged (brand, last 4, country,
 * wallet; its fee) goes on the transaction, once. Reading it is best effort: the payment is
 * settled whatever the provider answers here, and a later event for the same payment tries again.
 */
export async function recordPaymentDetails(db: Firestore, card: Pick<CardProvider, 'paymentDetails'>, transactionId: string): Promise<'recorded' | 'not_needed' | 'unavailable'> {
  const ref = db.collection('transactions').doc(transactionId);
  const txn = (await ref.get()).data() as TransactionDoc | undefined;
  if (!txn || txn.method !== 'card' || txn.status !== 'succeeded' || txn.card || !txn.providerPaymentId) return 'not_needed';
  const details = await card.paymentDetails(txn.providerPaymentId, txn.providerAccountId).catch(() => null);
  if (!details?.card) return 'unavailable';
  await ref.update({ card: details.card, fee: details.fee, updatedAt: Timestamp.now() });
  return 'recorded';
}

/**
 * A mobile operator as the phone-billing providers name it: Strex's `operatorId` ("Can be
 * 'no.telenor', 'no.telia', 'no.ice' etc."), or the sandbox's `sandbox`. Anything else is ignored.
 */
export function isOperatorId(value: unknown): value is string {
  return typeof value === 'string' && (value === 'sandbox' || /^[a-z]{2}\.[a-z0-9][a-z0-9._-]{0,39}$/.test(value));
}

/**
 * Records the payer's mobile operator on a phone transaction that has succeeded, once. Strex names
 * the operator only in its delivery reports, which carry no signature: the caller first has the
 * transaction's outcome confirmed by Strex (authenticated), and an operator never changes money.
 */
export async function recordPhoneOperator(db: Firestore, transactionId: string, operator: string): Promise<'recorded' | 'not_needed'> {
  if (!isOperatorId(operator)) return 'not_needed';
  const ref = db.collection('transactions').doc(transactionId);
  return db.runTransaction(async (tx) => {
    const txn = (await tx.get(ref)).data() as TransactionDoc | undefined;
    if (!txn || txn.method !== 'phone' || txn.operator || (txn.status !== 'succeeded' && txn.status !== 'refunded')) return 'not_needed';
    tx.update(ref, { operator, updatedAt: Timestamp.now() });
    return 'recorded';
  });
}
