import { describe, expect, it } from 'vitest';
import type { Firestore } from 'firebase-admin/firestore';
import { isClosedTransaction, retryClosedTransactions } from './firestore';

const closed = () => Object.assign(new Error('3 INVALID_ARGUMENT: Transaction is invalid or closed.'), { code: 3, details: 'Transaction is invalid or closed.' });

function fakeDb(failures: Error[]) {
  let runs = 0;
  const db = {
    async runTransaction(update: (tx: unknown) => Promise<unknown>) {
      runs++;
      const failure = failures.shift();
      if (failure) throw failure;
      return update({});
    },
  };
  return { db: db as unknown as Firestore, runs: () => runs };
}

describe('transactions the Firestore emulator closed under lock contention', () => {
  it('are run again from the start, and the answer is the last run’s', async () => {
    const { db, runs } = fakeDb([closed(), closed()]);
    retryClosedTransactions(db);
    expect(await db.runTransaction(async () => 'done')).toBe('done');
    expect(runs()).toBe(3);
  });

  it('give up after the last attempt, with the emulator’s error', async () => {
    const { db, runs } = fakeDb([closed(), closed(), closed()]);
    retryClosedTransactions(db, 3);
    await expect(db.runTransaction(async () => 'done')).rejects.toThrow('Transaction is invalid or closed');
    expect(runs()).toBe(3);
  });

  it('never retry any other failure, a domain error included', async () => {
    const refused = Object.assign(new Error('refused'), { code: 'invalid_state' });
    const { db, runs } = fakeDb([refused]);
    retryClosedTransactions(db);
    await expect(db.runTransaction(async () => 'done')).rejects.toBe(refused);
    expect(runs()).toBe(1);
    expect(isClosedTransaction(Object.assign(new Error('x'), { code: 3, details: 'Value for argument "documentPath" is not a valid resource path.' }))).toBe(false);
    expect(isClosedTransaction(closed())).toBe(true);
  });
});
