import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { api, freshPhone, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';

let merchant: TestMerchant;
let invoiceId: string;
let token: string;
let txnId: string;

beforeAll(async () => {
  merchant = await createMerchant();
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() } }) });
  invoiceId = created.body.id;
  token = tokenOf(created.body.payUrl);
  txnId = (await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } })).body.id;
});

const endpoints = () => [
  '/invoices',
  '/invoices/import',
  `/invoices/${invoiceId}/cancel`,
  `/invoices/${invoiceId}/resend`,
  `/invoices/${invoiceId}/refund`,
  '/transactions',
  `/transactions/${txnId}/verify`,
  `/pay/${token}/transactions`,
  `/pay/${token}/transactions/${txnId}/verify`,
  '/sandbox/checkout/cs_0000000000000000000000/pay',
  '/events/evt_0000000000000000000000/redeliver',
  '/api-keys',
  '/webhook-secret/rotate',
];

/** Bodies near the real ones are more likely to reach deep code than pure noise. */
const nearInvoice = fc.record(
  {
    amount: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    currency: fc.oneof(fc.constantFrom('NOK', 'EUR', 'nok', 'XXX', ''), fc.string()),
    description: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
    payer: fc.oneof(fc.record({ phone: fc.oneof(fc.constantFrom(freshPhone(), '+47', '91234567'), fc.string()) }, { requiredKeys: [] }), fc.anything()),
    paymentMethods: fc.oneof(fc.array(fc.constantFrom('card', 'phone', 'cash')), fc.anything()),
    reference: fc.oneof(fc.string({ maxLength: 80 }), fc.anything()),
    method: fc.constantFrom('card', 'phone', 'x'),
    pin: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string()),
    amountRefund: fc.anything(),
    invoices: fc.array(fc.anything(), { maxLength: 5 }),
    callbackUrl: fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'http://169.254.0.1/')),
  },
  { requiredKeys: [] },
);

const request = fc.record({
  endpoint: fc.nat(),
  auth: fc.constantFrom('key', 'none', 'bad'),
  contentType: fc.constantFrom('application/json', 'text/plain', 'text/csv', 'application/x-www-form-urlencoded', ''),
  idempotencyKey: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
  body: fc.oneof(
    nearInvoice.map((b) => JSON.stringify(b)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constant(''),
  ),
});

describe('every POST endpoint under random input', () => {
  it('answers 2xx or 4xx, never 5xx, for 1,000 random requests', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const paths = endpoints();
        const path = paths[r.endpoint % paths.length]!;
        const headers: Record<string, string> = {};
        if (r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey)) headers['Idempotency-Key'] = r.idempotencyKey;
        const key = r.auth === 'key' ? merchant.apiKey : r.auth === 'bad' ? 'sk_test_not_a_key' : undefined;
        const call = await api('POST', path, { key, rawBody: r.body, contentType: r.contentType || undefined, headers });
        statuses.set(call.status, (statuses.get(call.status) ?? 0) + 1);
        expect(call.status, `${path} ${r.body.slice(0, 200)} → ${JSON.stringify(call.body).slice(0, 300)}`).toBeLessThan(500);
        if (call.status >= 400 && call.status !== 400) expect(call.contentType).toContain('application/problem+json');
      }),
      { numRuns: 1000, seed: 20261125 },
    );
    console.log('status counts', Object.fromEntries(statuses));
  }, 300_000);

  it('left no half-written invoice: each has its pay token, SMS and timeline', async () => {
    const invoices = await admin().db.collection('invoices').where('merchantId', '==', merchant.merchantId).get();
    for (const doc of invoices.docs) {
      const token = await admin().db.collection('payTokens').doc(doc.get('payToken') as string).get();
      expect(token.get('invoiceId')).toBe(doc.id);
      const sms = await admin().db.collection('smsMessages').doc(doc.get('sms.messageId') as string).get();
      expect(sms.exists).toBe(true);
      const events = await doc.ref.collection('events').limit(1).get();
      expect(events.size).toBe(1);
    }
    const tokens = await admin().db.collection('payTokens').where('merchantId', '==', merchant.merchantId).get();
    expect(tokens.size).toBe(invoices.size);
  }, 120_000);
});
