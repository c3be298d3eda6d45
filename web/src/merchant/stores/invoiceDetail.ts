import { defineStore } from 'pinia';
import { collection, doc, orderBy, query, where } from 'firebase/firestore';
import { firebase } from '../firebase';
import { asyncState } from '../../core/state';
import { streamDoc, streamQuery, type Unsubscribe } from '../live';
import { callbackEventConverter, invoiceConverter, invoiceEventConverter, transactionConverter, type CallbackEventDoc, type InvoiceDoc, type InvoiceEventDoc, type TransactionDoc } from '../types';

/**
 * One invoice, its timeline (invoices/{id}/events, oldest first), its payment attempts
 * (transactions of this merchant and invoice) and, for owners, its callback deliveries
 * (callbackEvents of this merchant and invoice), all live.
 */
export const useInvoiceDetailStore = defineStore('merchantInvoiceDetail', () => {
  const invoice = asyncState<InvoiceDoc, string>();
  const events = asyncState<InvoiceEventDoc[], string>();
  const transactions = asyncState<TransactionDoc[], string>();
  const callbacks = asyncState<CallbackEventDoc[], string>();
  let stops: Unsubscribe[] = [];
  let current: string | null = null;

  function subscribe(id: string, options: { merchantId: string; owner: boolean }): void {
    if (current === id && stops.length) return;
    unsubscribe();
    current = id;
    invoice.data = null;
    events.data = null;
    transactions.data = null;
    callbacks.data = null;
    const { db } = firebase();
    stops = [
      streamDoc(invoice, doc(db, 'invoices', id).withConverter(invoiceConverter)),
      streamQuery(events, query(collection(db, 'invoices', id, 'events').withConverter(invoiceEventConverter), orderBy('createdAt', 'asc'))),
      // Two equality filters (no composite index needed); the rules need the merchantId filter.
      streamQuery(transactions, query(collection(db, 'transactions').withConverter(transactionConverter), where('merchantId', '==', options.merchantId), where('invoiceId', '==', id))),
    ];
    if (options.owner) {
      // Two equality filters (no composite index needed); the rules need the merchantId filter.
      stops.push(streamQuery(callbacks, query(collection(db, 'callbackEvents').withConverter(callbackEventConverter), where('merchantId', '==', options.merchantId), where('invoiceId', '==', id))));
    }
  }

  function unsubscribe(): void {
    for (const stop of stops) stop();
    stops = [];
    current = null;
  }

  return { invoice, events, transactions, callbacks, subscribe, unsubscribe };
});
