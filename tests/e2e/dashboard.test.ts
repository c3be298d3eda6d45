import { readFile, writeFile } from 'node:fs/promises';
import twilio from 'twilio';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, freshPhone, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { LAPTOP, PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';
import { pinFrom, waitForSms } from '../support/outbox';
import { localSecret } from '../support/secrets';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let merchant: TestMerchant;

/** Shared by the steps below, which run in order (one dashboard session). */
const state: { id?: string; payUrl?: string; reference?: string; apiInvoiceId?: string; exported?: string } = {};

const nav = () => page.getByRole('navigation', { name: 'Dashboard' });

/** Intl puts no-break spaces in money; compare with plain ones. */
const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
const billing = (txnId: string, key: string) => page.locator(`[data-transaction-id="${txnId}"] [data-billing="${key}"] dd`);

/** What the payer's phone sends Twilio for STOP / START, signed with the emulator's auth token. */
async function inboundSms(from: string, body: string) {
  const url = `${BASE_URL}/webhooks/twilio/inbound`;
  const params = { From: from, Body: body, AccountSid: 'AC123' };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(localSecret('TWILIO_AUTH_TOKEN'), url, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(200);
}

async function openInvoice(id: string) {
  await page.goto(`${BASE_URL}/merchant/invoices/${id}`);
  await page.locator(`.detail-grid[data-invoice-id="${id}"] [data-status]`).first().waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Harbour Café' });
  context = await browser.newContext({ ...LAPTOP, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
});

async function exportCsv(): Promise<string[][]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^invoices-\d{4}-\d{2}-\d{2}\.csv$/);
  state.exported = (await download.path())!;
  const text = (await readFile(state.exported, 'utf8')).replace(/^\ufeff/, '');
  // Minimal RFC 4180 reader (quoted cells may hold commas and doubled quotes).
  return text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"')));
}

describe('merchant dashboard in Chromium', () => {
  it('signs in', async () => {
    await page.goto(`${BASE_URL}/merchant`);
    await page.getByLabel('Email').fill(merchant.email);
    await page.getByLabel('Password').fill(merchant.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav().waitFor();
    // Owners see the owner pages.
    for (const name of ['Overview', 'Invoices', 'New invoice', 'Settings', 'Developers', 'Users']) {
      expect(await nav().getByRole('link', { name, exact: true }).count()).toBe(1);
    }
  });

  it('creates an invoice from the form, with an SMS preview and the pay link as a QR code', async () => {
    await nav().getByRole('link', { name: 'New invoice' }).click();
    state.reference = `dash-${Date.now()}`;
    // Client-side validation first.
    await page.getByRole('button', { name: 'Create and send' }).click();
    await expect.poll(() => page.locator('#inv-phone-error').textContent()).toBe('Required.');

    await page.getByLabel('Amount', { exact: true }).fill('129,50');
    await page.getByLabel('Description', { exact: true }).fill('Cinnamon buns');
    await page.getByLabel('Payer phone').fill('+4791234567');
    await page.getByLabel('Your reference (optional)').fill(state.reference);
    // The preview appears once GET /settings has named the merchant; a cold API takes seconds.
    await page.getByTestId('sms-text').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('sms-text').textContent()).toMatch(/^Harbour Café requests NOK 129\.50 for Cinnamon buns\. Pay here: http/);
    expect(await page.getByTestId('sms-encoding').textContent()).toBe('GSM-7');

    await page.getByRole('button', { name: 'Create and send' }).click();
    const created = page.locator('.created[data-invoice-id]');
    await created.waitFor({ timeout: 15_000 });
    state.id = (await created.getAttribute('data-invoice-id'))!;
    expect(state.id).toMatch(/^inv_/);
    state.payUrl = (await created.locator('figcaption a').textContent())!.trim();
    expect(state.payUrl).toMatch(/\/pay\/[A-Za-z0-9_-]+$/);
    await created.locator('.qr-code svg').waitFor();
    expect(await created.getByRole('img', { name: 'QR code of the pay link' }).count()).toBe(1);

    const stored = (await admin().db.collection('invoices').doc(state.id).get()).data()!;
    expect(stored).toMatchObject({ amount: 12950, currency: 'NOK', description: 'Cinnamon buns', reference: state.reference, merchantId: merchant.merchantId });
  });

  it('watches the invoice go paid live while a second browser context pays it', async () => {
    await page.getByRole('link', { name: 'Open invoice' }).click();
    const facts = page.locator(`.detail-grid[data-invoice-id="${state.id}"]`);
    await facts.locator('[data-status]').first().waitFor();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // As a payer would, open the link once the SMS is out.
    await waitForSnapshot(admin().db.collection('invoices').doc(state.id!), (s) => ['sent', 'delivered'].includes(s.get('sms.status') as string));
    const payer = await (await browser.newContext(PHONE)).newPage();
    await payer.goto(state.payUrl!);
    await payer.getByRole('button', { name: /Card/ }).click();
    await payer.waitForURL(/\/sandbox\/checkout\/cs_/);
    await payer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await payer.waitForURL(/\/receipt$/);

    await facts.locator('dd [data-status="paid"]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-event-type="invoice.paid"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await payer.context().close();
  });

  it('refunds it in full after a confirmation', async (ctx) => {
    // Is the refund endpoint deployed? An unknown invoice gives 404 "not found" when it is, and
    // the router's "No API route" 404 when it is not.
    const probe = await api('POST', '/invoices/inv_0000000000000000000000/refund', { key: merchant.apiKey, body: {} });
    if (probe.status === 404 && /No API route/i.test(String(probe.body?.detail))) {
      ctx.skip('POST /invoices/{id}/refund is not implemented yet');
    }
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund this payment?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.locator(`.detail-grid[data-invoice-id="${state.id}"] dd [data-status="refunded"]`).first().waitFor({ timeout: 15_000 });
  });

  it('creates an API key (shown once), revokes it, and the revoked key gets 401', async () => {
    await nav().getByRole('link', { name: 'Developers' }).click();
    await page.getByLabel('Name', { exact: true }).fill('e2e key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-key-secret').textContent())!.trim();
    expect(secret).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    expect((await api('GET', '/invoices', { key: secret })).status).toBe(200);

    const row = page.locator('tr[data-key-name="e2e key"]');
    await row.locator('[data-status="active"]').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key-secret').count()).toBe(0);

    await row.getByRole('button', { name: 'Revoke key e2e key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this key?' });
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.locator('[data-status="revoked"]').waitFor();
    const refused = await api('GET', '/invoices', { key: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthorized');
  });

  it('exports the filtered list as CSV', async () => {
    const other = await api('POST', '/invoices', {
      key: merchant.apiKey,
      body: validInvoice({ amount: 5000, description: 'Coffee, "large"', reference: `${state.reference}-api` }),
    });
    expect(other.status).toBe(201);
    state.apiInvoiceId = other.body.id;

    await nav().getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.locator(`[data-invoice-id="${state.apiInvoiceId}"]`).waitFor();

    const all = await exportCsv();
    const header = all[0]!;
    // The API's dotted headers (spec), with the read-only id and status first.
    expect(header.slice(0, 6)).toEqual(['id', 'status', 'amount', 'currency', 'description', 'payer.phone']);
    for (const column of ['payer.name', 'payer.locale', 'reference', 'expiresAt', 'sendAt', 'sms.text', 'returnUrl', 'cancelUrl', 'callbackUrl', 'createdAt', 'paidAt']) {
      expect(header).toContain(column);
    }
    const col = (name: string) => header.indexOf(name);
    expect(all).toHaveLength(3);
    const paidRow = all.find((r) => r[col('id')] === state.id)!;
    expect(paidRow[col('amount')]).toBe('12950');
    expect(paidRow[col('currency')]).toBe('NOK');
    expect(paidRow[col('description')]).toBe('Cinnamon buns');
    expect(['paid', 'refunded']).toContain(paidRow[col('status')]);
    expect(paidRow[col('createdAt')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(paidRow[col('paidAt')]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const apiRow = all.find((r) => r[col('id')] === state.apiInvoiceId)!;
    expect(apiRow[col('amount')]).toBe('5000');
    expect(apiRow[col('description')]).toBe('Coffee, "large"');
    expect(apiRow[col('payer.phone')]).toBe('+4791234567');

    // Filtered by exact reference: only that invoice.
    await page.getByLabel('Search by').selectOption('reference');
    await page.getByLabel('Search', { exact: true }).fill(state.reference!);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tbody tr[data-invoice-id]').count()).toBe(1);
    const filtered = await exportCsv();
    expect(filtered).toHaveLength(2);
    expect(filtered[1]![col('id')]).toBe(state.id);
  });

  it('imports the exported file again: per-row errors for references already used, new invoices once they are not', async () => {
    // The last export (filtered to one invoice) names a reference this merchant already uses.
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles(state.exported!);
    await page.getByText(/^1 row in /).waitFor();
    expect(await page.locator('.import-preview tbody tr').count()).toBe(1);
    expect(await page.locator('.import-preview tbody tr').textContent()).toContain('Cinnamon buns');
    await page.getByRole('button', { name: 'Import 1 invoice' }).click();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('0 created, 1 refused.');
    const refused = page.locator('[data-row="1"][data-outcome="refused"]');
    // By the field error's code, in the dashboard's language: the field and the invoice that has it.
    expect(await refused.textContent()).toContain(`reference: Already used by invoice ${state.id}.`);

    // The same file with a new reference creates the same invoice again.
    const text = await readFile(state.exported!, 'utf8');
    const copy = join(tmpdir(), `reimport-${Date.now()}.csv`);
    await writeFile(copy, text.replace(`,${state.reference},`, `,${state.reference}-again,`));
    await page.getByRole('button', { name: 'Import another file' }).click();
    await page.getByLabel('CSV file').setInputFiles(copy);
    await page.getByRole('button', { name: 'Import 1 invoice' }).click();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('1 created, 0 refused.');
    const id = (await page.locator('[data-row="1"][data-outcome="created"] a').textContent())!.trim();
    const again = (await admin().db.collection('invoices').doc(id).get()).data()!;
    expect(again).toMatchObject({ amount: 12950, currency: 'NOK', description: 'Cinnamon buns', reference: `${state.reference}-again`, payer: { phone: '+4791234567' } });
  });

  // These create invoices of their own: after the export and import steps, which count them.
  it('shows what was charged per transaction: card brand and last 4, issuing country, fee and amount refunded, in English and Norwegian', async () => {
    await openInvoice(state.id!);
    const txnId = (await admin().db.collection('invoices').doc(state.id!).get()).get('transaction.id') as string;
    await expect.poll(() => billing(txnId, 'card').textContent(), { timeout: 15_000 }).toBe('Visa •••• 4242');
    expect(await billing(txnId, 'country').textContent()).toBe('United States');
    await expect.poll(async () => plain(await billing(txnId, 'refunded').textContent()), { timeout: 15_000 }).toBe('NOK 129.50');
    expect(await billing(txnId, 'wallet').count()).toBe(0);
    // The sandbox charges no fee; Stripe reports one (billing.ts records it): shown live as it arrives.
    expect(await billing(txnId, 'fee').count()).toBe(0);
    await admin()
      .db.collection('transactions')
      .doc(txnId)
      .update({ fee: { amount: 425, currency: 'NOK' }, 'card.wallet': 'apple_pay' });
    await expect.poll(async () => plain(await billing(txnId, 'fee').textContent()), { timeout: 15_000 }).toBe('NOK 4.25');
    expect(await billing(txnId, 'wallet').textContent()).toBe('Apple Pay');
    const labels = () => page.locator(`[data-transaction-id="${txnId}"] .billing dt`).allTextContents();
    expect(await labels()).toEqual(['Card', 'Wallet', 'Card country', 'Fee', 'Refunded']);

    await page.getByRole('button', { name: 'Bytt til norsk' }).click();
    await expect.poll(labels).toEqual(['Kort', 'Lommebok', 'Kortets land', 'Gebyr', 'Refundert']);
    expect(await billing(txnId, 'country').textContent()).toBe('USA');
    expect(plain(await billing(txnId, 'fee').textContent())).toBe('4,25 kr');
    expect(plain(await billing(txnId, 'refunded').textContent())).toBe('129,50 kr');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('button', { name: 'Bytt til norsk' }).waitFor();
  }, 90_000);

  it('shows the mobile operator of a phone payment (the sandbox reports itself)', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: freshPhone() }, amount: 4900, description: 'Fish soup' }) });
    expect(created.status).toBe(201);
    const token = tokenOf(created.body.payUrl);
    const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'phone' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const pin = pinFrom((await waitForSms(merchant.apiKey, created.body.id, 'pin', 60_000)).body);
    const verified = await api('POST', `/pay/${token}/transactions/${started.body.id}/verify`, { body: { pin } });
    expect(verified.body).toMatchObject({ status: 'succeeded', phone: { operator: 'sandbox' } });

    await openInvoice(created.body.id);
    await expect.poll(() => billing(started.body.id, 'operator').textContent(), { timeout: 15_000 }).toBe('Sandbox (no operator)');
    expect(await page.locator(`[data-transaction-id="${started.body.id}"] [data-billing="operator"] dt`).textContent()).toBe('Mobile operator');
    expect(await billing(started.body.id, 'card').count()).toBe(0);
  }, 120_000);

  it('offers Cancel and Resend on an undelivered invoice exactly as the server allows them: Resend after START, and both work', async () => {
    const phone = freshPhone();
    await inboundSms(phone, 'STOP');
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone }, description: 'Undelivered soup' }) });
    const ref = admin().db.collection('invoices').doc(created.body.id);
    await waitForSnapshot(ref, (s) => s.get('status') === 'undelivered', 60_000);

    await openInvoice(created.body.id);
    const resend = page.getByRole('button', { name: 'Resend SMS' });
    const cancel = page.getByRole('button', { name: 'Cancel invoice' });
    await page.locator('.detail-grid dd [data-status="undelivered"]').first().waitFor();
    // Opted out: the server refuses a resend, so the page does not offer one (and says why not).
    expect(await cancel.isEnabled()).toBe(true);
    expect(await resend.isDisabled()).toBe(true);
    expect((await api('POST', `/invoices/${created.body.id}/resend`, { key: merchant.apiKey, body: {} })).status).toBe(409);

    // START: the number takes SMS again; Resend is offered, and goes out (the invoice is sent again).
    await inboundSms(phone, 'START');
    // (the server also waits a minute between sends of one invoice, and so does the button)
    await expect.poll(() => resend.isEnabled(), { timeout: 90_000 }).toBe(true);
    await resend.click();
    await page.getByRole('dialog', { name: 'Resend the SMS?' }).getByRole('button', { name: 'Resend SMS' }).click();
    await page.getByText('The SMS is being sent again.').waitFor();
    await waitForSnapshot(ref, (s) => s.get('status') === 'sent', 60_000);

    // An undelivered invoice that was never sent again can be cancelled from the page.
    const other = freshPhone();
    await inboundSms(other, 'STOP');
    const second = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: other }, description: 'Cancelled soup' }) });
    await waitForSnapshot(admin().db.collection('invoices').doc(second.body.id), (s) => s.get('status') === 'undelivered', 60_000);
    await openInvoice(second.body.id);
    await page.locator('.detail-grid dd [data-status="undelivered"]').first().waitFor();
    await cancel.click();
    await page.getByRole('dialog', { name: 'Cancel this invoice?' }).getByRole('button', { name: 'Cancel invoice' }).click();
    await page.locator('.detail-grid dd [data-status="cancelled"]').first().waitFor({ timeout: 15_000 });
    expect(await cancel.isDisabled()).toBe(true);
    expect(await resend.isDisabled()).toBe(true);
    await inboundSms(other, 'START');
  }, 240_000);

  it('shows no offline banner while the dashboard’s live data comes from the server, whatever navigator.onLine says', async () => {
    const context = await browser.newContext(LAPTOP);
    // A browser that wrongly believes it is offline (as Chromium does on some networks).
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'onLine', { get: () => false, configurable: true }));
    const other = await context.newPage();
    await other.goto(`${BASE_URL}/merchant`);
    await other.getByLabel('Email').fill(merchant.email);
    await other.getByLabel('Password').fill(merchant.password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.locator('[data-invoice-id]').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => other.getByText('You are offline', { exact: false }).count()).toBe(0);
    await other.goto(`${BASE_URL}/merchant/invoices/${state.id}`);
    await other.locator(`.detail-grid[data-invoice-id="${state.id}"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => other.getByText('You are offline', { exact: false }).count()).toBe(0);
    await context.close();
  });
});
