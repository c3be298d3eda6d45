import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors';
import type { PhoneChargeRequest } from './phoneBilling';
import { StrexApiError, parseStrexDlr, strexChargeResult, strexPhoneBilling } from './strexPhoneBilling';

const API_KEY = 'strex-test-key';
const MERCHANT_ID = 'mer_demo';
const SHORT_NUMBER = '2002';
const SERVICE_CODE = '14002';

interface StrexTransaction {
  transactionId: string;
  recipient: string;
  merchantId: string;
  price: number;
  shortNumber: string;
  serviceCode: string;
  invoiceText: string;
  statusCode: string;
  detailedStatusCode: string;
}

/**
 * A fake of the Strex part of Target365's REST API, following the user guide: X-ApiKey auth,
 * PascalCase request bodies, camelCase answers. It "sends" each one-time password by keeping it
 * in `pinSms`, where the test reads it as the payer would. Recipients ending in 0002 lack funds.
 */
function startFakeStrex() {
  const otpRequests = new Map<string, Record<string, unknown>>();
  const pinSms = new Map<string, string>();
  const transactionRequests = new Map<string, Record<string, unknown>>();
  const transactions = new Map<string, StrexTransaction>();
  const failures = { transactionPost: 0, lookup: 0 };

  const answer = (res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }).end(body ? JSON.stringify(body) : undefined);
  };

  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.headers['x-apikey'] !== API_KEY) return answer(res, 401);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const url = req.url ?? '';

    if (req.method === 'POST' && url === '/api/strex/one-time-passwords') {
      const { TransactionId, MerchantId, Recipient, Recurring } = body;
      if (typeof TransactionId !== 'string' || typeof MerchantId !== 'string' || typeof Recipient !== 'string' || Recurring !== false) {
        return answer(res, 400, { message: 'Invalid payload' });
      }
      otpRequests.set(TransactionId, body);
      pinSms.set(TransactionId, String(randomInt(0, 1_000_000)).padStart(6, '0'));
      return answer(res, 201, undefined, { Location: `/api/strex/one-time-passwords/${TransactionId}` });
    }

    if (req.method === 'POST' && url === '/api/strex/transactions') {
      if (failures.transactionPost > 0) {
        failures.transactionPost--;
        return answer(res, 503, { message: 'Service unavailable' });
      }
      const { TransactionId, ShortNumber, Recipient, MerchantId, Price, ServiceCode, InvoiceText, OneTimePassword } = body;
      if (
        typeof TransactionId !== 'string' ||
        typeof ShortNumber !== 'string' ||
        typeof Recipient !== 'string' ||
        typeof MerchantId !== 'string' ||
        typeof Price !== 'number' ||
        typeof ServiceCode !== 'string' ||
        typeof InvoiceText !== 'string' ||
        typeof OneTimePassword !== 'string'
      ) {
        return answer(res, 400, { message: 'Invalid payload' });
      }
      transactionRequests.set(TransactionId, body);
      const [statusCode, detailedStatusCode] =
        OneTimePassword !== pinSms.get(TransactionId) ? ['Failed', 'OneTimePasswordFailed'] : Recipient.endsWith('0002') ? ['Failed', 'InsufficientFunds'] : ['Ok', 'Delivered'];
      transactions.set(TransactionId, {
        transactionId: TransactionId,
        recipient: Recipient,
        merchantId: MerchantId,
        price: Price,
        shortNumber: ShortNumber,
        serviceCode: ServiceCode,
        invoiceText: InvoiceText,
        statusCode,
        detailedStatusCode,
      });
      return answer(res, 201, undefined, { Location: `/api/strex/transactions/${TransactionId}` });
    }

    const match = /^\/api\/strex\/transactions\/([^/]+)$/.exec(url);
    const id = match?.[1] ? decodeURIComponent(match[1]) : undefined;
    const transaction = id ? transactions.get(id) : undefined;
    if (req.method === 'GET' && id) {
      if (failures.lookup > 0) {
        failures.lookup--;
        return answer(res, 504, { message: 'Gateway timeout' });
      }
      return transaction ? answer(res, 200, transaction) : answer(res, 404);
    }
    if (req.method === 'DELETE' && id) {
      if (!transaction) return answer(res, 404);
      const reversalId = `-${id}`;
      if (transaction.statusCode !== 'Ok' || transactions.has(reversalId)) return answer(res, 409);
      transactions.set(reversalId, { ...transaction, transactionId: reversalId, price: -transaction.price, statusCode: 'Reversed', detailedStatusCode: 'None' });
      return answer(res, 201, { TransactionId: reversalId });
    }
    return answer(res, 404);
  });

  return { server, otpRequests, pinSms, transactionRequests, transactions, failures };
}

