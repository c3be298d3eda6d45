import { describe, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { apiRouter } from './routes/index';
import { OPERATION_PATHS, openApiDocument, responseSchemas } from './openapi';
import { toProblem } from './problem';
import { DomainError } from '../domain/errors';
import { invoiceToApi, transactionToApi } from '../domain/serialize';
import { CALLBACK_TYPES, type InvoiceDoc, type TransactionDoc } from '../domain/types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = 'https://pay.example.com';
const doc = openApiDocument(BASE) as Json;

/** The router's own pattern for a `{param}` path (see Router.on). */
const patternOf = (path: string) => new RegExp('^' + path.replace(/\{[A-Za-z]+\}/g, '([^/]+)') + '/?$');

/** Documented but not served yet: spec endpoints whose routes are being built (issue 6, parts 1 and 3). */
const NOT_YET_SERVED = new Set<string>();

const operations = () =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as Json })));

function resolve(pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`External $ref ${pointer}`);
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

describe('openApiDocument', () => {
  it('is an OpenAPI 3.1.0 document with servers under /api/v1 and bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: `${BASE}/api/v1` }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it('is built once per base URL', () => {
    expect(openApiDocument(BASE)).toBe(doc);
    const other = openApiDocument('http://127.0.0.1:5000') as Json;
    expect(other).not.toBe(doc);
    expect(other.servers).toEqual([{ url: 'http://127.0.0.1:5000/api/v1' }]);
  });

  it('documents every route the router serves', () => {
    const documented = operations();
    expect(apiRouter.paths.length).toBeGreaterThan(20);
    const missing = apiRouter.paths.filter((route) => !documented.some((op) => op.method === route.method && patternOf(op.path).source === route.pattern.source));
    expect(missing.map((r) => `${r.method} ${r.pattern.source}`)).toEqual([]);
  });

  it('documents only routes the router serves (or spec endpoints still being built)', () => {
    const extra = operations()
      .filter((op) => !apiRouter.paths.some((route) => route.method === op.method && route.pattern.source === patternOf(op.path).source))
      .map((op) => `${op.method} ${op.path}`)
      .filter((name) => !NOT_YET_SERVED.has(name));
    expect(extra).toEqual([]);
    expect(OPERATION_PATHS.length).toBe(operations().length);
  });

  it('declares every path parameter, and gives every operation a unique operationId', () => {
    const ids = new Set<string>();
    for (const { path, operation } of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared, path).toEqual(names);
      expect(ids.has(operation.operationId), operation.operationId).toBe(false);
      ids.add(operation.operationId);
    }
  });

  it('has the Idempotency-Key header parameter on every POST', () => {
    const posts = operations().filter((op) => op.method === 'POST');
    expect(posts.length).toBeGreaterThan(10);
    for (const { path, operation } of posts) {
      const params = (operation.parameters as Json[]).map((p) => (p.$ref ? (resolve(p.$ref) as Json) : p));
      expect(
        params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        `POST ${path}`,
      ).toBe(true);
    }
    expect(doc.components.parameters.IdempotencyKey.schema).toMatchObject({ maxLength: 255 });
    expect(doc.paths['/invoices'].post.responses['201'].headers['Idempotent-Replayed']).toBeDefined();
  });

  it('has list query parameters from the same zod schema that validates them', () => {
    const names = (doc.paths['/invoices'].get.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['limit', 'startingAfter', 'status', 'reference', 'phone', 'createdFrom', 'createdTo']));
    const limit = (doc.paths['/invoices'].get.parameters as Json[]).find((p) => p.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
  });

  it('takes request bodies from the route schemas, refusing unknown fields as the routes do', () => {
    const create = doc.components.schemas.CreateInvoiceRequest;
    expect(create.required).toEqual(['amount', 'currency', 'description', 'payer']);
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.description).toMatchObject({ maxLength: 200 });
    expect(doc.paths['/invoices'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateInvoiceRequest' });
    expect(doc.components.schemas.RefundRequest.properties.amount.type).toBe('integer');
    expect(doc.components.schemas.TransactionWithInvoiceRequest.required).toContain('method');
  });

  it('answers every error as application/problem+json with the shared Problem schema', () => {
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (Number(status) < 400) continue;
        const resolved = (response.$ref ? resolve(response.$ref) : response) as Json;
        expect(resolved.content['application/problem+json'].schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
    const problem = doc.components.schemas.Problem;
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    expect(problem.properties.code.enum).toEqual(
      expect.arrayContaining([
        'invalid_request',
        'unauthorized',
        'forbidden',
        'not_found',
        'invalid_state',
        'idempotency_conflict',
        'rate_limited',
        'provider_error',
        'card_declined',
        'payment_declined',
      ]),
    );
    expect(doc.components.responses.TooManyRequests.headers['Retry-After']).toBeDefined();
  });

  it('lists each route’s 4xx answers: auth on keyed routes, 404 on ids, 409 where state matters', () => {
    const responses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    expect(responses('/invoices', 'post')).toEqual(expect.arrayContaining(['201', '400', '401', '409', '429']));
    expect(responses('/invoices/{id}', 'get')).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(responses('/invoices/{id}/cancel', 'post')).toContain('409');
    expect(responses('/pay/{token}', 'get')).not.toContain('401');
    expect(doc.paths['/pay/{token}'].get.security).toEqual([]);
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });

  it('describes every merchant callback type under webhooks, with the Standard Webhooks headers', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...CALLBACK_TYPES].sort());
    for (const type of CALLBACK_TYPES) {
      const post = doc.webhooks[type].post as Json;
      const headers = (post.parameters as Json[]).map((p) => resolve(p.$ref) as Json).map((p) => `${p.in}:${p.name}`);
      expect(headers).toEqual(['header:webhook-id', 'header:webhook-timestamp', 'header:webhook-signature']);
      expect(post.requestBody.content['application/json'].schema.allOf[1].properties.type.const).toBe(type);
    }
    expect(doc.components.schemas.CallbackPayload.required).toEqual(['id', 'type', 'createdAt', 'sequence', 'data']);
  });

  it('resolves every $ref and carries no $schema keys', () => {
    for (const pointer of collectRefs(doc)) expect(resolve(pointer), pointer).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('describes Transaction.next as redirect, pin or null', () => {
    const next = doc.components.schemas.TransactionNext;
    expect(next.anyOf[0].oneOf.map((s: Json) => s.properties.type.const)).toEqual(['redirect', 'pin']);
    expect(next.anyOf[1]).toEqual({ type: 'null' });
  });
});

