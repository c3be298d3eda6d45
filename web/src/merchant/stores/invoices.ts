import { defineStore } from 'pinia';
import { noteServerAnswer } from '../../core/api';
import { reactive, ref } from 'vue';
import {
  collection,
  getDocs,
  limit,
  onSnapshot,
  orderBy,
  query,
  startAfter,
  Timestamp,
  where,
  type Firestore,
  type QueryConstraint,
  type QueryDocumentSnapshot,
  type QuerySnapshot,
} from 'firebase/firestore';
import { firebase } from '../firebase';
import { asyncState } from '../../core/state';
import { mt } from '../i18n';
import { invoiceConverter, type InvoiceDoc } from '../types';
import { normalizePhone } from '../inputs';
import { dashboardMode, type Mode } from '../mode';

export const PAGE_SIZE = 50;

export type SearchField = 'reference' | 'phone' | 'description';

export interface InvoiceFilters {
  status: string;
  /** Local dates, YYYY-MM-DD (inclusive). */
  from: string;
  to: string;
  searchField: SearchField;
  search: string;
}

export const emptyFilters = (): InvoiceFilters => ({ status: '', from: '', to: '', searchField: 'reference', search: '' });

/** Local midnight of a YYYY-MM-DD date, plus `days`. */
function localDay(value: string, days = 0): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
}

/**
 * What Firestore can serve from an index, with one range filter at most:
 * - reference: exact match (`reference ==`), phone: exact E.164 match (`payer.phone ==`);
 * - description: case-sensitive prefix (`description >= s` and `< s + '\uf8ff'`), which is the
 *   query's one range, so it is ordered by description and cannot combine with the date range;
 * - status: `status ==`; dates: `createdAt >= from` and `< to + 1 day`, newest first.
 * Always one mode (the dashboard's switch), so lists and exports never mix test and live.
 */
export function invoiceConstraints(merchantId: string, mode: Mode, filters: InvoiceFilters): QueryConstraint[] {
  const c: QueryConstraint[] = [where('merchantId', '==', merchantId), where('mode', '==', mode)];
  if (filters.status) c.push(where('status', '==', filters.status));
  const search = filters.search.trim();
  const byDescription = filters.searchField === 'description' && search !== '';
  if (search && filters.searchField === 'reference') c.push(where('reference', '==', search));
  if (search && filters.searchField === 'phone') c.push(where('payer.phone', '==', normalizePhone(search)));
  if (byDescription) {
    c.push(where('description', '>=', search), where('description', '<', `${search}\uf8ff`), orderBy('description', 'asc'));
  } else {
    const from = localDay(filters.from);
    const to = localDay(filters.to, 1);
    if (from) c.push(where('createdAt', '>=', Timestamp.fromDate(from)));
    if (to) c.push(where('createdAt', '<', Timestamp.fromDate(to)));
  }
  c.push(orderBy('createdAt', 'desc'));
  return c;
}

export const datesIgnored = (filters: InvoiceFilters): boolean => filters.searchField === 'description' && filters.search.trim() !== '' && Boolean(filters.from || filters.to);

const invoicesQuery = (db: Firestore, merchantId: string, mode: Mode, filters: InvoiceFilters, extra: QueryConstraint[]) =>
  query(collection(db, 'invoices').withConverter(invoiceConverter), ...invoiceConstraints(merchantId, mode, filters), ...extra);

/**
 * The merchant's invoices, a page of 50 at a time, live (`onSnapshot`). Pages are query cursors
 * (`startAfter` the last document of the previous page), so page N costs 51 reads however many
 * invoices there are.
 */
export const useInvoicesStore = defineStore('merchantInvoices', () => {
  const list = asyncState<InvoiceDoc[], string>();
  const filters = reactive<InvoiceFilters>(emptyFilters());
  const hasMore = ref(false);
  const page = ref(0);
  /** cursors[n] is the document page n starts after (null for the first page). */
  let cursors: (QueryDocumentSnapshot<InvoiceDoc> | null)[] = [null];
  let lastDoc: QueryDocumentSnapshot<InvoiceDoc> | null = null;
  let stop: (() => void) | null = null;
  let merchant: string | null = null;
  let mode: Mode = dashboardMode.value;

  function listen(): void {
    stop?.();
    if (!merchant) return;
    const cursor = cursors[page.value] ?? null;
    list.pending = true;
    list.error = null;
    const q = invoicesQuery(firebase().db, merchant, mode, filters, [...(cursor ? [startAfter(cursor)] : []), limit(PAGE_SIZE + 1)]);
    stop = onSnapshot(
      q,
      (snapshot) => {
        if (!snapshot.metadata.fromCache) noteServerAnswer();
        const docs = snapshot.docs.slice(0, PAGE_SIZE);
        list.data = docs.map((d) => d.data());
        lastDoc = docs[docs.length - 1] ?? null;
        hasMore.value = snapshot.size > PAGE_SIZE;
        list.pending = false;
      },
      (error) => {
        list.pending = false;
        list.error = mt('m.loadError', { message: error.message });
      },
    );
  }

  function subscribe(merchantId: string): void {
    if (merchant === merchantId && mode === dashboardMode.value && stop) return;
    merchant = merchantId;
    mode = dashboardMode.value;
    reset();
  }

  /** Applies the current filters from the first page. */
  function reset(): void {
    cursors = [null];
    page.value = 0;
    list.data = null;
    listen();
  }

  function next(): void {
    if (!hasMore.value || !lastDoc) return;
    cursors = [...cursors.slice(0, page.value + 1), lastDoc];
    page.value += 1;
    listen();
  }

  function previous(): void {
    if (page.value === 0) return;
    page.value -= 1;
    listen();
  }

  /** Every invoice matching the filters (not only this page), read in pages of 500, for export. */
  async function fetchAll(max = 10_000): Promise<InvoiceDoc[]> {
    if (!merchant) return [];
    const rows: InvoiceDoc[] = [];
    let cursor: QueryDocumentSnapshot<InvoiceDoc> | null = null;
    while (rows.length < max) {
      const snap: QuerySnapshot<InvoiceDoc> = await getDocs(invoicesQuery(firebase().db, merchant, mode, filters, [...(cursor ? [startAfter(cursor)] : []), limit(500)]));
      rows.push(...snap.docs.map((d) => d.data()));
      if (snap.size < 500) break;
      cursor = snap.docs[snap.docs.length - 1]!;
    }
    return rows.slice(0, max);
  }

  function unsubscribe(): void {
    stop?.();
    stop = null;
    merchant = null;
  }

  return { list, filters, hasMore, page, subscribe, reset, next, previous, fetchAll, unsubscribe };
});
