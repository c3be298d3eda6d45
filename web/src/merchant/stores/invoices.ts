import { defineStore } from 'pinia';
import { collection, limit, orderBy, query, where } from 'firebase/firestore';
import { firebase } from '../firebase';
import { asyncState } from '../../lib/state';
import { streamQuery, type Unsubscribe } from '../live';
import { invoiceConverter, type InvoiceDoc } from '../types';

/** The merchant's latest 50 invoices, live. */
export const useInvoicesStore = defineStore('merchantInvoices', () => {
  const list = asyncState<InvoiceDoc[], string>();
  let stop: Unsubscribe | null = null;
  let current: string | null = null;

  function subscribe(merchantId: string): void {
    if (current === merchantId && stop) return;
    unsubscribe();
    current = merchantId;
    const { db } = firebase();
    stop = streamQuery(
      list,
      query(
        collection(db, 'invoices').withConverter(invoiceConverter),
        where('merchantId', '==', merchantId),
        orderBy('createdAt', 'desc'),
        limit(50),
      ),
    );
  }

  function unsubscribe(): void {
    stop?.();
    stop = null;
    current = null;
  }

  return { list, subscribe, unsubscribe };
});
