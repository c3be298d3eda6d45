import { defineStore } from 'pinia';
import { collection, limit, orderBy, query, where } from 'firebase/firestore';
import { firebase } from '../firebase';
import { asyncState } from '../../core/state';
import { streamQuery, type Unsubscribe } from '../live';
import { smsMessageConverter, type SmsMessageDoc } from '../types';
import { dashboardMode } from '../mode';

/** The merchant's latest 100 SMS messages of the dashboard's mode (the Outbox), live. */
export const useOutboxStore = defineStore('merchantOutbox', () => {
  const list = asyncState<SmsMessageDoc[], string>();
  let stop: Unsubscribe | null = null;
  let current: string | null = null;

  function subscribe(merchantId: string): void {
    const key = `${merchantId}/${dashboardMode.value}`;
    if (current === key && stop) return;
    unsubscribe();
    current = key;
    const { db } = firebase();
    stop = streamQuery(
      list,
      query(
        collection(db, 'smsMessages').withConverter(smsMessageConverter),
        where('merchantId', '==', merchantId),
        where('mode', '==', dashboardMode.value),
        orderBy('createdAt', 'desc'),
        limit(100),
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
