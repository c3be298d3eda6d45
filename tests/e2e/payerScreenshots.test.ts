import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';
import { pinFrom, waitForSms } from '../support/outbox';

// Every state of the payer's pages on a 390×844 phone: none may scroll sideways. Each state is
// saved as a PNG, to .cache/screenshots/ or to SCREENSHOTS_DIR (docs/screenshots for the README).
const DIR = process.env.SCREENSHOTS_DIR ?? join(process.cwd(), '.cache', 'screenshots');

let browser: Browser;
let merchant: TestMerchant;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Fjellstua Café' });
  await admin().db.collection('merchants').doc(merchant.merchantId).update({
    'branding.accentColor': '#0f766e',
    'settings.supportEmail': 'hjelp@fjellstua.example',
    'settings.supportPhone': '+4722334455',
  });
});
afterAll(async () => {
  await browser?.close();
});

async function shoot(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} scrolls sideways`).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(DIR, `payer-${name}.png`), fullPage: true });
}

async function newInvoice(phone: string, overrides: Record<string, unknown> = {}) {
  const created = await api('POST', '/invoices', {
    key: merchant.apiKey,
    body: validInvoice({ payer: { phone }, amount: 18900, description: 'Lunch for two: soup and waffles', reference: `ORD-${phone.slice(-4)}-${Date.now() % 10000}`, ...overrides }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; payUrl: string };
}

// Screenshots are made on demand (SCREENSHOTS_DIR=docs/screenshots): the behaviour each one shows is
// asserted by phoneFlow, cardFlow and payerPage; this run has not yet been seen green end to end.
describe.runIf(process.env.SCREENSHOTS_DIR)('payer pages at 390×844', () => {
  it('landing (en and nb), PIN step, phone decline, checkout, card decline, paid receipt, unavailable', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    const first = await newInvoice('+4791119001');
    await page.goto(first.payUrl);
    await page.getByRole('button', { name: /Card/ }).waitFor();
    await shoot(page, 'landing');

    const nbPage = await (await browser.newContext({ ...PHONE, locale: 'nb-NO' })).newPage();
    await nbPage.goto(first.payUrl);
    await nbPage.getByRole('button', { name: /kort/ }).waitFor();
    await shoot(nbPage, 'landing-nb');

    await page.getByRole('button', { name: /Phone/ }).click();
    await page.getByLabel('PIN', { exact: true }).waitFor();
    await shoot(page, 'phone-pin');

    const declined = await newInvoice('+4791239002');
    await page.goto(declined.payUrl);
    await page.getByRole('button', { name: /Phone/ }).click();
    await page.getByLabel('PIN', { exact: true }).fill(pinFrom((await waitForSms(merchant.apiKey, declined.id, 'pin')).body));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Pay with Card instead' }).waitFor();
    await shoot(page, 'phone-declined');

    await page.getByRole('button', { name: 'Pay with Card instead' }).click();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
    await page.getByLabel('Card number').waitFor();
    await shoot(page, 'checkout');
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'declined' }).waitFor();
    await shoot(page, 'checkout-declined');

    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(/\/receipt$/);
    await page.getByRole('heading', { name: 'Paid', exact: true }).waitFor({ timeout: 15_000 });
    await page.getByTestId('receipt-details').waitFor();
    await shoot(page, 'receipt');

    await page.goto(`${BASE_URL}/pay/${'x'.repeat(32)}`);
    await page.getByRole('heading', { name: 'This payment request is no longer available' }).waitFor();
    await shoot(page, 'unavailable');
  }, 180_000);
});
