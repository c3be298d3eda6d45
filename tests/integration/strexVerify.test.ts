import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, freshPhone, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { strexPhoneBilling } from '../../functions/src/adapters/strexPhoneBilling';
import { startPayment } from '../../functions/src/domain/pay';
import { verifyPhonePayment } from '../../functions/src/domain/phonePay';
import type { CardProvider } from '../../functions/src/adapters/cardProvider';

const API_KEY = 'strex-test-key';

/**
 * A fake Strex (Target365 REST, see adapters/strexPhoneBilling.test.ts): it counts the charges it
 * is asked for and answers each a little late, so concurrent verifies really overlap. Every PIN
 * is wrong, as a guesser's would be.
 */
function fakeStrex() {
  const charges: string[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.headers['x-apikey'] !== API_KEY) return res.writeHead(401).end();
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/api/strex/one-time-passwords') return res.writeHead(201).end();
    if (req.method === 'POST' && url === '/api/strex/transactions') {
      charges.push((JSON.parse(raw) as { OneTimePassword: string }).OneTimePassword);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return res.writeHead(201).end();
    }
    const lookUp = /^\/api\/strex\/transactions\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && lookUp) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ transactionId: decodeURIComponent(lookUp[1]!), statusCode: 'Failed', detailedStatusCode: 'OneTimePasswordFailed' }));
    }
    return res.writeHead(404).end();
  });
  return { server, charges };
}

const fake = fakeStrex();
let merchant: TestMerchant;
let phone: ReturnType<typeof strexPhoneBilling>;

beforeAll(async () => {
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  phone = strexPhoneBilling({
    baseUrl: `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`,
    apiKey: API_KEY,
    merchantId: 'mer_test',
    shortNumber: '2002',
    serviceCode: '14002',
  });
  merchant = await createMerchant();
});
afterAll(async () => {
  fake.server.closeAllConnections();
  await new Promise((resolve) => fake.server.close(resolve));
});

describe('Strex PIN verify under concurrency', () => {
  it('forwards at most 3 PIN attempts to Strex however many verifies race', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() }, paymentMethods: ['phone'] }) });
    const token = tokenOf(created.body.payUrl);
    const providers = { db: admin().db, phone, card: {} as CardProvider, publicBaseUrl: 'http://127.0.0.1:5000' };
    const deps = { ...providers, providers: () => providers };
    const txn = await startPayment(deps, { token }, 'phone');
    expect(txn).toMatchObject({ status: 'awaiting_pin', provider: 'strex' });

    const tries = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => verifyPhonePayment(deps, { token }, txn.id, String(100000 + i))));
    expect(tries.every((t) => t.status === 'rejected')).toBe(true);
    expect(fake.charges.length).toBeLessThanOrEqual(3);
    expect(fake.charges.length).toBeGreaterThan(0);

    const later = await verifyPhonePayment(deps, { token }, txn.id, '999999').catch((error: Error) => error);
    expect(later).toBeInstanceOf(Error);
    expect(fake.charges.length).toBeLessThanOrEqual(3);
    const stored = (await admin().db.collection('transactions').doc(txn.id).get()).data()!;
    expect(stored.pinAttemptsLeft).toBeGreaterThanOrEqual(0);
  });
});