describe('strexPhoneBilling against a fake Strex API', () => {
  const fake = startFakeStrex();
  let baseUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });
  beforeEach(() => {
    fake.failures.transactionPost = 0;
    fake.failures.lookup = 0;
  });

  const billing = (apiKey = API_KEY, url = baseUrl) => strexPhoneBilling({ baseUrl: url, apiKey, merchantId: MERCHANT_ID, shortNumber: SHORT_NUMBER, serviceCode: SERVICE_CODE });

  const charge = (phone = '+4791234567', overrides: Partial<PhoneChargeRequest> = {}): PhoneChargeRequest => ({
    transactionId: 'txn_demo',
    providerTransactionId: randomUUID(),
    phone,
    amount: 12950,
    currency: 'NOK',
    merchantName: 'Demo Shop',
    description: 'Order 1042',
    ...overrides,
  });

  it('says it sends its own PIN', () => {
    expect(billing()).toMatchObject({ name: 'strex', sendsOwnPin: true });
  });

  it('charges the phone with the PIN Strex sent: happy path', async () => {
    const strex = billing();
    const req = charge();

    await strex.start(req);
    expect(fake.otpRequests.get(req.providerTransactionId)).toEqual({
      TransactionId: req.providerTransactionId,
      MerchantId: MERCHANT_ID,
      Recipient: '+4791234567',
      MessagePrefix: expect.stringMatching(/^Demo Shop: 129,50\skr –$/),
      Recurring: false,
    });

    const pin = fake.pinSms.get(req.providerTransactionId)!;
    expect(await strex.confirm(req, pin)).toEqual({ status: 'succeeded' });
    expect(fake.transactionRequests.get(req.providerTransactionId)).toEqual({
      TransactionId: req.providerTransactionId,
      ShortNumber: SHORT_NUMBER,
      Recipient: '+4791234567',
      MerchantId: MERCHANT_ID,
      Price: 129.5,
      ServiceCode: SERVICE_CODE,
      InvoiceText: 'Order 1042',
      OneTimePassword: pin,
    });
    expect(await strex.status(req)).toEqual({ status: 'succeeded' });
  });

  it("uses the merchant's own Strex merchant id and service code when the transaction names them", async () => {
    const strex = billing();
    const req = charge('+4791234567', { strex: { merchantId: 'shop-42_no', serviceCode: '14099' } });
    await strex.start(req);
    expect(fake.otpRequests.get(req.providerTransactionId)).toMatchObject({ MerchantId: 'shop-42_no' });
    await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!);
    expect(fake.transactionRequests.get(req.providerTransactionId)).toMatchObject({ MerchantId: 'shop-42_no', ServiceCode: '14099' });
  });

  it('reports a declined subscription as insufficient funds', async () => {
    const strex = billing();
    const req = charge('+4790000002');
    await strex.start(req);

    expect(await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!)).toEqual({
      status: 'failed',
      failureCode: 'insufficient_funds',
      failureMessage: 'The phone subscription has insufficient funds.',
    });
  });

  it('reports a wrong PIN as pin_invalid', async () => {
    const strex = billing();
    const req = charge();
    await strex.start(req);
    const wrongPin = fake.pinSms.get(req.providerTransactionId) === '000000' ? '111111' : '000000';

    expect(await strex.confirm(req, wrongPin)).toMatchObject({ status: 'failed', failureCode: 'pin_invalid' });
  });

  it('reverses a charge once; a second reversal is refused with 409', async () => {
    const strex = billing();
    const req = charge();
    await strex.start(req);
    await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!);

    expect(await strex.reverse(req)).toEqual({ reversed: true });
    expect(fake.transactions.get(`-${req.providerTransactionId}`)).toMatchObject({ statusCode: 'Reversed', price: -129.5 });
    expect(await strex.reverse(req)).toEqual({ reversed: false });
  });

  it('does not reverse a failed charge', async () => {
    const strex = billing();
    const req = charge('+4790000002');
    await strex.start(req);
    await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!);

    expect(await strex.reverse(req)).toEqual({ reversed: false });
  });

  it('throws on an unknown transaction rather than guessing its outcome', async () => {
    const error = await billing()
      .status(charge())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrexApiError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('fails with 401 on a missing or wrong api key', async () => {
    for (const apiKey of ['', 'wrong-key']) {
      const error = await billing(apiKey)
        .start(charge())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StrexApiError);
      expect(error).toMatchObject({ status: 401 });
    }
  });

  it('throws on a 5xx so the caller can retry', async () => {
    const strex = billing();
    const req = charge();
    await strex.start(req);
    fake.failures.transactionPost = 1;

    const error = await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrexApiError);
    expect(error).toMatchObject({ status: 503 });
  });

  it('throws on a network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    await expect(billing(API_KEY, deadUrl).start(charge())).rejects.toThrow();
  });

  it('leaves an accepted charge processing when the follow-up look-up fails', async () => {
    const strex = billing();
    const req = charge();
    await strex.start(req);
    fake.failures.lookup = 1;

    expect(await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!)).toEqual({ status: 'processing' });
    expect(await strex.status(req)).toEqual({ status: 'succeeded' });
  });

  it('cuts an over-long invoice text', async () => {
    const strex = billing();
    const req = charge('+4791234567', { description: 'x'.repeat(300) });
    await strex.start(req);
    await strex.confirm(req, fake.pinSms.get(req.providerTransactionId)!);

    expect(fake.transactionRequests.get(req.providerTransactionId)?.InvoiceText).toHaveLength(200);
  });
});

