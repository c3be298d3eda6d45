import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { PhoneBilling } from '../adapters/phoneBilling';
import { DomainError } from './errors';
import { PIN_MAX_ATTEMPTS, checkPin } from './pin';
import { isPayable } from './status';
import { pinPepper, pinRef } from './phoneSms';
import { failTransaction, moveTransaction, phoneChargeRequest } from './pay';
import { settleSucceeded } from './settle';
import { isOperatorId } from './billing';
import { transactionToApi } from './serialize';
import { changeTransaction, invoiceRef } from './timeline';
import type { InvoiceDoc, Mode, TransactionDoc } from './types';

const FAILURES = {
  expired: ['pin_expired', 'The PIN has expired. Choose a payment method again to get a new one.'],
  locked: ['too_many_attempts', 'Too many wrong PINs. Choose a payment method again to get a new one.'],
} as const;

/** Who may verify: the payer holding the pay token, or the merchant's backend for its own invoice. */
export type TransactionOwner = { token: string } | { merchantId: string };

/**
 * Verifies the PIN the payer typed and charges the phone subscription. Our own PINs (sandbox)
 * are checked here, a wrong try counted in the same transaction; a provider that sends its own
 * PIN (Strex) checks it itself, and we still stop after three tries.
 */
export async function verifyPhonePayment(deps: { db: Firestore; providers(mode: Mode): { phone: PhoneBilling } }, owner: TransactionOwner, txnId: string, pin: string) {
  const { db } = deps;
  if (!/^txn_[A-Za-z0-9]{22}$/.test(txnId)) throw new DomainError('not_found', 'Transaction not found.');
  const outcome = await db.runTransaction(
    async (tx) => {
      const txnSnap = await tx.get(db.collection('transactions').doc(txnId));
      const txn = txnSnap.data() as TransactionDoc | undefined;
      const invoice = txn ? ((await tx.get(invoiceRef(db, txn.invoiceId))).data() as InvoiceDoc) : undefined;
      const allowed = txn && invoice && ('token' in owner ? invoice.payToken === owner.token : invoice.merchantId === owner.merchantId);
      if (!txn || !invoice || !allowed) throw new DomainError('not_found', 'Transaction not found.');
      if (txn.method !== 'phone') throw new DomainError('invalid_state', 'Only phone transactions take a PIN.');
      if (txn.status !== 'awaiting_pin') {
        return { kind: 'refused' as const, txn, message: `The transaction is ${txn.status}; it takes no PIN now.` };
      }
      const now = Timestamp.now();
      // Paid by another attempt, expired or cancelled meanwhile: charging now would take money twice.
      if (!isPayable(invoice.status) || invoice.expiresAt.toMillis() <= now.toMillis() || invoice.transaction?.id !== txnId) {
        const cancelled = changeTransaction(
          db,
          tx,
          txn,
          invoice,
          { to: 'cancelled', patch: { failureCode: `invoice_${invoice.status}`, failureMessage: 'The invoice can no longer be paid with this PIN.' } },
          now,
        );
        return {
          kind: 'refused' as const,
          txn: cancelled?.txn ?? txn,
          message: `The invoice is ${invoice.status === 'processing' ? 'being paid another way' : invoice.status}; this PIN can no longer be used.`,
        };
      }
      if (!/^\d{6}$/.test(pin)) return { kind: 'malformed' as const, txn };
      const attemptsLeft = txn.pinAttemptsLeft ?? PIN_MAX_ATTEMPTS;
      if (deps.providers(txn.mode).phone.sendsOwnPin) {
        if (now.toMillis() >= (txn.pinExpiresAt?.toMillis() ?? 0)) return { kind: 'failed' as const, txn, reason: 'expired' as const };
        // Checked and taken in this transaction, before the PIN goes to the provider: however many
        // verifies race, at most three tries are ever forwarded. The tries still in flight decide
        // the outcome, so this one fails nothing.
        if (attemptsLeft <= 0) return { kind: 'refused' as const, txn, message: 'No PIN tries are left for this payment.' };
        const tried = changeTransaction(db, tx, txn, invoice, { patch: { pinAttemptsLeft: attemptsLeft - 1 } }, now)!;
        return { kind: 'charge' as const, txn: tried.txn, invoice: tried.invoice };
      }
      const secretSnap = await tx.get(pinRef(db, txnId));
      const pepper = await pinPepper(db, tx);
      const state = secretSnap.data() as { hash: string; expiresAt: Timestamp; attempts: number; used: boolean };
      const check = checkPin(
        { hash: state.hash, expiresAt: state.expiresAt.toMillis(), attempts: state.attempts, used: state.used },
        { pin, transactionId: txnId, amount: txn.amount, pepper, now: now.toMillis() },
      );
      if (check.ok) {
        tx.update(secretSnap.ref, { used: true });
        const charging = changeTransaction(db, tx, txn, invoice, { to: 'processing' }, now)!;
        return { kind: 'charge' as const, txn: charging.txn, invoice: charging.invoice };
      }
      if (check.reason === 'malformed') return { kind: 'malformed' as const, txn };
      if (check.reason === 'used') return { kind: 'refused' as const, txn, message: 'This PIN has already been used.' };
      tx.update(secretSnap.ref, { attempts: PIN_MAX_ATTEMPTS - check.attemptsLeft });
      const tried = changeTransaction(db, tx, txn, invoice, { patch: { pinAttemptsLeft: check.attemptsLeft } }, now)!;
      if (check.reason === 'wrong') return { kind: 'wrong' as const, txn: tried.txn };
      return { kind: 'failed' as const, txn, reason: check.reason };
    },
    { maxAttempts: 25 },
  );

  switch (outcome.kind) {
    case 'malformed':
      throw new DomainError('invalid_request', 'The PIN is the 6 digits from the SMS.', {
        errors: [{ field: 'pin', code: 'invalid_format', minimum: 6, maximum: 6, unit: 'characters', message: 'Enter the 6 digits from the SMS.' }],
        extra: { transaction: transactionToApi(outcome.txn), attemptsLeft: outcome.txn.pinAttemptsLeft },
      });
    case 'wrong':
      throw wrongPin(outcome.txn);
    case 'refused':
      throw new DomainError('invalid_state', outcome.message, { extra: { transaction: transactionToApi(outcome.txn) } });
    case 'failed': {
      const [code, message] = FAILURES[outcome.reason];
      await failTransaction(db, txnId, code, message);
      throw new DomainError('invalid_state', message, { extra: { transaction: transactionToApi(await reload(db, txnId)) } });
    }
    case 'charge':
      return charge(deps, outcome.txn, outcome.invoice, pin);
  }
}

