import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CardEvent, CardProvider, SessionRecord } from '../adapters/cardProvider';
import type { PhoneBilling } from '../adapters/phoneBilling';
import { applyCardEvent } from './cardEvents';
import { recordPhoneOperator } from './billing';
import { failTransaction, phoneChargeRequest } from './pay';
import { settlePhone } from './phonePay';
import { invoiceRef } from './timeline';
import type { InvoiceDoc, Mode, TransactionDoc } from './types';

export const CARD_STALE_MS = 15 * 60_000;
export const PHONE_STALE_MS = 2 * 60_000;
/**
 * A transaction still `pending` this long was never handed to its provider's next step: the
 * worker that started it died between writing it and recording the checkout session (or the
 * PIN). Nobody can pay it, since its checkout URL or PIN prompt never reached the payer (a
 * session the provider made meanwhile lapses on its own, and its events match no transaction).
 */
export const PENDING_STALE_MS = 10 * 60_000;

/**
 * The event a provider's record of a Checkout Session stands for, or null while the payer may
 * still pay. Its id is derived from the session and its state, so the same record, asked again by
 * another sweep, is the same event and is applied once (cardEvents.ts keeps event ids).
 */
export function cardEventFromSession(txn: Pick<TransactionDoc, 'id' | 'providerSessionId'>, session: SessionRecord): CardEvent | null {
  const eventId = `reconcile_${txn.providerSessionId}_${session.status}`;
  if (session.status === 'complete' && session.paymentStatus !== 'unpaid') {
    return { kind: 'payment_succeeded', eventId, transactionId: txn.id, evidence: session.evidence };
  }
  if (session.status === 'expired') return { kind: 'session_expired', eventId, transactionId: txn.id, evidence: session.evidence };
  return null;
}

/** Settles one card transaction from the provider's own record of its Checkout Session. */
export async function reconcileCardTransaction(deps: { db: Firestore; card: CardProvider }, txn: TransactionDoc): Promise<string> {
  if (txn.status !== 'processing' || !txn.providerSessionId) return 'skipped';
  const event = cardEventFromSession(txn, await deps.card.sessionStatus(txn.providerSessionId, txn.providerAccountId));
  return event ? applyCardEvent(deps.db, deps.card.name, event, txn.mode) : 'open';
}

/** Settles one phone transaction from the billing provider's status. */
export async function reconcilePhoneTransaction(deps: { db: Firestore; phone: PhoneBilling }, txn: TransactionDoc): Promise<string> {
  if (txn.status !== 'processing' && txn.status !== 'awaiting_pin') return 'skipped';
  const invoice = (await invoiceRef(deps.db, txn.invoiceId).get()).data() as InvoiceDoc;
  const result = await deps.phone.status(phoneChargeRequest(txn, invoice));
  if (result.status === 'succeeded') return (await settlePhone(deps.db, txn.id, result.operator)).status;
  if (result.status === 'failed' && txn.status === 'processing') {
    await failTransaction(deps.db, txn.id, result.failureCode, result.failureMessage);
    return 'failed';
  }
  return result.status;
}

/**
 * A phone-billing provider's delivery report (Strex's DLR forward). Reports carry no signature, so
 * one is only a hint: the transaction's status is read back from the provider (authenticated)
 * before anything changes, and the operator the report names is kept only once that look-up, or
 * an earlier one, has confirmed the charge, and only for a report that says it was billed.
 */
export async function applyPhoneDeliveryReport(
  deps: { db: Firestore; providers(mode: Mode): { db: Firestore; phone: PhoneBilling } },
  provider: PhoneBilling['name'],
  report: { providerTransactionId: string; billed: boolean; operator: string | null },
): Promise<string> {
  const found = await deps.db.collection('transactions').where('provider', '==', provider).where('providerPaymentId', '==', report.providerTransactionId).limit(1).get();
  const txn = found.docs[0]?.data() as TransactionDoc | undefined;
  if (!txn) return 'unknown';
  const outcome = await reconcilePhoneTransaction(deps.providers(txn.mode), txn);
  if (report.billed && report.operator) await recordPhoneOperator(deps.db, txn.id, report.operator);
  return outcome;
}

/**
 * Every transaction left `processing` past its provider's usual time is looked up at the
 * provider, so a lost webhook or delivery report never leaves a paid invoice unpaid.
 */
export async function reconcileStale(deps: { db: Firestore; providers(mode: Mode): { db: Firestore; card: CardProvider; phone: PhoneBilling } }, now = Date.now()) {
  const outcomes: Record<string, string> = {};
  for (const [method, staleMs] of [
    ['card', CARD_STALE_MS],
    ['phone', PHONE_STALE_MS],
  ] as const) {
    const stale = await deps.db
      .collection('transactions')
      .where('method', '==', method)
      .where('status', '==', 'processing')
      .where('updatedAt', '<', Timestamp.fromMillis(now - staleMs))
      .limit(200)
      .get();
    for (const doc of stale.docs) {
      const txn = doc.data() as TransactionDoc;
      try {
        const providers = deps.providers(txn.mode);
        outcomes[txn.id] = method === 'card' ? await reconcileCardTransaction(providers, txn) : await reconcilePhoneTransaction(providers, txn);
      } catch (error) {
        outcomes[txn.id] = `error: ${(error as Error).message}`;
      }
    }
  }
  // An attempt a crash left before its provider step: ended, so the invoice is payable again.
  const neverStarted = await deps.db
    .collection('transactions')
    .where('status', '==', 'pending')
    .where('updatedAt', '<', Timestamp.fromMillis(now - PENDING_STALE_MS))
    .limit(200)
    .get();
  for (const doc of neverStarted.docs) {
    try {
      await failTransaction(deps.db, doc.id, 'not_started', 'The payment was interrupted before it reached the provider; choose a payment method again.');
      outcomes[doc.id] = 'not_started';
    } catch (error) {
      outcomes[doc.id] = `error: ${(error as Error).message}`;
    }
  }
  // A PIN nobody typed: the attempt ends when the PIN expires, so the invoice is payable again.
  const abandoned = await deps.db
    .collection('transactions')
    .where('method', '==', 'phone')
    .where('status', '==', 'awaiting_pin')
    .where('pinExpiresAt', '<', Timestamp.fromMillis(now))
    .limit(200)
    .get();
  for (const doc of abandoned.docs) {
    const txn = doc.data() as TransactionDoc;
    try {
      // A provider that checks its own PIN may have charged meanwhile: ask it first.
      const providers = deps.providers(txn.mode);
      const outcome = providers.phone.sendsOwnPin ? await reconcilePhoneTransaction(providers, txn) : 'unpaid';
      if (outcome !== 'succeeded') await failTransaction(deps.db, txn.id, 'pin_expired', 'The PIN expired before it was entered.');
      outcomes[txn.id] = outcome === 'succeeded' ? 'succeeded' : 'pin_expired';
    } catch (error) {
      outcomes[txn.id] = `error: ${(error as Error).message}`;
    }
  }
  return outcomes;
}
