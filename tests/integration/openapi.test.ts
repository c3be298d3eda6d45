import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenOf, validInvoice, type ApiCall } from '../support/api';
import { createMerchant, type TestMerchant } from '../support/admin';
import { API, BASE_URL } from '../support/env';
import { openApiDocument, responseSchemas } from '../../functions/src/http/openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let merchant: TestMerchant;
let served: Json;

beforeAll(async () => {
  merchant = await createMerchant();
  const call = await api('GET', '/openapi.json');
  expect(call.status).toBe(200);
  served = call.body as Json;
});

function resolve(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const found = (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce<Json | undefined>((at, key) => at?.[key], served);
  expect(found, node.$ref as string).toBeDefined();
  return found!;
}

/**
 * Checks a real response against the served document: its status is documented for the
 * operation, its content type is the documented one, and its body validates against the named
 * component schema (parsed with the zod schema the component was generated from; parsing drops
 * unknown keys, so any undocumented field shows up as a difference).
 */
function expectDocumented(method: string, path: string, call: ApiCall): void {
  const operation = served.paths?.[path]?.[method.toLowerCase()] as Json | undefined;
  expect(operation, `${method} ${path} is in the document`).toBeDefined();
  const documented = operation!.responses[String(call.status)] as Json | undefined;
  expect(documented, `${method} ${path} documents status ${call.status}: ${JSON.stringify(call.body)}`).toBeDefined();
  const response = resolve(documented!);
  const [mediaType, media] = Object.entries(response.content as Json)[0]!;
  expect(call.contentType).toContain(mediaType);
  const name = /^#\/components\/schemas\/(\w+)$/.exec((media as Json).schema.$ref)?.[1] as keyof typeof responseSchemas | undefined;
  expect(name, `${method} ${path} ${call.status} names a component schema`).toBeDefined();
  const schema = responseSchemas[name!];
  const result = schema.safeParse(call.body);
  expect(result.error?.issues ?? [], `${method} ${path} ${call.status} as ${name}`).toEqual([]);
  expect(result.data, `${method} ${path} ${call.status}: fields missing from ${name}`).toEqual(call.body);
}

describe('GET /openapi.json', () => {
  it('answers the OpenAPI 3.1 document as JSON, without a key, with servers under /api/v1', async () => {
    const call = await api('GET', '/openapi.json');
    expect(call.status).toBe(200);
    expect(call.contentType).toContain('application/json');
    expect(call.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: API }] });
    expect(Object.keys(call.body.webhooks)).toContain('invoice.paid');
  });

  it('serves the same schemas the functions source builds', () => {
    expect(served.components.schemas).toEqual((openApiDocument(BASE_URL) as Json).components.schemas);
  });
});

describe('real responses validate against the document', () => {
  it('invoices, the payer view, a card transaction, the sandbox checkout and the timeline', async () => {
    const created = await api('POST', '/invoices', {
      key: merchant.apiKey,
      body: validInvoice({ reference: `openapi-${Date.now()}`, metadata: { orderId: '42' }, returnUrl: 'https://shop.example/thanks' }),
      headers: { 'Idempotency-Key': `openapi-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    expectDocumented('POST', '/invoices', created);
    const id = created.body.id as string;
    const token = tokenOf(created.body.payUrl);

    expectDocumented('GET', '/invoices/{id}', await api('GET', `/invoices/${id}`, { key: merchant.apiKey }));

    const view = await api('GET', `/pay/${token}`);
    expect(view.status).toBe(200);
    expectDocumented('GET', '/pay/{token}', view);

    const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    expect(started.status).toBe(201);
    expect(started.body.next).toMatchObject({ type: 'redirect' });
    expectDocumented('POST', '/pay/{token}/transactions', started);

    const withTransaction = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(withTransaction.body.transaction).toMatchObject({ object: 'transaction', id: started.body.id });
    expectDocumented('GET', '/invoices/{id}', withTransaction);
    expectDocumented('GET', '/transactions/{id}', await api('GET', `/transactions/${started.body.id}`, { key: merchant.apiKey }));

    const sessionId = (started.body.next.url as string).split('/').pop()!;
    expectDocumented('GET', '/sandbox/checkout/{id}', await api('GET', `/sandbox/checkout/${sessionId}`));
    const paid = await api('POST', `/sandbox/checkout/${sessionId}/pay`, { body: { cardNumber: '4242 4242 4242 4242' } });
    expect(paid.status).toBe(200);
    expectDocumented('POST', '/sandbox/checkout/{id}/pay', paid);

    const after = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(after.body).toMatchObject({ status: 'paid', transaction: { status: 'succeeded', next: null } });
    expectDocumented('GET', '/invoices/{id}', after);
    expectDocumented('GET', '/pay/{token}', await api('GET', `/pay/${token}`));

    const list = await api('GET', `/invoices?limit=5&reference=${encodeURIComponent(created.body.reference)}`, { key: merchant.apiKey });
    expect(list.body.data.map((i: { id: string }) => i.id)).toEqual([id]);
    expectDocumented('GET', '/invoices', list);
    expectDocumented('GET', '/invoices', await api('GET', '/invoices?limit=3', { key: merchant.apiKey }));

    const events = await api('GET', `/invoices/${id}/events`, { key: merchant.apiKey });
    expect(events.body.data.length).toBeGreaterThanOrEqual(3);
    expectDocumented('GET', '/invoices/{id}/events', events);

    expectDocumented('GET', '/dev/outbox', await api('GET', '/dev/outbox', { key: merchant.apiKey }));
  });

  it('a phone transaction, with next = pin', async () => {
    // A number of its own, so no other suite's STOP (opt-out) can refuse the PIN SMS.
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4793456781' } }) });
    expect(created.status).toBe(201);
    const started = await api('POST', `/pay/${tokenOf(created.body.payUrl)}/transactions`, { body: { method: 'phone' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.next).toMatchObject({ type: 'pin', attemptsLeft: 3 });
    expectDocumented('POST', '/pay/{token}/transactions', started);
  });

  it('problems: 400 with field errors, 401, 404', async () => {
    const invalid = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: -1, currency: 'nok' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['amount', 'currency']));
    expectDocumented('POST', '/invoices', invalid);

    const badQuery = await api('GET', '/invoices?limit=1000', { key: merchant.apiKey });
    expect(badQuery.status).toBe(400);
    expectDocumented('GET', '/invoices', badQuery);

    const unauthorized = await api('GET', '/invoices', { key: 'sk_test_nope' });
    expect(unauthorized.status).toBe(401);
    expectDocumented('GET', '/invoices', unauthorized);

    const missing = await api('GET', '/invoices/inv_AAAAAAAAAAAAAAAAAAAAAA', { key: merchant.apiKey });
    expect(missing.status).toBe(404);
    expectDocumented('GET', '/invoices/{id}', missing);

    const noLink = await api('GET', `/pay/${'A'.repeat(32)}`);
    expect(noLink.status).toBe(404);
    expectDocumented('GET', '/pay/{token}', noLink);
  });
});
