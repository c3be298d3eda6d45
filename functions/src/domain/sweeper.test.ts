import { describe, expect, it } from 'vitest';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { LOST_AFTER_MS, MAX_SWEEPS, isLostCallback, isLostSms, nextSweep } from './sweeper';
import { cardEventFromSession, reconcileCardTransaction } from './reconcile';
import type { CardProvider, PaymentEvidence, SessionRecord } from '../adapters/cardProvider';
import type { TransactionDoc } from './types';

const NOW = Date.UTC(2026, 0, 1, 12);
const at = (ms: number) => Timestamp.fromMillis(ms);
const cutoff = at(NOW - LOST_AFTER_MS);

describe('what the sweeper takes for lost', () => {
  it('an SMS queued or being sent, untouched since before the cutoff; a scheduled one only once due before it', () => {
    expect(isLostSms({ status: 'queued', updatedAt: at(NOW - LOST_AFTER_MS - 1) }, cutoff)).toBe(true);
    expect(isLostSms({ status: 'sending', updatedAt: at(NOW - LOST_AFTER_MS - 1) }, cutoff)).toBe(true);
    expect(isLostSms({ status: 'queued', updatedAt: at(NOW - 1000) }, cutoff)).toBe(false);
    expect(isLostSms({ status: 'scheduled', sendAt: at(NOW - LOST_AFTER_MS - 1) }, cutoff)).toBe(true);
    expect(isLostSms({ status: 'scheduled', sendAt: at(NOW + 3600_000) }, cutoff)).toBe(false);
    expect(isLostSms({ status: 'scheduled', sendAt: null }, cutoff)).toBe(false);
    for (const status of ['sent', 'delivered', 'failed', 'opted_out', 'undelivered']) {
      expect(isLostSms({ status, updatedAt: at(0), sendAt: at(0) }, cutoff)).toBe(false);
    }
  });

  it('a callback event pending since before the cutoff, or retrying with its next attempt before it', () => {
    expect(isLostCallback({ status: 'pending', updatedAt: at(NOW - LOST_AFTER_MS - 1) }, cutoff)).toBe(true);
    expect(isLostCallback({ status: 'pending', updatedAt: at(NOW) }, cutoff)).toBe(false);
    expect(isLostCallback({ status: 'retrying', nextAttemptAt: at(NOW - LOST_AFTER_MS - 1) }, cutoff)).toBe(true);
    expect(isLostCallback({ status: 'retrying', nextAttemptAt: at(NOW + 60_000) }, cutoff)).toBe(false);
    expect(isLostCallback({ status: 'retrying', nextAttemptAt: null }, cutoff)).toBe(false);
    expect(isLostCallback({ status: 'delivered', updatedAt: at(0) }, cutoff)).toBe(false);
    expect(isLostCallback({ status: 'failed', updatedAt: at(0) }, cutoff)).toBe(false);
  });

  it('re-queues once per claim: not again within LOST_AFTER_MS, then numbered, and gives up after MAX_SWEEPS', () => {
    expect(nextSweep({}, NOW)).toBe(1);
    expect(nextSweep({ sweeps: 1, sweptAt: at(NOW - LOST_AFTER_MS / 2) }, NOW)).toBeNull();
    expect(nextSweep({ sweeps: 1, sweptAt: at(NOW - LOST_AFTER_MS - 1) }, NOW)).toBe(2);
    expect(nextSweep({ sweeps: MAX_SWEEPS - 1, sweptAt: at(0) }, NOW)).toBe(MAX_SWEEPS);
    expect(nextSweep({ sweeps: MAX_SWEEPS, sweptAt: at(0) }, NOW)).toBe('give_up');
  });
});

describe('a card transaction left processing, checked at the provider', () => {
  const evidence: PaymentEvidence = { sessionId: 'cs_1', paymentId: 'pi_1', amount: 1000, currency: 'NOK', merchantId: 'm-1', livemode: false };
  const txn = { id: 'txn_1', providerSessionId: 'cs_1' };
  const record = (status: SessionRecord['status'], paymentStatus: SessionRecord['paymentStatus']): SessionRecord => ({ status, paymentStatus, evidence });

  it('a paid session is the payment succeeding, under one event id however often it is asked', () => {
    const first = cardEventFromSession(txn, record('complete', 'paid'));
    expect(first).toEqual({ kind: 'payment_succeeded', eventId: 'reconcile_cs_1_complete', transactionId: 'txn_1', evidence });
    expect(cardEventFromSession(txn, record('complete', 'paid'))).toEqual(first);
    expect(cardEventFromSession(txn, record('complete', 'no_payment_required'))?.kind).toBe('payment_succeeded');
  });

  it('an expired session ends the attempt; an open or unpaid one is left for the next sweep', () => {
    expect(cardEventFromSession(txn, record('expired', 'unpaid'))).toMatchObject({ kind: 'session_expired', eventId: 'reconcile_cs_1_expired' });
    expect(cardEventFromSession(txn, record('open', 'unpaid'))).toBeNull();
    expect(cardEventFromSession(txn, record('complete', 'unpaid'))).toBeNull();
  });

  it('asks the provider only about a processing transaction with a session, and writes nothing while it is open', async () => {
    const asked: string[] = [];
    const card = { name: 'sandbox', sessionStatus: async (id: string) => (asked.push(id), record('open', 'unpaid')) } as unknown as CardProvider;
    const db = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no write expected');
        },
      },
    ) as Firestore;
    const base = { id: 'txn_1', providerSessionId: 'cs_1', status: 'processing', mode: 'test' } as TransactionDoc;
    expect(await reconcileCardTransaction({ db, card }, base)).toBe('open');
    expect(await reconcileCardTransaction({ db, card }, { ...base, status: 'succeeded' })).toBe('skipped');
    expect(await reconcileCardTransaction({ db, card }, { ...base, providerSessionId: null })).toBe('skipped');
    expect(asked).toEqual(['cs_1']);
  });
});
