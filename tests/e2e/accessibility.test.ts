import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { LAPTOP, PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let merchant: TestMerchant;
beforeAll(async () => {
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Tilgjengelig Bakeri' });
});
afterAll(async () => {
  await browser?.close();
});

/** WCAG 2.1 A and AA rules from axe-core; serious and critical findings fail the test. */
async function audit(page: Page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('WCAG 2.1 AA (axe-core) on the real pages', () => {
  it('the payer’s pages: landing, phone step, sandbox checkout, receipt — in English and Norwegian', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791117001' }, returnUrl: 'https://shop.example/' }) });
    for (const locale of ['en-US', 'nb-NO']) {
      const page = await (await browser.newContext({ ...PHONE, locale })).newPage();
      await page.goto(created.body.payUrl);
      await page.getByRole('button', { name: /card|kort/i }).waitFor();
      expect(await audit(page), `landing ${locale}`).toEqual([]);
      expect(await page.getAttribute('html', 'lang')).toBe(locale.slice(0, 2));
    }
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(created.body.payUrl);
    await page.getByRole('button', { name: /Phone/ }).click();
    await page.getByLabel('PIN').waitFor();
    expect(await audit(page), 'phone step').toEqual([]);
    await page.goto(created.body.payUrl);
    await page.getByRole('button', { name: /Card/ }).click();
    await page.getByLabel('Card number').waitFor();
    expect(await audit(page), 'sandbox checkout').toEqual([]);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/receipt$/);
    await page.getByText('Paid', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await audit(page), 'receipt').toEqual([]);
  });

  it('the dashboard: sign-in, invoice list, invoice detail, new invoice form, overview with its checklist and the Test mode switch', async () => {
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791117002' } }) });
    await waitForSnapshot(admin().db.collection('invoices').doc(created.body.id), (s) => s.get('sms.status') === 'delivered');
    const page = await (await browser.newContext(LAPTOP)).newPage();
    await page.goto(`${BASE_URL}/merchant`);
    await page.getByLabel('Email').waitFor();
    expect(await audit(page), 'sign-in').toEqual([]);
    await page.getByLabel('Email').fill(merchant.email);
    await page.getByLabel('Password').fill(merchant.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`[data-invoice-id="${created.body.id}"]`).waitFor();
    expect(await audit(page), 'invoice list').toEqual([]);
    await page.goto(`${BASE_URL}/merchant/invoices/${created.body.id}`);
    await page.locator('[data-event-type="invoice.created"]').waitFor();
    expect(await audit(page), 'invoice detail').toEqual([]);
    await page.goto(`${BASE_URL}/merchant/invoices/new`);
    await page
      .getByLabel(/Description/)
      .first()
      .waitFor();
    expect(await audit(page), 'new invoice').toEqual([]);
    await page.goto(`${BASE_URL}/merchant/overview`);
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await page.getByRole('switch', { name: 'Test mode' }).waitFor();
    expect(await audit(page), 'overview').toEqual([]);
  });
});
