import { describe, expect, it } from 'vitest';
import { Firestore, Timestamp, type DocumentReference } from 'firebase-admin/firestore';
import { TRANSACTION_STATUSES, canMoveTransaction, type TransactionStatus } from './status';
import { changeTransaction, transactionSummary, type TransactionWrites } from './timeline';
import type { InvoiceDoc, TransactionDoc } from './types';

// References are built locally by the real client (no network); only the transaction's writes are faked.
const db = new Firestore({ projectId: 'unit-test' });

interface Write {
  op: 'update' | 'create';
  path: string;
  data: Record<string, unknown>;
}

/** The Firestore transaction port changeInvoice/changeTransaction write through: records every write. */
class RecordingTransaction implements TransactionWrites {
  writes: Write[] = [];
  update(ref: DocumentReference, data: Record<string, unknown>) {
    this.writes.push({ op: 'update', path: ref.path, data });
    return this;
  }
  create(ref: DocumentReference, data: Record<string, unknown>) {
    this.writes.push({ op: 'create', path: ref.path, data });
    return this;
  }
  to(prefix: string) {
    return this.writes.filter((w) => w.path.startsWith(prefix));
  }
  timeline(invoiceId: string) {
    return this.writes.filter((w) => w.op === 'create' && w.path.startsWith(`invoices/${invoiceId}/events/`));
  }
}

const at = (ms: number) => Timestamp.fromMillis(ms);
const NOW = at(1_800_000_000_000);

function txnDoc(status: TransactionStatus, over: Partial<TransactionDoc> = {}): TransactionDoc {
  return {
    id: 'txn_AAAAAAAAAAAAAAAAAAAAAA',
    merchantId: 'mer_1',
    invoiceId: 'inv_AAAAAAAAAAAAAAAAAAAAAA',
    mode: 'test',
    method: 'card',
    provider: 'sandbox',
    status,
    amount: 25000,
    currency: 'NOK',
    failureCode: null,
    failureMessage: null,
    redirectUrl: null,
    providerSessionId: null,
    providerSessionExpiresAt: null,
    providerPaymentId: null,
    pinExpiresAt: null,
    pinAttemptsLeft: null,
    amountRefunded: 0,
    createdAt: at(1),
    updatedAt: at(1),
    succeededAt: null,
    ...over,
  };
}

function invoiceDoc(txn: TransactionDoc | null, over: Partial<InvoiceDoc> = {}): InvoiceDoc {
  return {
    id: 'inv_AAAAAAAAAAAAAAAAAAAAAA',
    merchantId: 'mer_1',
    merchantName: 'Kafé',
    mode: 'test',
    status: 'processing',
    amount: 25000,
    currency: 'NOK',
    description: 'Lunsj',
    payer: { phone: '+4791234567' },
    locale: 'nb',
    paymentMethods: ['card', 'phone'],
    reference: null,
    metadata: {},
    returnUrl: null,
    cancelUrl: null,
    callbackUrl: 'https://merchant.example/cb',
    smsReceipt: false,
    payToken: 'x'.repeat(32),
    payUrl: 'https://pay.example/pay/x',
    sms: {
      status: 'delivered',
      text: 'Pay',
      sender: null,
      segments: 1,
      encoding: 'GSM-7',
      messageId: null,
      sentAt: null,
      deliveredAt: null,
      failureCode: null,
      resends: 0,
      queuedAt: at(1),
    },
    transaction: txn ? transactionSummary(txn) : null,
    reminders: null,
    amountRefunded: 0,
    refundPending: 0,
    callbackSequence: 3,
    expiresAt: at(2_000_000_000_000),
    sendAt: null,
    createdAt: at(1),
    updatedAt: at(1),
    openedAt: at(1),
    paidAt: null,
    cancelledAt: null,
    ...over,
  };
}

describe('transaction status machine (TRANSACTION_MOVES)', () => {
  const allowed: Record<TransactionStatus, TransactionStatus[]> = {
    pending: ['awaiting_pin', 'processing', 'succeeded', 'failed', 'cancelled'],
    awaiting_pin: ['processing', 'succeeded', 'failed', 'cancelled'],
    processing: ['succeeded', 'failed', 'cancelled'],
    failed: ['succeeded'],
    cancelled: ['succeeded'],
    succeeded: ['refunded'],
    refunded: [],
  };

  it('allows exactly the forward moves, for every pair of statuses', () => {
    for (const from of TRANSACTION_STATUSES) {
      for (const to of TRANSACTION_STATUSES) expect(canMoveTransaction(from, to), `${from} -> ${to}`).toBe(allowed[from].includes(to));
    }
  });

  it('never goes back to an open status once closed, and refunded is final', () => {
    for (const from of ['succeeded', 'failed', 'cancelled', 'refunded'] as const) {
      for (const to of ['pending', 'awaiting_pin', 'processing'] as const) expect(canMoveTransaction(from, to)).toBe(false);
    }
    for (const to of TRANSACTION_STATUSES) expect(canMoveTransaction('refunded', to)).toBe(false);
  });
});

