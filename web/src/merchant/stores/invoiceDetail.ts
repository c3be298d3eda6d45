import { defineStore } from 'pinia';
import { collection, doc, orderBy, query } from 'firebase/firestore';
import { firebase } from '../firebase';
import { asyncState } from '../../lib/state';
import { streamDoc, streamQuery, type Unsubscribe } from '../live';
import { invoiceConverter, invoiceEventConverter, type InvoiceDoc, type InvoiceEventDoc } from '../types';

/** One invoice and its timeline (invoices/{id}/events, oldest first), live. */
export const useInvoiceDetailStore = defineStore('merchantInvoiceDetail', () => {
  const invoice = asyncState<InvoiceDoc, string>();
  const events = asyncState<InvoiceEventDoc[], string>();
  let stops: Unsubscribe[] = [];
  let current: string | null = null;

  function subscribe(id: string): void {
    if (current === id && stops.length) return;
    unsubscribe();
    current = id;
    invoice.data = null;
    events.data = null;
    const { db } = firebase();
    stops = [
      streamDoc(invoice, doc(db, 'invoices', id).withConverter(invoiceConverter)),
      streamQuery(
        events,
        query(collection(db, 'invoices', id, 'events').withConverter(invoiceEventConverter), orderBy('createdAt', 'asc')),
      ),
    ];
  }

  function unsubscribe(): void {
    for (const stop of stops) stop();
    stops = [];
    current = null;
  }

  return { invoice, events, subscribe, unsubscribe };
});
