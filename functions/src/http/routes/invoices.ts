import type { Services } from '../../services';
import type { Router } from '../router';
import { z } from 'zod';
import { logger } from 'firebase-functions';
import { IMPORT_MAX_BYTES, jsonBody } from '../request';
import { idempotencyScope, merchantOf } from '../auth';
import { DomainError } from '../../domain/errors';
import { createInvoiceSchema, listInvoicesQuerySchema, parseOrThrow } from '../../domain/schemas';
import { runIdempotent } from '../../domain/idempotency';
import { cancelInvoice, createInvoice, getInvoice, listInvoiceEvents, listInvoices, loadInvoiceForMerchant, resendInvoice } from '../../domain/invoices';
import { refundInvoice } from '../../domain/refunds';
import { importInvoices, IMPORT_MAX_ROWS } from '../../domain/importInvoices';
import { invoiceRowsFromCsv } from '../../domain/csv';
import { runOnce } from '../../domain/idempotency';
import { callbackUrlProblem } from '../../domain/callbackUrl';
import { assertModeCanOffer } from '../../domain/modes';
import type { CheckoutToClose } from '../../domain/status';

export const refundSchema = z.strictObject({
  amount: z.number({ error: 'Must be an integer in minor units.' }).int('Must be an integer in minor units.').positive('Must be greater than zero.').optional(),
});

const importEnvelopeSchema = z.strictObject({
  invoices: z.array(z.unknown(), { error: 'Send { invoices: [...] } or a text/csv body.' }).max(IMPORT_MAX_ROWS, `At most ${IMPORT_MAX_ROWS} rows.`),
});

export function invoiceRoutes(router: Router<Services>): void {
  router
    .on('POST', '/invoices', async (request, _params, services) => {
      const merchant = await merchantOf(services, request, 'invoices.create');
      assertModeCanOffer(merchant);
      const input = parseOrThrow(createInvoiceSchema, jsonBody(request));
      const refusal = input.callbackUrl && callbackUrlProblem(input.callbackUrl, { allowLoopback: services.emulator });
      if (refusal) {
        throw new DomainError('invalid_request', `callbackUrl ${refusal}.`, { errors: [{ field: 'callbackUrl', code: 'invalid_url', message: `Callback URLs ${refusal}.` }] });
      }
      return runIdempotent(services.db, idempotencyScope(merchant, request), (tx) => createInvoice(services.db, tx, merchant, input, services.publicBaseUrl));
    })

    .on('POST', '/invoices/import', async (request, _params, services) => {
      const merchant = await merchantOf(services, request, 'invoices.import');
      assertModeCanOffer(merchant);
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (request.rawBody.length > IMPORT_MAX_BYTES) {
        throw new DomainError('payload_too_large', 'An import body may be at most 20 MB.', {
          errors: [{ field: '(body)', code: 'too_big', maximum: IMPORT_MAX_BYTES, unit: 'bytes', message: 'At most 20 MB.' }],
        });
      }
      const rows = type === 'text/csv' ? invoiceRowsFromCsv(request.rawBody.toString('utf8')) : parseOrThrow(importEnvelopeSchema, jsonBody(request, IMPORT_MAX_BYTES)).invoices;
      return runOnce(services.db, idempotencyScope(merchant, request), async (run) => ({
        status: 200,
        body: await importInvoices(services.db, merchant, rows, services.publicBaseUrl, (url) => callbackUrlProblem(url, { allowLoopback: services.emulator }), run),
      }));
    })

    .on('GET', '/invoices', async (request, _params, services) => {
      const merchant = await merchantOf(services, request, 'invoices.read');
      const query = parseOrThrow(listInvoicesQuerySchema, request.query, 'query');
      return { status: 200, body: await listInvoices(services.db, merchant, query) };
    })

    .on('GET', '/invoices/:id', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'invoices.read');
      return { status: 200, body: await getInvoice(services.db, merchant, id!) };
    })

    .on('GET', '/invoices/:id/events', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'invoices.read');
      return { status: 200, body: await listInvoiceEvents(services.db, merchant, id!) };
    })

    .on('POST', '/invoices/:id/cancel', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'invoices.cancel');
      await loadInvoiceForMerchant(services.db, merchant, id!);
      let sessionToExpire = null as CheckoutToClose | null;
      const result = await runIdempotent(services.db, idempotencyScope(merchant, request), async (tx) => {
        const outcome = await cancelInvoice(services.db, tx, merchant.id, id!);
        sessionToExpire = outcome.sessionToExpire;
        return outcome.result;
      });
      // The cancel is committed; a provider hiccup here must not turn it into an error.
      if (sessionToExpire)
        await services
          .providers(merchant.mode)
          .card.expireCheckout(sessionToExpire.sessionId, sessionToExpire.account)
          .catch((error: Error) => logger.warn('could not expire checkout', { sessionToExpire, error: error.message }));
      return result;
    })

    .on('POST', '/invoices/:id/resend', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'invoices.resend');
      await loadInvoiceForMerchant(services.db, merchant, id!);
      return runIdempotent(services.db, idempotencyScope(merchant, request), (tx) => resendInvoice(services.db, tx, merchant.id, id!));
    })

    .on('POST', '/invoices/:id/refund', async (request, { id }, services) => {
      const merchant = await merchantOf(services, request, 'invoices.refund');
      // The mode never changes, so checking it before the transaction is enough.
      await loadInvoiceForMerchant(services.db, merchant, id!);
      const { amount } = parseOrThrow(refundSchema, request.rawBody.length ? jsonBody(request) : {});
      return runOnce(services.db, idempotencyScope(merchant, request), async () => {
        const { refund, invoice } = await refundInvoice(services.providers(merchant.mode), merchant.id, id!, amount, request.headers['idempotency-key']);
        return { status: 200, body: { ...invoice, refund: { id: refund.id, amount: refund.amount, status: refund.status } } };
      });
    });
}