describe('changeTransaction', () => {
  it('refuses a move backwards and writes nothing', () => {
    for (const [from, to] of [
      ['succeeded', 'processing'],
      ['succeeded', 'failed'],
      ['refunded', 'succeeded'],
      ['failed', 'processing'],
      ['processing', 'pending'],
      ['cancelled', 'awaiting_pin'],
    ] as const) {
      const tx = new RecordingTransaction();
      const txn = txnDoc(from);
      const result = changeTransaction(db, tx, txn, invoiceDoc(txn), { to, timeline: { type: 'invoice.payment_failed' } }, NOW);
      expect(result, `${from} -> ${to}`).toBeNull();
      expect(tx.writes, `${from} -> ${to}`).toEqual([]);
    }
  });

  it('refuses the whole change when the invoice may not move with it', () => {
    const tx = new RecordingTransaction();
    const txn = txnDoc('processing');
    const invoice = invoiceDoc(txn, { status: 'paid' });
    expect(changeTransaction(db, tx, txn, invoice, { to: 'cancelled', invoice: { to: 'cancelled' }, timeline: { type: 'invoice.cancelled' } }, NOW)).toBeNull();
    expect(tx.writes).toEqual([]);
  });

  it('writes the transaction, the invoice with its summary in step, and the timeline entry, in the one transaction', () => {
    const tx = new RecordingTransaction();
    const txn = txnDoc('processing', { providerSessionId: 'cs_1' });
    const invoice = invoiceDoc(txn);
    const result = changeTransaction(
      db,
      tx,
      txn,
      invoice,
      {
        to: 'failed',
        patch: { failureCode: 'card_declined', failureMessage: 'Declined.' },
        invoice: { to: 'opened' },
        timeline: { type: 'invoice.payment_failed', data: { transactionId: txn.id } },
        callback: 'invoice.payment_failed',
      },
      NOW,
    );
    expect(result).not.toBeNull();
    expect(result!.txn).toMatchObject({ status: 'failed', failureCode: 'card_declined', updatedAt: NOW });
    expect(result!.invoice.status).toBe('opened');
    expect(result!.invoice.transaction).toEqual({ id: txn.id, method: 'card', provider: 'sandbox', status: 'failed', failureCode: 'card_declined', failureMessage: 'Declined.' });

    const [txnWrite, ...more] = tx.to(`transactions/${txn.id}`);
    expect(more).toEqual([]);
    expect(txnWrite).toMatchObject({ op: 'update', data: { status: 'failed', failureCode: 'card_declined', failureMessage: 'Declined.', updatedAt: NOW } });
    const invoiceWrites = tx.writes.filter((w) => w.path === `invoices/${invoice.id}`);
    expect(invoiceWrites).toHaveLength(1);
    expect(invoiceWrites[0]!.data).toMatchObject({ status: 'opened', transaction: result!.invoice.transaction, updatedAt: NOW, callbackSequence: 4 });
    const timeline = tx.timeline(invoice.id);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.data).toMatchObject({ type: 'invoice.payment_failed', status: 'opened', data: { transactionId: txn.id } });
    expect(tx.to('callbackEvents/')).toHaveLength(1);
  });

  it('keeps the invoice summary in step even when the caller names no invoice change', () => {
    const tx = new RecordingTransaction();
    const txn = txnDoc('pending');
    const invoice = invoiceDoc(txn);
    const result = changeTransaction(db, tx, txn, invoice, { to: 'processing', patch: { redirectUrl: 'https://checkout.example/cs_1' } }, NOW);
    expect(result!.invoice.transaction?.status).toBe('processing');
    expect(result!.invoice.status).toBe('processing');
    const invoiceWrites = tx.writes.filter((w) => w.path === `invoices/${invoice.id}`);
    expect(invoiceWrites).toEqual([{ op: 'update', path: `invoices/${invoice.id}`, data: { transaction: result!.invoice.transaction, updatedAt: NOW } }]);
    expect(tx.timeline(invoice.id)).toEqual([]);
  });

  it('writes only the transaction when nothing the invoice shows changed', () => {
    const tx = new RecordingTransaction();
    const txn = txnDoc('awaiting_pin', { method: 'phone', pinAttemptsLeft: 3 });
    const result = changeTransaction(db, tx, txn, invoiceDoc(txn), { patch: { pinAttemptsLeft: 2 } }, NOW);
    expect(result!.txn.pinAttemptsLeft).toBe(2);
    expect(tx.writes.map((w) => w.path)).toEqual([`transactions/${txn.id}`]);
  });

  it('leaves the summary of the invoice alone for a transaction that is not its latest, but still appends the timeline', () => {
    const tx = new RecordingTransaction();
    const kept = txnDoc('succeeded', { id: 'txn_KEPTKEPTKEPTKEPTKEPTKE' });
    const duplicate = txnDoc('processing');
    const invoice = invoiceDoc(kept, { status: 'paid' });
    const result = changeTransaction(db, tx, duplicate, invoice, { to: 'succeeded', timeline: { type: 'invoice.payment_duplicate', data: { transactionId: duplicate.id } } }, NOW);
    expect(result!.invoice.transaction).toEqual(invoice.transaction);
    expect(tx.writes.filter((w) => w.path === `invoices/${invoice.id}`)).toEqual([]);
    expect(tx.timeline(invoice.id)).toHaveLength(1);
    expect(tx.to(`transactions/${duplicate.id}`)[0]!.data).toMatchObject({ status: 'succeeded' });
  });

  it('makes the transaction the invoice latest when asked (the attempt that paid)', () => {
    const tx = new RecordingTransaction();
    const earlier = txnDoc('cancelled', { id: 'txn_OLDOLDOLDOLDOLDOLDOLDO', failureCode: 'superseded', failureMessage: 'Chose again.' });
    const phone = txnDoc('awaiting_pin', { id: 'txn_PHONEPHONEPHONEPHONEPH', method: 'phone' });
    const invoice = invoiceDoc(phone);
    const result = changeTransaction(
      db,
      tx,
      earlier,
      invoice,
      {
        to: 'succeeded',
        patch: { succeededAt: NOW, failureCode: null, failureMessage: null },
        latest: true,
        invoice: { to: 'paid', patch: { paidAt: NOW } },
        timeline: { type: 'invoice.paid' },
        callback: 'invoice.paid',
      },
      NOW,
    );
    expect(result!.invoice).toMatchObject({ status: 'paid', paidAt: NOW, transaction: { id: earlier.id, method: 'card', provider: 'sandbox', status: 'succeeded' } });
    expect(result!.invoice.transaction).not.toHaveProperty('failureCode');
  });

  it('moves the summary to refunded with the transaction, and a partial refund changes no status', () => {
    const paid = txnDoc('succeeded');
    const invoice = invoiceDoc(paid, { status: 'paid' });
    const partial = new RecordingTransaction();
    const half = changeTransaction(
      db,
      partial,
      paid,
      invoice,
      { patch: { amountRefunded: 100 }, invoice: { to: 'partially_refunded', patch: { amountRefunded: 100 } }, timeline: { type: 'invoice.refunded' } },
      NOW,
    );
    expect(half!.txn.status).toBe('succeeded');
    expect(half!.invoice).toMatchObject({ status: 'partially_refunded', transaction: { status: 'succeeded' } });

    const full = new RecordingTransaction();
    const all = changeTransaction(
      db,
      full,
      half!.txn,
      half!.invoice,
      { to: 'refunded', patch: { amountRefunded: 25000 }, invoice: { to: 'refunded', patch: { amountRefunded: 25000 } }, timeline: { type: 'invoice.refunded' } },
      NOW,
    );
    expect(all!.invoice).toMatchObject({ status: 'refunded', transaction: { status: 'refunded' } });
    expect(full.writes.find((w) => w.path === `invoices/${invoice.id}`)!.data).toMatchObject({ status: 'refunded', transaction: { status: 'refunded' } });
  });
});

describe('changeTransaction and a summary read back from Firestore', () => {
  it('sees no change in a summary whose keys come back in another order', () => {
    const tx = new RecordingTransaction();
    const txn = txnDoc('processing');
    const { id, method, provider, status } = transactionSummary(txn);
    const invoice = invoiceDoc(null, { transaction: { status, provider, method, id } });
    changeTransaction(db, tx, txn, invoice, { patch: { providerSessionId: 'cs_2' } }, NOW);
    expect(tx.writes.map((w) => w.path)).toEqual([`transactions/${txn.id}`]);
  });
});
