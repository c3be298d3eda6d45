import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { api, freshPhone, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { parseStrexDlr, strexPhoneBilling } from '../../functions/src/adapters/strexPhoneBilling';
import { startPayment } from '../../functions/src/domain/pay';
import { verifyPhonePayment } from '../../functions/src/domain/phonePay';
import { applyPhoneDeliveryReport } from '../../functions/src/domain/reconcile';
import { transactionToApi } from '../../functions/src/domain/serialize';
import type { TransactionDoc } from '../../functions/src/domain/types';
import type { CardProvider } from '../../functions/src/adapters/cardProvider';

const API_KEY = 'strex-test-key';

/**
 * A fake Strex (Target365 REST, as in adapters/strexPhoneBilling.test.ts): a charge is accepted
 * and stays `Sent` (billing completes asynchronously) until the test settles it; the look-up,
 * like Strex's, names no operator: only delivery reports do.
 */
function fakeStrex() {
  const status = new Map<string, [string, string]>();
  /** The Merchant ids and service codes each call named, by Strex transaction id. */
  const named = new Map<string, string[]>();
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.headers['x-apikey'] !== API_KEY) return res.writeHead(401).end();
    const url = req.url ?? '';
    const body = raw ? (JSON.parse(raw) as { TransactionId: string; MerchantId: string; ServiceCode?: string }) : null;
    if (body) named.set(body.TransactionId, [...(named.get(body.TransactionId) ?? []), [body.MerchantId, body.ServiceCode].filter(Boolean).join('/')]);
    if (req.method === 'POST' && url === '/api/strex/one-time-passwords') return res.writeHead(201).end();
    if (req.method === 'POST' && url === '/api/strex/transactions') {
      status.set(body!.TransactionId, ['Sent', 'None']);
      return res.writeHead(201).end();
    }
    const lookUp = /^\/api\/strex\/transactions\/([^/]+)$/.exec(url);
    const known = lookUp && status.get(decodeURIComponent(lookUp[1]!));
    if (req.method === 'GET' && known) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ transactionId: decodeURIComponent(lookUp[1]!), statusCode: known[0], detailedStatusCode: known[1] }));
    }
    return res.writeHead(404).end();
  });
  return { server, status, named };
}

const fake = fakeStrex();
let merchant: TestMerchant;
let deps: Parameters<typeof startPayment>[0] & Parameters<typeof applyPhoneDeliveryReport>[0];

beforeAll(async () => {
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  const phone = strexPhoneBilling({
    baseUrl: `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`,
    apiKey: API_KEY,
    merchantId: 'mer_test',
    shortNumber: '2002',
    serviceCode: '14002',
  });
  merchant = await createMerchant();
  const providers = { db: admin().db, phone, card: {} as CardProvider, publicBaseUrl: 'http://127.0.0.1:5000' };
  deps = { ...providers, providers: () => providers };
});
afterAll(async () => {
  fake.server.closeAllConnections();
  await new Promise((resolve) => fake.server.close(resolve));
});

/** A phone payment Strex accepted and has not billed yet. */
async function acceptedCharge() {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() }, paymentMethods: ['phone'] }) });
  const token = tokenOf(created.body.payUrl);
  const started = await startPayment(deps, { token }, 'phone');
  expect(await verifyPhonePayment(deps, { token }, started.id, '123456')).toMatchObject({ status: 'processing', phone: { operator: null } });
  const ref = admin().db.collection('transactions').doc(started.id);
  return { ref, providerId: ((await ref.get()).data() as TransactionDoc).providerPaymentId! };
}

/** The DLR forward as the user guide shows it. */
const dlr = (transactionId: string, statusCode: string, operatorId: unknown) =>
  parseStrexDlr({ transactionId, recipient: '+4791234567', operatorId, statusCode, detailedStatusCode: statusCode === 'Ok' ? 'Delivered' : 'None', billed: statusCode === 'Ok' });

const apply = (report: ReturnType<typeof parseStrexDlr>) =>
  applyPhoneDeliveryReport(deps, 'strex', { providerTransactionId: report.transactionId, billed: report.statusCode === 'Ok', operator: report.operatorId });

describe('the operator of a Strex phone payment', () => {
  it('is taken from the delivery report once Strex confirms the charge, and shown on the transaction', async () => {
    const { ref, providerId } = await acceptedCharge();

    // A report that claims billing while Strex itself still says Sent changes nothing.
    expect(await apply(dlr(providerId, 'Ok', 'no.telenor'))).toBe('processing');
    expect((await ref.get()).get('operator')).toBeUndefined();

    fake.status.set(providerId, ['Ok', 'Delivered']);
    expect(await apply(dlr(providerId, 'Ok', 'no.telenor'))).toBe('succeeded');
    const txn = (await ref.get()).data() as TransactionDoc;
    expect(txn).toMatchObject({ status: 'succeeded', operator: 'no.telenor' });
    expect(transactionToApi(txn).phone).toEqual({ operator: 'no.telenor' });

    // Once named, a later (or forged) report does not rename it.
    await apply(dlr(providerId, 'Ok', 'no.telia'));
    expect((await ref.get()).get('operator')).toBe('no.telenor');
  });

  it('is recorded from a report that arrives after the charge already settled, but not from a failed or malformed one', async () => {
    const { ref, providerId } = await acceptedCharge();
    fake.status.set(providerId, ['Ok', 'Delivered']);
    expect(await apply(dlr(providerId, 'Failed', 'no.ice'))).toBe('succeeded');
    expect((await ref.get()).get('operator')).toBeUndefined();
    await apply(dlr(providerId, 'Ok', '<b>Telenor</b>'));
    expect((await ref.get()).get('operator')).toBeUndefined();
    expect(await apply(dlr(providerId, 'Ok', 'no.ice'))).toBe('skipped');
    expect((await ref.get()).get('operator')).toBe('no.ice');
  });

  it("bills through the merchant's own Strex merchant id and service code, recorded on the transaction when it starts", async () => {
    // Test mode without the merchant's settings: the deployment's own.
    const before = await acceptedCharge();
    expect(fake.named.get(before.providerId)).toEqual(['mer_test', 'mer_test/14002']);
    expect((await before.ref.get()).get('strex')).toBeNull();

    const merchantDoc = admin().db.collection('merchants').doc(merchant.merchantId);
    await merchantDoc.update({ strex: { merchantId: 'shop-42_no', serviceCode: '14099', updatedAt: Timestamp.now() } });
    try {
      const { ref, providerId } = await acceptedCharge();
      expect((await ref.get()).get('strex')).toEqual({ merchantId: 'shop-42_no', serviceCode: '14099' });
      expect(fake.named.get(providerId)).toEqual(['shop-42_no', 'shop-42_no/14099']);
    } finally {
      await merchantDoc.update({ strex: FieldValue.delete() });
    }
  });

  it("refuses a live phone payment while the merchant's Strex settings are missing", async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() }, paymentMethods: ['phone'] }) });
    // As if the invoice had been made live before the settings went missing: the start checks again.
    await admin().db.collection('invoices').doc(created.body.id).update({ mode: 'live' });
    await expect(startPayment(deps, { token: tokenOf(created.body.payUrl) }, 'phone')).rejects.toMatchObject({ code: 'invalid_state', options: { extra: { missing: 'strex_not_configured' } } });
  });

  it('answers an unknown id without writing', async () => {
    expect(await apply(dlr('00000000-0000-4000-8000-000000000000', 'Ok', 'no.telenor'))).toBe('unknown');
  });
});
