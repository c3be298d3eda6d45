import { defineSingleton } from './singleton';
import { ref } from 'vue';
import { ApiError, apiFetch, newIdempotencyKey, readResponse } from '../core/api';
import { asyncState } from '../core/state';
import { locale } from '../i18n';
import { normalizePayView, type PaymentMethod, type PayView, type Transaction } from '../core/payView';

const base = (token: string) => `/api/v1/pay/${encodeURIComponent(token)}`;

declare global {
  interface Window {
    /** The pay-view request index.html starts before the JS arrives (see its inline script). */
    __payViewPrefetch?: { token: string; response: Promise<Response> };
  }
}

/** The request index.html already started for this token, taken over once; else null. */
function takePrefetch(token: string): Promise<Response> | null {
  const prefetch = typeof window === 'undefined' ? undefined : window.__payViewPrefetch;
  if (!prefetch || prefetch.token !== token) return null;
  delete window.__payViewPrefetch;
  return prefetch.response;
}

/** Reads `attemptsLeft` from a verify error: the problem may carry the transaction. */
function attemptsFromProblem(error: ApiError): number | null {
  const txn = error.problem?.transaction as { attemptsLeft?: unknown; next?: { attemptsLeft?: unknown } | null } | undefined;
  const value = txn?.next?.attemptsLeft ?? txn?.attemptsLeft ?? error.problem?.attemptsLeft;
  return typeof value === 'number' ? value : null;
}

/** The payer's invoice view and the transaction being paid, for one pay token. */
export const usePayStore = defineSingleton(() => {
  const token = ref<string | null>(null);
  const view = asyncState<PayView>();
  const transaction = asyncState<Transaction>();
  /** PIN tries left, from the last phone transaction or verify error. */
  const attemptsLeft = ref<number | null>(null);

  function forToken(next: string): void {
    if (token.value === next) return;
    token.value = next;
    view.data = null;
    view.error = null;
    resetTransaction();
  }

  /** Loads the view. `silent` keeps the current data on screen while refreshing (polling). */
  async function load(next: string, options: { silent?: boolean } = {}): Promise<PayView | null> {
    forToken(next);
    if (!options.silent) view.pending = true;
    try {
      const prefetched = takePrefetch(next);
      const data = normalizePayView(await (prefetched ? readResponse<unknown>(prefetched) : apiFetch<unknown>(base(next))));
      if (token.value !== next) return null;
      view.data = data;
      view.error = null;
      return data;
    } catch (error) {
      if (token.value === next) view.error = error instanceof ApiError ? error : new ApiError(0, null);
      return null;
    } finally {
      if (token.value === next) view.pending = false;
    }
  }

  async function start(method: PaymentMethod): Promise<Transaction | null> {
    if (!token.value || transaction.pending) return null;
    transaction.pending = true;
    transaction.error = null;
    try {
      const txn = await apiFetch<Transaction>(`${base(token.value)}/transactions`, {
        method: 'POST',
        // The checkout opens in the language the payer reads this page in.
        body: { method, locale: locale.value },
        headers: { 'Idempotency-Key': newIdempotencyKey() },
      });
      transaction.data = txn;
      attemptsLeft.value = txn.next?.type === 'pin' && typeof txn.next.attemptsLeft === 'number' ? txn.next.attemptsLeft : null;
      return txn;
    } catch (error) {
      transaction.error = error instanceof ApiError ? error : new ApiError(0, null);
      return null;
    } finally {
      transaction.pending = false;
    }
  }

  async function verify(pin: string): Promise<Transaction | null> {
    const txn = transaction.data;
    if (!token.value || !txn || transaction.pending) return null;
    transaction.pending = true;
    transaction.error = null;
    try {
      const result = await apiFetch<Transaction>(`${base(token.value)}/transactions/${encodeURIComponent(txn.id)}/verify`, {
        method: 'POST',
        body: { pin },
      });
      transaction.data = result;
      if (result.next?.type === 'pin' && typeof result.next.attemptsLeft === 'number') attemptsLeft.value = result.next.attemptsLeft;
      return result;
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, null);
      transaction.error = apiError;
      const left = attemptsFromProblem(apiError);
      if (left !== null) attemptsLeft.value = left;
      const problemTxn = apiError.problem?.transaction as Transaction | undefined;
      if (problemTxn && typeof problemTxn === 'object' && typeof problemTxn.status === 'string') {
        transaction.data = { ...txn, ...problemTxn };
      }
      return null;
    } finally {
      transaction.pending = false;
    }
  }

  function resetTransaction(): void {
    transaction.data = null;
    transaction.pending = false;
    transaction.error = null;
    attemptsLeft.value = null;
  }

  return { token, view, transaction, attemptsLeft, load, start, verify, resetTransaction };
});
