/**
 * Types of what the API answers and accepts, taken from the server's own code (types only: no
 * server code reaches the bundle), so a fixture that drifts from the API fails the typecheck.
 */
import type { viewPayment } from '../../../functions/src/domain/pay';
import type { transactionToApi } from '../../../functions/src/domain/serialize';
import type { startPaymentSchema } from '../../../functions/src/domain/schemas';
import type { verifyPinSchema } from '../../../functions/src/http/routes/pay';

/** What a zod schema of the server accepts (its own zod, not the web's). */
type SchemaInput<S> = S extends { _zod: { input: infer I } } ? I : never;

/** `GET /api/v1/pay/{token}` (an expired or cancelled invoice is a 404, never a view). */
export type ApiPayView = Awaited<ReturnType<typeof viewPayment>>;
/** A transaction as every route answers it. */
export type ApiTransaction = ReturnType<typeof transactionToApi>;
/** `POST /api/v1/pay/{token}/transactions`. */
export type StartPaymentBody = SchemaInput<typeof startPaymentSchema>;
/** `POST /api/v1/pay/{token}/transactions/{id}/verify`. */
export type VerifyPinBody = SchemaInput<typeof verifyPinSchema>;

/** A transaction as the API answers it; a phone transaction awaiting its PIN unless overridden. */
export function apiTransaction(overrides: Partial<ApiTransaction> = {}): ApiTransaction {
  const method = overrides.method ?? 'phone';
  return {
    id: 'txn_1',
    object: 'transaction',
    invoiceId: 'inv_1',
    method,
    provider: 'sandbox',
    status: method === 'phone' ? 'awaiting_pin' : 'processing',
    amount: 125000,
    currency: 'NOK',
    failureCode: null,
    failureMessage: null,
    amountRefunded: 0,
    card: null,
    phone: method === 'phone' ? { operator: null } : null,
    fee: null,
    next: null,
    livemode: false,
    createdAt: '2026-12-02T11:00:00.000Z',
    succeededAt: null,
    ...overrides,
  };
}

import type { FieldError } from '../core/api';

/** An application/problem+json body, with the fields the pay routes add. */
export interface ApiProblem {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  attemptsLeft?: number | null;
  declineCode?: string;
  transaction?: ApiTransaction;
}
export const problem = (body: ApiProblem) => ({ status: body.status, body });