// ---------------------------------------------------------------------------------------------
// The response schemas against what the serializers really produce.

const t = (iso: string) => Timestamp.fromDate(new Date(iso));

const invoiceDoc = (overrides: Partial<InvoiceDoc> = {}): InvoiceDoc => ({
  id: 'inv_AAAAAAAAAAAAAAAAAAAAAA',
  merchantId: 'm-1',
  merchantName: 'Demo Shop',
  mode: 'test',
  status: 'sending',
  amount: 12900,
  currency: 'NOK',
  description: 'Pizza',
  payer: { phone: '+4791234567' },
  locale: 'en',
  paymentMethods: ['card', 'phone'],
  reference: null,
  metadata: {},
  returnUrl: null,
  cancelUrl: null,
  callbackUrl: null,
  smsReceipt: false,
  payToken: 'x'.repeat(32),
  payUrl: `${BASE}/pay/${'x'.repeat(32)}`,
  sms: {
    status: 'queued',
    text: 'Pay here',
    sender: null,
    segments: 1,
    encoding: 'GSM-7',
    messageId: 'sms_1',
    sentAt: null,
    deliveredAt: null,
    failureCode: null,
    resends: 0,
    queuedAt: t('2026-01-01T00:00:00Z'),
  },
  transaction: null,
  reminders: null,
  amountRefunded: 0,
  refundPending: 0,
  callbackSequence: 0,
  expiresAt: t('2026-01-08T00:00:00Z'),
  sendAt: null,
  createdAt: t('2026-01-01T00:00:00Z'),
  updatedAt: t('2026-01-01T00:00:00Z'),
  openedAt: null,
  paidAt: null,
  cancelledAt: null,
  ...overrides,
});

const txnDoc = (overrides: Partial<TransactionDoc> = {}): TransactionDoc => ({
  id: 'txn_BBBBBBBBBBBBBBBBBBBBBB',
  merchantId: 'm-1',
  invoiceId: 'inv_AAAAAAAAAAAAAAAAAAAAAA',
  mode: 'test',
  method: 'card',
  provider: 'sandbox',
  status: 'processing',
  amount: 12900,
  currency: 'NOK',
  failureCode: null,
  failureMessage: null,
  redirectUrl: `${BASE}/sandbox/checkout/cs_1`,
  providerSessionId: 'cs_1',
  providerSessionExpiresAt: t('2026-01-01T01:00:00Z'),
  providerPaymentId: null,
  pinExpiresAt: null,
  pinAttemptsLeft: null,
  amountRefunded: 0,
  createdAt: t('2026-01-01T00:10:00Z'),
  updatedAt: t('2026-01-01T00:10:00Z'),
  succeededAt: null,
  ...overrides,
});

/** Parses (which drops unknown keys) and compares: any field the schema does not document fails. */
function conforms(schema: { parse(value: unknown): unknown }, value: unknown) {
  const plain = JSON.parse(JSON.stringify(value)) as unknown;
  expect(schema.parse(plain)).toEqual(plain);
}

