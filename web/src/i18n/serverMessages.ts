import type { ApiError } from '../core/api';
import { t, tMaybe, type MessageKey } from './index';
import { formatWait } from './format';

/**
 * Messages from the server in the payer's language. Pages translate by `code` (problem+json)
 * and `failureCode` (transactions); the server's English `detail` is never shown as such, so a
 * Norwegian page never shows "Your card was declined.".
 */

/** "3 tries left" / "3 forsøk igjen". */
export function attemptsLeftText(count: number): string {
  return t(count === 1 ? 'phone.attemptsLeft.one' : 'phone.attemptsLeft.other', { count });
}

/** Why a transaction failed, by its `failureCode` and method. */
export function failureText(code: string | null | undefined, method: string | null | undefined): string {
  if (code?.startsWith('invoice_')) return t('failure.invoice_closed');
  // An attempt the sweeper ended before it reached the provider: nothing was declined.
  if (code === 'not_started') return t('failure.other');
  const kind = method === 'card' || method === 'phone' ? method : null;
  if (!kind) return t('failure.other');
  return tMaybe(`failure.${kind}.${code ?? ''}`, t(`failure.${kind}.other` as MessageKey));
}

interface ProblemTransaction {
  method?: unknown;
  status?: unknown;
  failureCode?: unknown;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** What a failed API call means for the payer, from the problem's `code` and its extras. */
export function problemText(error: ApiError, method?: string | null): string {
  if (error.isNetwork) return t('common.networkError');
  const problem = error.problem ?? {};
  const txn = (problem.transaction ?? null) as ProblemTransaction | null;
  const txnMethod = str(txn?.method) ?? method ?? null;
  const failureCode = str(problem.declineCode) ?? str(txn?.failureCode);
  switch (problem.code) {
    case 'card_declined':
      return failureText(failureCode ?? 'card_declined', 'card');
    case 'payment_declined':
      return failureText(failureCode, txnMethod);
    case 'invalid_request': {
      // By the field error's code; the payer's pages send only `pin`, `cardNumber` and `method`.
      const left = typeof problem.attemptsLeft === 'number' ? problem.attemptsLeft : null;
      for (const e of problem.errors ?? []) {
        if (e.field === 'pin' && e.code === 'wrong_pin' && left !== null) return t(left === 1 ? 'phone.wrongPin.one' : 'phone.wrongPin.other', { count: left });
        if (e.field === 'pin') return t('phone.invalidPin');
        if (e.field === 'cardNumber' && e.code === 'invalid_format') return t('error.cardNumber.format', { minimum: e.minimum ?? 12, maximum: e.maximum ?? 19 });
        if (e.field === 'cardNumber') return t('error.cardNumber');
        if (e.field === 'method') return t('error.not_offered');
      }
      return t('common.error');
    }
    case 'invalid_state':
      if (failureCode) return failureText(failureCode, txnMethod);
      return t('error.invalid_state');
    case 'not_found':
      return t('pay.unavailable.title');
    case 'rate_limited': {
      // Only the PIN SMS limits (per hour, per day) ask for a minute or more; the others a few seconds.
      const wait = error.retryAfter;
      if (wait !== null && wait >= 60) return t('error.rate_limited.pin', { wait: formatWait(wait) });
      return t('error.rate_limited', { wait: wait === null ? t('error.aMoment') : formatWait(wait) });
    }
    case 'provider_error':
      return t('error.provider_error');
    default:
      return t('common.error');
  }
}
