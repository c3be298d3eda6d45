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
  const details = await card.paymentDetails(txn.providerPaymentId).catch(() => null);
  if (!details?.card) return 'unavailable';
  await ref.update({ card: details.card, fee: details.fee, updatedAt: Timestamp.now() });
  return 'recorded';
}
