import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';
import { pinFrom, waitForSms } from '../support/outbox';

// Payer numbers only this suite uses, so STOP opt-outs from other suites never reach them.
// Numbers ending 0002 (insufficient funds) and 0003 (barred) are the sandbox's declines.
const PAYER = { flow: '+4791110001', card: '+4791110004', phone: '+4791110005', nb: '+4791110006' } as const;
const DECLINED = '+4791230002';
const BARRED = '+4791230003';

let browser: Browser;
let merchant: TestMerchant;

beforeAll(async () => {
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Harbour Kiosk' });
});
afterAll(async () => {
  await browser?.close();
});

async function payerPage(): Promise<Page> {
  return (await browser.newContext(PHONE)).newPage();
}

/** An invoice sent by SMS, and the pay link read from that SMS as the payer would. */
async function invoiceWithLink(phone: string, overrides: Record<string, unknown> = {}) {
  const created = await api('POST', '/invoices', {
    key: merchant.apiKey,
    body: validInvoice({ payer: { phone }, amount: 4900, description: 'Fish soup', ...overrides }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await waitForSnapshot(admin().db.collection('invoices').doc(id), (s) => s.get('sms.status') === 'delivered');
  const sms = await waitForSms(merchant.apiKey, id, 'invoice');
  const link = /https?:\/\/\S+\/pay\/[A-Za-z0-9_-]+/.exec(sms.body)![0];
  return { id, link, token: tokenOf(link) };
}

const wrongPinFor = (pin: string) => (pin === '000000' ? '111111' : '000000');

async function waitForPaidReceipt(page: Page, token: string) {
  await page.waitForURL(`${BASE_URL}/pay/${token}/receipt`);
  await page.getByRole('heading', { name: 'Paid', exact: true }).waitFor({ timeout: 15_000 });
}

describe('phone payment in Chromium', () => {
  it('pays from the SMS link with the PIN from the outbox, after one wrong PIN, and gets an SMS receipt', async () => {
    const { id, link, token } = await invoiceWithLink(PAYER.flow);

    const payer = await payerPage();
    await payer.goto(link);
    await expect.poll(() => payer.getByText('Harbour Kiosk').first().isVisible()).toBe(true);
    await payer.getByRole('button', { name: /Phone/ }).click();

    const pinInput = payer.getByLabel('PIN', { exact: true });
    await pinInput.waitFor();
    const pinSms = await waitForSms(merchant.apiKey, id, 'pin');
    expect(pinSms.body).toContain('Harbour Kiosk');
    expect(pinSms.body).toContain('49.00');
    const pin = pinFrom(pinSms.body);

    await pinInput.fill(wrongPinFor(pin));
    await payer.getByRole('button', { name: 'Confirm' }).click();
    await payer
      .getByRole('alert')
      .filter({ hasText: /2 tries left/ })
      .waitFor();
    await payer.locator('#pin-hint').filter({ hasText: '2 tries left' }).waitFor();
    expect(await pinInput.inputValue()).toBe('');
    expect((await admin().db.collection('invoices').doc(id).get()).get('status')).not.toBe('paid');

    await pinInput.fill(pin);
    await payer.getByRole('button', { name: 'Confirm' }).click();
    await waitForPaidReceipt(payer, token);

    const receipt = await waitForSms(merchant.apiKey, id, 'receipt');
    // Itemised: merchant, amount, what for, how and when, reference, and where to ask or complain.
    expect(receipt.body).toMatch(
      /^Receipt from Harbour Kiosk: NOK 49\.00 for Fish soup, charged to your phone bill \d{1,2} \w{3} \d{4}, \d{2}:\d{2}\. Ref inv_\w+\. Questions or complaints: http:\/\/\S+\/pay\/[\w-]+\/receipt$/,
    );
    const invoice = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(invoice.body).toMatchObject({ status: 'paid', transaction: { method: 'phone', status: 'succeeded' } });
  });

  it('declines a subscriber with insufficient funds clearly and offers Card right there, one tap, same invoice', async () => {
    const { id, link } = await invoiceWithLink(DECLINED);

    const payer = await payerPage();
    await payer.goto(link);
    await payer.getByRole('button', { name: /Phone/ }).click();
    const pinInput = payer.getByLabel('PIN', { exact: true });
    await pinInput.waitFor();
    const pin = pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body);
    await pinInput.fill(pin);
    await payer.getByRole('button', { name: 'Confirm' }).click();

    const alert = payer.getByRole('alert').filter({ hasText: /insufficient funds/i });
    await alert.waitFor();
    const instead = alert.getByRole('button', { name: 'Pay with Card instead' });
    expect(await instead.isEnabled()).toBe(true);
    expect(await payer.getByRole('button', { name: /Phone/ }).isEnabled()).toBe(true);
    expect(await pinInput.count()).toBe(0);
    expect((await admin().db.collection('invoices').doc(id).get()).get('status')).toBe('opened');

    await instead.click();
    await payer.waitForURL(/\/sandbox\/checkout\/cs_/);
    await payer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await payer.waitForURL(/\/receipt$/);
    await payer.getByRole('heading', { name: 'Paid', exact: true }).waitFor({ timeout: 15_000 });
    const paid = await api('GET', `/invoices/${id}`, { key: merchant.apiKey });
    expect(paid.body).toMatchObject({ id, status: 'paid', transaction: { method: 'card', status: 'succeeded' } });
  });

  it('declines a barred subscriber in Norwegian for a Norwegian payer, and offers card in Norwegian', async () => {
    const { id, link } = await invoiceWithLink(BARRED, { payer: { phone: BARRED, locale: 'nb' } });
    const payer = await payerPage();
    await payer.goto(link);
    await payer.getByRole('button', { name: /mobilregning/ }).click();
    const pinInput = payer.getByLabel('PIN-kode', { exact: true });
    await pinInput.waitFor();
    await pinInput.fill(pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body));
    await payer.getByRole('button', { name: 'Bekreft' }).click();
    const alert = payer.getByRole('alert').filter({ hasText: 'Dette mobilabonnementet kan ikke brukes til betaling.' });
    await alert.waitFor();
    expect(await payer.getByText('cannot be charged').count()).toBe(0);
    await alert.getByRole('button', { name: 'Betal med kort i stedet' }).waitFor();
  });

  it('says a wrong PIN and the PIN SMS limit in Norwegian on a Norwegian page, with when to try again', async () => {
    const { id, link } = await invoiceWithLink(PAYER.nb, { payer: { phone: PAYER.nb, locale: 'nb' } });
    const payer = await payerPage();
    await payer.goto(link);
    await payer.getByRole('button', { name: /mobilregning/ }).click();
    const pinInput = payer.getByLabel('PIN-kode', { exact: true });
    await pinInput.waitFor();
    await pinInput.fill(wrongPinFor(pinFrom((await waitForSms(merchant.apiKey, id, 'pin')).body)));
    await payer.getByRole('button', { name: 'Bekreft' }).click();
    await payer.getByRole('alert').filter({ hasText: 'Feil kode. Du har 2 forsøk igjen.' }).waitFor();
    await payer.locator('#pin-hint').filter({ hasText: '2 forsøk igjen' }).waitFor();

    // Four more PIN codes are the invoice's five per hour; the sixth is refused with Retry-After.
    for (let sent = 2; sent <= 6; sent++) {
      await payer.getByRole('button', { name: 'Velg en annen betalingsmåte' }).click();
      await payer.getByRole('button', { name: /mobilregning/ }).click();
      if (sent <= 5) await pinInput.waitFor();
    }
    const limited = payer.getByRole('alert').filter({ hasText: /^Det er sendt for mange koder\. Prøv igjen om \d+ minutter, eller betal på en annen måte\.$/ });
    await limited.waitFor();
    expect(await payer.getByText(/PIN codes|tries left|not correct/).count()).toBe(0);
  });
});

describe('direct transactions, finished in Chromium', () => {
  it('card: creates the invoice and the payment in one call, and the redirect pays to a Paid receipt', async () => {
    const txn = await api('POST', '/transactions', {
      key: merchant.apiKey,
      body: { ...validInvoice({ payer: { phone: PAYER.card }, amount: 7500, description: 'Shrimp sandwich' }), method: 'card' },
    });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    expect(txn.body).toMatchObject({ method: 'card', next: { type: 'redirect', url: expect.stringContaining('/sandbox/checkout/cs_') } });
    const invoice = await api('GET', `/invoices/${txn.body.invoiceId}`, { key: merchant.apiKey });
    const token = tokenOf(invoice.body.payUrl);

    const payer = await payerPage();
    await payer.goto(txn.body.next.url);
    await payer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await waitForPaidReceipt(payer, token);

    const read = await api('GET', `/transactions/${txn.body.id}`, { key: merchant.apiKey });
    expect(read.body).toMatchObject({ id: txn.body.id, method: 'card', status: 'succeeded' });
  });

  it('phone: starts a payment for an existing invoice, verified with the merchant key, and the payer sees Paid', async () => {
    const created = await api('POST', '/invoices', {
      key: merchant.apiKey,
      body: validInvoice({ payer: { phone: PAYER.phone }, amount: 3200, description: 'Coffee' }),
    });
    expect(created.status).toBe(201);
    const token = tokenOf(created.body.payUrl);
    const txn = await api('POST', '/transactions', { key: merchant.apiKey, body: { invoiceId: created.body.id, method: 'phone' } });
    expect(txn.status, JSON.stringify(txn.body)).toBe(201);
    expect(txn.body).toMatchObject({ method: 'phone', status: 'awaiting_pin', next: { type: 'pin', attemptsLeft: 3 } });

    const pin = pinFrom((await waitForSms(merchant.apiKey, created.body.id, 'pin')).body);
    const verified = await api('POST', `/transactions/${txn.body.id}/verify`, { key: merchant.apiKey, body: { pin } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'succeeded', next: null });

    const payer = await payerPage();
    await payer.goto(`${BASE_URL}/pay/${token}/receipt`);
    await waitForPaidReceipt(payer, token);
    await waitForSms(merchant.apiKey, created.body.id, 'receipt');
  });
});
