import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import { api, validInvoice, type ApiCall } from '../support/api';
import { createMerchant, type TestMerchant } from '../support/admin';
import { API, BASE_URL } from '../support/env';
import { openApiDocument, responseSchemas } from '../../functions/src/http/openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const DOC_ID = 'https://smspay.test/openapi.json';

let merchant: TestMerchant;
let served: Json;
let ajv: Ajv2020;
const validators = new Map<string, ValidateFunction>();
/** Every `METHOD /path/{template}` answered, with the statuses seen. */
const seen = new Map<string, Set<number>>();

beforeAll(async () => {
  merchant = await createMerchant();
  const call = await api('GET', '/openapi.json');
  expect(call.status).toBe(200);
  served = call.body as Json;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...served, $id: DOC_ID });
});

const pointer = (...segments: string[]) => segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validatorAt(location: string): ValidateFunction {
  let validate = validators.get(location);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}#/${location}` });
    validators.set(location, validate);
  }
  return validate;
}

/** Follows a `#/components/...` reference in the served document; returns the node and its JSON pointer. */
function follow(node: Json, at: string): { node: Json; at: string } {
  if (typeof node.$ref !== 'string') return { node, at };
  const target = (node.$ref as string).slice(2);
  const found = target.split('/').reduce<Json | undefined>((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], served);
  expect(found, node.$ref as string).toBeDefined();
  return { node: found!, at: target };
}

/**
 * Checks one real answer against the served document: the operation documents its status; the
 * content type is the documented one; the body validates (ajv) against the documented schema;
 * documented required headers are present and any `Idempotent-Replayed` is documented. A 2xx body
 * named by a component is also parsed with the zod schema it was generated from, which drops
 * unknown keys, so a field the document does not name shows up as a difference.
 */
function expectDocumented(method: string, path: string, call: ApiCall): void {
  const key = `${method} ${path}`;
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key)!.add(call.status);
  const operation = served.paths?.[path]?.[method.toLowerCase()] as Json | undefined;
  expect.soft(operation, `${key} is in the document`).toBeDefined();
  if (!operation) return;
  const status = String(call.status);
  const raw = operation!.responses[status] as Json | undefined;
  expect.soft(raw, `${key} documents status ${status}: ${JSON.stringify(call.body)}`).toBeDefined();
  if (!raw) return;
  const { node: response, at } = follow(raw!, pointer('paths', path, method.toLowerCase(), 'responses', status));

  for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
    const { node } = follow(header as Json, '');
    if (node.required) expect.soft(call.headers.get(name), `${key} ${status} sends ${name}`).not.toBeNull();
  }
  if (call.headers.get('idempotent-replayed')) {
    expect.soft(Object.keys(response.headers ?? {}), `${key} ${status} documents Idempotent-Replayed`).toContain('Idempotent-Replayed');
  }
  if (!response.content) {
    expect.soft(call.body === '' || call.body === null, `${key} ${status} has no documented body`).toBe(true);
    return;
  }
  const mediaTypes = Object.keys(response.content as Json);
  const mediaType = mediaTypes.find((type) => call.contentType.includes(type));
  expect.soft(mediaType, `${key} ${status} is ${mediaTypes.join(' or ')}, not ${call.contentType}`).toBeDefined();
  if (!mediaType) return;
  const validate = validatorAt(pointer(...at.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')), 'content', mediaType!, 'schema'));
  const valid = validate(call.body);
  expect.soft(validate.errors ?? [], `${key} ${status} against the document`).toEqual([]);
  expect.soft(valid).toBe(true);

  const name = /^#\/components\/schemas\/(\w+)$/.exec((response.content as Json)[mediaType!].schema.$ref ?? '')?.[1] as keyof typeof responseSchemas | undefined;
  if (name && call.status < 300) {
    const parsed = responseSchemas[name].safeParse(call.body);
    expect.soft(parsed.error?.issues ?? [], `${key} ${status} as ${name}`).toEqual([]);
    expect.soft(parsed.data, `${key} ${status}: fields missing from ${name}`).toEqual(call.body);
  }
}

type Options = Parameters<typeof api>[2];

/** Sends a request to `template` with `params` filled in and checks the answer against the document. */
async function call(method: string, template: string, params: Record<string, string> = {}, options: Options = {}): Promise<ApiCall> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  // Never follow a redirect: it may lead off this machine (a merchant's cancelUrl).
  const answer = await api(method, path, { redirect: 'manual', ...options });
  expectDocumented(method, template, answer);
  return answer;
}

const key = () => ({ key: merchant.apiKey });

describe('the served document', () => {
  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(served);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(served).toMatchObject({ openapi: '3.1.0', servers: [{ url: API }] });
  });

  it('is the one the functions source builds', () => {
    expect(served.components.schemas).toEqual((openApiDocument(BASE_URL) as Json).components.schemas);
  });

  it('documents Idempotent-Replayed on every POST that takes an Idempotency-Key and replays', () => {
    for (const [path, item] of Object.entries(served.paths as Json)) {
      const post = (item as Json).post as Json | undefined;
      if (!post) continue;
      const takesKey = (post.parameters ?? []).some((p: Json) => p.$ref === '#/components/parameters/IdempotencyKey');
      expect(takesKey, `POST ${path} takes Idempotency-Key`).toBe(true);
      const success = Object.entries(post.responses as Json).find(([status]) => status.startsWith('2'))![1] as Json;
      const replays = !/Not replayed|Not needed|Accepted/.test((post.parameters as Json[]).find((p) => p.$ref === '#/components/parameters/IdempotencyKey')?.description ?? '');
      if (replays) expect(Object.keys(success.headers ?? {}), `POST ${path}`).toContain('Idempotent-Replayed');
    }
  });
});

describe('request schemas are as strict as the server', () => {
  const requestValidator = (component: string) => validatorAt(pointer('components', 'schemas', component));

  it.each([
    ['an unknown currency', { currency: 'XYZ' }],
    ['a payment method twice', { paymentMethods: ['card', 'card'] }],
    ['SMS text without {link}', { sms: { text: 'Pay now' } }],
    ['a blank description', { description: '   ' }],
    ['a javascript: return URL', { returnUrl: 'javascript:alert(1)' }],
    ['a URL with credentials', { callbackUrl: 'https://user:pw@shop.example/hook' }],
    ['21 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
    ['a reserved metadata key', { metadata: { __proto__x__: 'v' } }],
  ])('%s: the server and the document both refuse it', async (_name, overrides) => {
    const body = validInvoice(overrides);
    const answer = await call('POST', '/invoices', {}, { ...key(), body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(requestValidator('CreateInvoiceRequest')(body)).toBe(false);
  });

  it('a valid invoice passes both', async () => {
    const body = validInvoice({ paymentMethods: ['card', 'phone'], sms: { text: 'Pay {amount}: {link}' }, returnUrl: 'https://shop.example/thanks', metadata: { order: '1' } });
    expect(requestValidator('CreateInvoiceRequest')(body), JSON.stringify(requestValidator('CreateInvoiceRequest').errors)).toBe(true);
    expect((await call('POST', '/invoices', {}, { ...key(), body })).status).toBe(201);
  });

  it('the sandbox card number: test cards only', () => {
    const validate = requestValidator('SandboxPayRequest');
    expect(validate({ cardNumber: '4242 4242 4242 4242' })).toBe(true);
    expect(validate({ cardNumber: '4000-0000-0000-0002' })).toBe(true);
    expect(validate({ cardNumber: '4111 1111 1111 1111' })).toBe(false);
  });
});