describe('strexChargeResult', () => {
  it.each([
    ['Ok', 'Delivered', { status: 'succeeded' }],
    ['Queued', 'None', { status: 'processing' }],
    ['Sent', null, { status: 'processing' }],
    ['Failed', 'InsufficientFunds', { status: 'failed', failureCode: 'insufficient_funds' }],
    ['Failed', 'SubscriberBarred', { status: 'failed', failureCode: 'subscriber_barred' }],
    ['Failed', 'OneTimePasswordExpired', { status: 'failed', failureCode: 'pin_expired' }],
    ['Failed', 'OneTimePasswordFailed', { status: 'failed', failureCode: 'pin_invalid' }],
    ['Failed', 'MaxPinRetry', { status: 'failed', failureCode: 'too_many_attempts' }],
    ['Failed', 'SubscriberLimitExceeded', { status: 'failed', failureCode: 'limit_exceeded' }],
    ['Failed', 'DuplicateTransaction', { status: 'failed', failureCode: 'duplicate' }],
    ['Failed', 'SubscriberTooYoung', { status: 'failed', failureCode: 'too_young' }],
    ['Failed', 'TimeoutError', { status: 'failed', failureCode: 'provider_error' }],
    ['Failed', 'constructor', { status: 'failed', failureCode: 'provider_error' }],
    ['Reversed', 'None', { status: 'failed', failureCode: 'provider_error' }],
  ] as const)('%s/%s', (statusCode, detailedStatusCode, expected) => {
    expect(strexChargeResult(statusCode, detailedStatusCode)).toMatchObject(expected);
  });

  it('names the Strex codes in a provider_error message', () => {
    expect(strexChargeResult('Failed', 'TimeoutError')).toMatchObject({ failureMessage: expect.stringContaining('Failed/TimeoutError') });
  });
});

describe('parseStrexDlr', () => {
  it('reads the DLR forward as the user guide shows it (camelCase)', () => {
    const dlr = {
      correlationId: null,
      transactionId: 'f1b9c7f0-6b1e-4a52-9f7e-3c1d2b8a9e10',
      price: 129.5,
      sender: '2002',
      recipient: '+4791234567',
      operatorId: 'no.telenor',
      statusCode: 'Ok',
      detailedStatusCode: 'Delivered',
      delivered: true,
      billed: true,
      smscTransactionId: '16976c7448d',
      smscMessageParts: 1,
    };
    expect(parseStrexDlr(dlr)).toEqual({
      transactionId: 'f1b9c7f0-6b1e-4a52-9f7e-3c1d2b8a9e10',
      statusCode: 'Ok',
      detailedStatusCode: 'Delivered',
      operatorId: 'no.telenor',
      reversal: false,
    });
  });

  it('keeps an operator only in the documented form, and never refuses a report for it', () => {
    const base = { transactionId: 'f1b9c7f0', statusCode: 'Ok', detailedStatusCode: 'Delivered' };
    expect(parseStrexDlr({ ...base, OperatorId: 'no.telia' }).operatorId).toBe('no.telia');
    for (const operatorId of [null, 7, '', 'Telenor', 'no.telenor<script>', `no.${'x'.repeat(60)}`]) {
      expect(parseStrexDlr({ ...base, operatorId }).operatorId).toBeNull();
    }
  });

  it('accepts PascalCase fields and marks a reversal by its leading "-"', () => {
    expect(parseStrexDlr({ TransactionId: '-f1b9c7f0', StatusCode: 'Reversed', DetailedStatusCode: null })).toEqual({
      transactionId: '-f1b9c7f0',
      statusCode: 'Reversed',
      detailedStatusCode: null,
      operatorId: null,
      reversal: true,
    });
  });

  it.each([[null], ['text'], [{}], [{ transactionId: 'abc' }], [{ transactionId: '', statusCode: 'Ok' }], [{ transactionId: 7, statusCode: 'Ok' }]])('rejects %j as invalid_request', (body) => {
    const error = (() => {
      try {
        parseStrexDlr(body);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_request' });
  });
});
