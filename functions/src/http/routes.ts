import type { Services } from '../services';
import { Router } from './router';
import { jsonBody, type ApiRequest } from './request';
import { DomainError, notFound } from '../domain/errors';
import { authenticate, loadMerchant } from '../domain/merchants';
import { createInvoiceSchema, listInvoicesQuerySchema, parseOrThrow, sandboxPaySchema, startPaymentSchema } from '../domain/schemas';
import { runIdempotent } from '../domain/idempotency';
import { cancelInvoice, createInvoice, getInvoice, listInvoiceEvents, listInvoices } from '../domain/invoices';
import { startPayment, viewPayment } from '../domain/pay';
import { getSandboxSession, paySandboxSession } from '../domain/sandboxCheckout';
import { callbackUrlProblem } from '../domain/callbackUrl';
import type { MerchantDoc } from '../domain/types';

const merchantOf = (services: Services, request: ApiRequest): Promise<MerchantDoc> =>
  authenticate(services.db, request.headers.authorization);

const idempotencyScope = (merchant: MerchantDoc, request: ApiRequest) => ({
  merchantId: merchant.id,
  key: request.headers['idempotency-key'],
  method: request.method,
  path: request.path,
  body: request.rawBody.toString('utf8'),
});

/** Every `/api/v1` route: each parses, authenticates and hands over to the domain. */
export const apiRouter = new Router<Services>()
  .on('GET', '/health', async () => ({ status: 200, body: { status: 'ok' } }))

  .on('POST', '/invoices', async (request, _params, services) => {
    const merchant = await merchantOf(services, request);
    const input = parseOrThrow(createInvoiceSchema, jsonBody(request));
    const refusal = input.callbackUrl && callbackUrlProblem(input.callbackUrl, { allowLoopback: services.emulator });
    if (refusal) {
      throw new DomainError('invalid_request', `callbackUrl ${refusal}.`, { errors: [{ field: 'callbackUrl', message: `Callback URLs ${refusal}.` }] });
    }
    return runIdempotent(services.db, idempotencyScope(merchant, request), (tx) =>
      createInvoice(services.db, tx, merchant, input, services.publicBaseUrl),
    );
  })

  .on('GET', '/invoices', async (request, _params, services) => {
    const merchant = await merchantOf(services, request);
    const query = parseOrThrow(listInvoicesQuerySchema, request.query, 'query');
    return { status: 200, body: await listInvoices(services.db, merchant.id, query) };
  })

  .on('GET', '/invoices/:id', async (request, { id }, services) => {
    const merchant = await merchantOf(services, request);
    return { status: 200, body: await getInvoice(services.db, merchant.id, id!) };
  })

  .on('GET', '/invoices/:id/events', async (request, { id }, services) => {
    const merchant = await merchantOf(services, request);
    return { status: 200, body: await listInvoiceEvents(services.db, merchant.id, id!) };
  })

  .on('POST', '/invoices/:id/cancel', async (request, { id }, services) => {
    const merchant = await merchantOf(services, request);
    let sessionToExpire: string | null = null;
    const result = await runIdempotent(services.db, idempotencyScope(merchant, request), async (tx) => {
      const outcome = await cancelInvoice(services.db, tx, merchant.id, id!);
      sessionToExpire = outcome.sessionToExpire;
      return outcome.result;
    });
    if (sessionToExpire) await services.card.expireCheckout(sessionToExpire);
    return result;
  })

  .on('GET', '/pay/:token', async (_request, { token }, services) => ({
    status: 200,
    body: await viewPayment(services.db, token!, (id) => loadMerchant(services.db, id), services.sandbox),
    headers: { 'Cache-Control': 'no-store' },
  }))

  .on('POST', '/pay/:token/transactions', async (request, { token }, services) => {
    const { method } = parseOrThrow(startPaymentSchema, jsonBody(request));
    if (method === 'phone') throw new DomainError('invalid_request', 'Phone payments are not available yet.', { errors: [{ field: 'method', message: 'Use "card".' }] });
    return { status: 201, body: await startPayment(services, { token: token! }, method) };
  })

  .on('GET', '/sandbox/checkout/:id', async (_request, { id }, services) => {
    if (!services.sandbox.card) throw notFound('Checkout session');
    return { status: 200, body: await getSandboxSession(services.db, id!) };
  })

  .on('POST', '/sandbox/checkout/:id/pay', async (request, { id }, services) => {
    if (!services.sandbox.card) throw notFound('Checkout session');
    const { cardNumber } = parseOrThrow(sandboxPaySchema, jsonBody(request));
    const result = await paySandboxSession(
      services.db,
      async (body, signature) => {
        const response = await fetch(`${services.publicBaseUrl}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body,
        });
        if (!response.ok) throw new DomainError('provider_error', `Our webhook answered ${response.status}.`);
      },
      id!,
      cardNumber,
    );
    return { status: 200, body: result };
  })

  .on('GET', '/dev/outbox', async (request, _params, services) => {
    if (!services.emulator) throw new DomainError('not_found', 'No API route GET /dev/outbox.');
    const merchant = await merchantOf(services, request);
    const snap = await services.db
      .collection('smsMessages')
      .where('merchantId', '==', merchant.id)
      .orderBy('createdAt', 'desc')
      .limit(100)
      .get();
    return {
      status: 200,
      body: {
        data: snap.docs.map((d) => ({
          id: d.id,
          to: d.get('to') as string,
          body: d.get('body') as string,
          status: d.get('status') as string,
          kind: d.get('kind') as string,
          invoiceId: d.get('invoiceId') as string | null,
          createdAt: (d.get('createdAt') as FirebaseFirestore.Timestamp).toDate().toISOString(),
        })),
      },
    };
  });