describe('response schemas', () => {
  it('match invoiceToApi with no, summary and full transactions', () => {
    conforms(responseSchemas.Invoice, invoiceToApi(invoiceDoc()));
    const summary = { id: 'txn_BBBBBBBBBBBBBBBBBBBBBB', method: 'card' as const, provider: 'sandbox' as const, status: 'processing' as const };
    conforms(responseSchemas.Invoice, invoiceToApi(invoiceDoc({ status: 'processing', transaction: summary, reference: 'r-1', metadata: { a: 'b' } })));
    conforms(responseSchemas.Invoice, invoiceToApi(invoiceDoc({ status: 'processing', transaction: summary }), txnDoc()));
    conforms(responseSchemas.InvoiceList, { object: 'list', data: [invoiceToApi(invoiceDoc())], hasMore: false });
  });

  it('match transactionToApi for redirect, pin and done', () => {
    const redirect = transactionToApi(txnDoc());
    expect(redirect.next).toMatchObject({ type: 'redirect' });
    conforms(responseSchemas.Transaction, redirect);
    const pin = transactionToApi(txnDoc({ method: 'phone', provider: 'sandbox', status: 'awaiting_pin', redirectUrl: null, pinExpiresAt: t('2026-01-01T00:20:00Z'), pinAttemptsLeft: 3 }));
    expect(pin.next).toMatchObject({ type: 'pin', attemptsLeft: 3 });
    conforms(responseSchemas.Transaction, pin);
    const done = transactionToApi(txnDoc({ status: 'succeeded', succeededAt: t('2026-01-01T00:12:00Z') }));
    expect(done.next).toBeNull();
    conforms(responseSchemas.Transaction, done);
  });

  it('carry billing information: card brand, last 4, wallet, country, fee; the phone operator', () => {
    const card = transactionToApi(
      txnDoc({ status: 'succeeded', succeededAt: t('2026-01-01T00:12:00Z'), card: { brand: 'visa', last4: '4242', country: 'NO', wallet: 'apple_pay' }, fee: { amount: 384, currency: 'NOK' } }),
    );
    expect(card).toMatchObject({ card: { brand: 'visa', last4: '4242', country: 'NO', wallet: 'apple_pay' }, phone: null, fee: { amount: 384, currency: 'NOK' }, amountRefunded: 0 });
    conforms(responseSchemas.Transaction, card);
    const phone = transactionToApi(txnDoc({ method: 'phone', provider: 'strex', status: 'succeeded', redirectUrl: null, operator: 'telenor' }));
    expect(phone).toMatchObject({ card: null, phone: { operator: 'telenor' }, fee: null });
    conforms(responseSchemas.Transaction, phone);
  });

  it('carry the failure on the invoice’s transaction summary (invoice.payment_failed callbacks)', () => {
    const failed = {
      id: 'txn_BBBBBBBBBBBBBBBBBBBBBB',
      method: 'card' as const,
      provider: 'sandbox' as const,
      status: 'failed' as const,
      failureCode: 'card_declined',
      failureMessage: 'Your card was declined.',
    };
    const invoice = invoiceToApi(invoiceDoc({ status: 'opened', transaction: failed }));
    expect(invoice.transaction).toMatchObject({ failureCode: 'card_declined', failureMessage: 'Your card was declined.' });
    conforms(responseSchemas.Invoice, invoice);
  });

  it('match toProblem for every domain error code', () => {
    for (const code of doc.components.schemas.Problem.properties.code.enum as string[]) {
      if (code === 'internal_error') continue;
      const problem = toProblem(new DomainError(code as never, 'Nope.', { errors: [{ field: 'amount', code: 'required', message: 'Required.' }] }));
      expect(problem.status).toBeGreaterThanOrEqual(400);
      conforms(responseSchemas.Problem, problem.body);
    }
    conforms(responseSchemas.Problem, toProblem(new Error('boom')).body);
  });

  it('match a callback payload', () => {
    conforms(responseSchemas.CallbackPayload, {
      id: 'evt_CCCCCCCCCCCCCCCCCCCCCC',
      type: 'invoice.paid',
      createdAt: '2026-01-01T00:12:00.000Z',
      sequence: 3,
      data: { invoice: invoiceToApi(invoiceDoc({ status: 'paid', paidAt: t('2026-01-01T00:12:00Z') })) },
    });
  });
});

describe('the CSV import body', () => {
  it('lists the spec’s dotted headers', () => {
    const doc = openApiDocument('http://127.0.0.1:5000') as Json;
    const csv = doc.paths['/invoices/import'].post.requestBody.content['text/csv'].schema;
    for (const column of [
      'amount',
      'currency',
      'description',
      'payer.phone',
      'payer.name',
      'payer.locale',
      'reference',
      'expiresAt',
      'sendAt',
      'sms.text',
      'returnUrl',
      'cancelUrl',
      'callbackUrl',
      'metadata.<key>',
    ]) {
      expect(csv['x-csv-columns']).toContain(column);
      expect(csv.description).toContain(`\`${column}\``);
    }
  });
});