function wrongPin(txn: TransactionDoc): DomainError {
  const left = txn.pinAttemptsLeft ?? 0;
  return new DomainError('invalid_request', `That PIN is not correct. ${left} ${left === 1 ? 'try' : 'tries'} left.`, {
    errors: [{ field: 'pin', code: 'wrong_pin', message: `Not correct; ${left} ${left === 1 ? 'try' : 'tries'} left.` }],
    extra: { transaction: transactionToApi(txn), attemptsLeft: left },
  });
}

const reload = async (db: Firestore, txnId: string) => (await db.collection('transactions').doc(txnId).get()).data() as TransactionDoc;

async function charge(deps: { db: Firestore; providers(mode: Mode): { phone: PhoneBilling } }, txn: TransactionDoc, invoice: InvoiceDoc, pin: string) {
  const { db } = deps;
  let result;
  try {
    result = await deps.providers(txn.mode).phone.confirm(phoneChargeRequest(txn, invoice), pin);
  } catch (error) {
    // The charge may or may not have reached the provider: leave it processing for reconciliation.
    await moveTransaction(db, txn.id, txn.status, { to: 'processing' });
    throw new DomainError('provider_error', `The phone billing provider did not answer: ${(error as Error).message}`);
  }
  if (result.status === 'failed') {
    if (result.failureCode === 'pin_invalid' && (txn.pinAttemptsLeft ?? 0) > 0) throw wrongPin(txn);
    const code = result.failureCode === 'pin_invalid' ? 'too_many_attempts' : result.failureCode;
    const message = result.failureCode === 'pin_invalid' ? FAILURES.locked[1] : result.failureMessage;
    await failTransaction(db, txn.id, code, message);
    throw new DomainError('payment_declined', message, { extra: { declineCode: code, transaction: transactionToApi(await reload(db, txn.id)) } });
  }
  if (result.status === 'processing') return transactionToApi(await moveTransaction(db, txn.id, txn.status, { to: 'processing' }));
  return transactionToApi(await settlePhone(db, txn.id, result.operator));
}

/**
 * Applies a phone charge the provider confirmed (from verify, a delivery report or reconciliation),
 * with the payer's mobile operator when the provider named it.
 */
export async function settlePhone(db: Firestore, txnId: string, operator?: string | null): Promise<TransactionDoc> {
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(db.collection('transactions').doc(txnId));
    const txn = snap.data() as TransactionDoc;
    const invoice = (await tx.get(invoiceRef(db, txn.invoiceId))).data() as InvoiceDoc;
    const now = Timestamp.now();
    const named = operator && !txn.operator && isOperatorId(operator) ? operator : null;
    if (!settleSucceeded(db, tx, txn, invoice, now, null, named ? { operator: named } : {})) return txn;
    return { ...txn, status: 'succeeded' as const, succeededAt: now, ...(named ? { operator: named } : {}) };
  });
}
