import { z } from 'zod';
import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { idempotencyScope, merchantOf } from '../auth';
import { DomainError, notFound } from '../../domain/errors';
import { PAYMENT_METHODS, createInvoiceSchema, parseOrThrow } from '../../domain/schemas';
import { runIdempotent } from '../../domain/idempotency';
import { createInvoice } from '../../domain/invoices';
import { startPayment } from '../../domain/pay';
import { verifyPhonePayment } from '../../domain/phonePay';
import { transactionToApi } from '../../domain/serialize';
import { verifyPinSchema } from './pay';
import type { TransactionDoc } from '../../domain/types';

const method = z.enum(PAYMENT_METHODS, { error: 'Must be "card" or "phone".' });
export const forInvoiceSchema = z.strictObject({ invoiceId: z.string().regex(/^inv_[A-Za-z0-9]{22}$/, 'Must be an invoice id.'), method });

/** Direct transactions: for integrators who already know how the payer will pay. */
export function transactionRoutes(router: Router<Services>): void {
  router
    .on('POST', '/transactions', async (request, _params, services) => {
      const merchant = await merchantOf(services, request);
      const body = jsonBody(request) as Record<string, unknown>;
      let invoiceId: string;
      let chosen: z.infer<typeof method>;
      if ('invoiceId' in body) {
        ({ invoiceId, method: chosen } = parseOrThrow(forInvoiceSchema, body));
      } else {
        const { method: rawMethod, ...invoiceFields } = body;
        chosen = parseOrThrow(z.strictObject({ method }), { method: rawMethod }).method;
        const input = parseOrThrow(createInvoiceSchema, { paymentMethods: [chosen], ...invoiceFields });
        if (!input.paymentMethods?.includes(chosen)) {
          throw new DomainError('invalid_request', `paymentMethods must include "${chosen}".`, { errors: [{ field: 'paymentMethods', message: `Must include "${chosen}".` }] });
        }
        // The invoice is made idempotently; the payment start below resumes rather than repeats.
        const created = await runIdempotent(services.db, idempotencyScope(merchant, request), (tx) =>
          createInvoice(services.db, tx, merchant, input, services.publicBaseUrl),
        );
        invoiceId = (created.body as { id: string }).id;
      }
      return { status: 201, body: await startPayment(services, { invoiceId, merchantId: merchant.id }, chosen) };
    })

    .on('GET', '/transactions/:id', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request);
      const txn = /^txn_[A-Za-z0-9]{22}$/.test(id!) ? ((await services.db.collection('transactions').doc(id!).get()).data() as TransactionDoc | undefined) : undefined;
      if (!txn || txn.merchantId !== merchant.id) throw notFound('Transaction');
      return { status: 200, body: transactionToApi(txn) };
    })

    .on('POST', '/transactions/:id/verify', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request);
      const { pin } = parseOrThrow(verifyPinSchema, jsonBody(request));
      return { status: 200, body: await verifyPhonePayment(services, { merchantId: merchant.id }, id!, pin.trim()) };
    });
}
