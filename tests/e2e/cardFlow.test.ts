import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { LAPTOP, PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';

let browser: Browser;
let merchant: TestMerchant;

beforeAll(async () => {
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Fjord Bakery' });
});
afterAll(async () => {
  await browser?.close();
});

async function invoiceWithLink(overrides: Record<string, unknown> = {}) {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ description: 'Cinnamon buns', ...overrides }) });
  expect(created.status).toBe(201);
  await waitForSnapshot(admin().db.collection('invoices').doc(created.body.id), (s) => s.get('sms.status') === 'delivered');
  const outbox = await api('GET', '/dev/outbox', { key: merchant.apiKey });
  const sms = outbox.body.data.find((m: { invoiceId: string }) => m.invoiceId === created.body.id);
  const link = /https?:\/\/\S+\/pay\/[A-Za-z0-9_-]+/.exec(sms.body)![0];
  return { id: created.body.id as string, link };
}

describe('card payment in Chromium, watched live from the dashboard', () => {
  it('pays from the SMS link after a declined card, and the dashboard row turns paid without a reload', async () => {
    const { id, link } = await invoiceWithLink({ returnUrl: 'https://fjord.example/order/42' });

    const dashboard = await (await browser.newContext(LAPTOP)).newPage();
    await dashboard.goto(`${BASE_URL}/merchant`);
    await dashboard.getByLabel('Email').fill(merchant.email);
    await dashboard.getByLabel('Password').fill(merchant.password);
    await dashboard.getByRole('button', { name: 'Sign in' }).click();
    const row = dashboard.locator(`[data-invoice-id="${id}"]`);
    await row.locator('[data-status]').first().waitFor();
    await dashboard.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const payer = await (await browser.newContext(PHONE)).newPage();
    await payer.goto(link);
    await expect.poll(() => payer.getByText('Fjord Bakery').first().isVisible()).toBe(true);
    await expect.poll(() => payer.getByText('Cinnamon buns').first().isVisible()).toBe(true);
    await expect.poll(() => payer.getByText('Sandbox').first().isVisible()).toBe(true);
    const phoneButton = payer.getByRole('button', { name: /Phone/ });
    expect(await phoneButton.count()).toBe(1);
    await row.locator('[data-status="opened"]').waitFor({ timeout: 15_000 });

    await payer.getByRole('button', { name: /Card/ }).click();
    await payer.waitForURL(/\/sandbox\/checkout\/cs_/);
    await payer.getByLabel('Card number').fill('4000 0000 0000 0002');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await payer.getByRole('alert').filter({ hasText: 'declined' }).waitFor();
    expect((await admin().db.collection('invoices').doc(id).get()).get('status')).toBe('opened');

    await payer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await payer.waitForURL(/\/receipt$/);
    await payer.getByText('Paid', { exact: true }).first().waitFor({ timeout: 15_000 });
    const back = payer.getByRole('link', { name: 'Return to Fjord Bakery' });
    expect(await back.getAttribute('href')).toBe(`https://fjord.example/order/42?invoice=${id}&status=paid`);

    await row.locator('[data-status="paid"]').waitFor({ timeout: 15_000 });
    expect(await dashboard.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it('loads neither Firebase Auth nor the Firestore SDK on the payer’s page', async () => {
    const { link } = await invoiceWithLink();
    const page = await (await browser.newContext(PHONE)).newPage();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(link);
    await page.getByRole('button', { name: /Card/ }).waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    for (const url of scripts) expect(url).not.toMatch(/merchant-|firebase|firestore|auth/i);
    const requests = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(requests.filter((u) => /googleapis|identitytoolkit|firestore/.test(u))).toEqual([]);
  });
});
