import { z } from 'zod';
import type { Services } from '../../services';
import type { Router } from '../router';
import { jsonBody } from '../request';
import { idempotencyScope, merchantOf } from '../auth';
import { DomainError, notFound } from '../../domain/errors';
import { PAYMENT_METHODS, createInvoiceSchema, parseOrThrow, type CreateInvoiceInput } from '../../domain/schemas';
import { runOnce } from '../../domain/idempotency';
import { createInvoice, loadInvoiceForMerchant } from '../../domain/invoices';
import { startPayment } from '../../domain/pay';
import { assertModeCanOffer } from '../../domain/modes';
import { verifyPhonePayment } from '../../domain/phonePay';
import { transactionToApi } from '../../domain/serialize';
import { verifyPinSchema } from './pay';
import type { TransactionDoc } from '../../domain/types';

const method = z.enum(PAYMENT_METHODS, { error: 'Must be "card" or "phone".' });
export const forInvoiceSchema = z.strictObject({ invoiceId: z.string().regex(/^inv_[A-Za-z0-9]{22}$/, 'Must be an invoice id.'), method });

/** Invoice fields that only schedule or repeat the pay-link SMS, which a direct transaction never sends. */
const SMS_ONLY_FIELDS = ['sendAt', 'reminders'] as const;

/** Direct transactions: for integrators who already know how the payer will pay. */
export function transactionRoutes(router: Router<Services>): void {
  router
    .on('POST', '/transactions', async (request, _params, services) => {
      const merchant = await merchantOf(services, request, 'transactions.create');
      assertModeCanOffer(merchant);
      const body = jsonBody(request) as Record<string, unknown>;
      const forInvoice = 'invoiceId' in body ? parseOrThrow(forInvoiceSchema, body) : null;
      if (forInvoice) await loadInvoiceForMerchant(services.db, merchant, forInvoice.invoiceId);
      let input: CreateInvoiceInput | null = null;
      let chosen: z.infer<typeof method>;
      if (forInvoice) {
        chosen = forInvoice.method;
      } else {
        const { method: rawMethod, ...invoiceFields } = body;
        chosen = parseOrThrow(z.strictObject({ method }), { method: rawMethod }).method;
        const smsOnly = SMS_ONLY_FIELDS.filter((field) => field in invoiceFields);
        if (smsOnly.length) {
          throw new DomainError('invalid_request', `A direct transaction sends no pay-link SMS, so ${smsOnly.join(' and ')} do not apply.`, {
            errors: smsOnly.map((field) => ({ field, code: 'not_applicable' as const, message: 'Not for direct transactions: no pay-link SMS is sent.' })),
          });
        }
        input = parseOrThrow(createInvoiceSchema, { paymentMethods: [chosen], ...invoiceFields });
        if (!input.paymentMethods?.includes(chosen)) {
          throw new DomainError('invalid_request', `paymentMethods must include "${chosen}".`, {
            errors: [{ field: 'paymentMethods', code: 'invalid_value', values: [chosen], message: `Must include "${chosen}".` }],
          });
        }
      }
      // One key, one payment: a retried request replays the first answer instead of a second PIN or session.
      return runOnce(services.db, idempotencyScope(merchant, request), async () => {
        let invoiceId = forInvoice?.invoiceId;
        if (input) {
          const created = await services.db.runTransaction((tx) => createInvoice(services.db, tx, merchant, input, services.publicBaseUrl, { payLinkSms: false }));
          invoiceId = (created.body as { id: string }).id;
        }
        return { status: 201, body: await startPayment(services, { invoiceId: invoiceId!, merchantId: merchant.id }, chosen) };
      });
    })

    .on('GET', '/transactions/:id', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'transactions.read');
      const txn = /^txn_[A-Za-z0-9]{22}$/.test(id!) ? ((await services.db.collection('transactions').doc(id!).get()).data() as TransactionDoc | undefined) : undefined;
      if (!txn || txn.merchantId !== merchant.id || txn.mode !== merchant.mode) throw notFound('Transaction');
      return { status: 200, body: transactionToApi(txn) };
    })

    .on('POST', '/transactions/:id/verify', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'transactions.verify');
      const { pin } = parseOrThrow(verifyPinSchema, jsonBody(request));
      const txn = /^txn_[A-Za-z0-9]{22}$/.test(id!) ? ((await services.db.collection('transactions').doc(id!).get()).data() as TransactionDoc | undefined) : undefined;
      if (txn && txn.mode !== merchant.mode) throw notFound('Transaction');
      return { status: 200, body: await verifyPhonePayment(services, { merchantId: merchant.id }, id!, pin.trim()) };
    });
}
