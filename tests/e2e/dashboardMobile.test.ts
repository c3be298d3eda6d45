import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, tokenOf, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot, type TestMerchant } from '../support/admin';
import { LAPTOP, PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';
import { startReceiver } from '../support/receiver';

/** Set to a folder (docs/screenshots for the README) to keep a PNG of the first screen of these pages. */
const SCREENSHOT_DIR = process.env.SCREENSHOTS_DIR;
const SCREENSHOTS = new Set(['invoices', 'invoice-paid', 'import', 'overview', 'new-invoice', 'settings', 'developers']);

let browser: Browser;
let merchant: TestMerchant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const ids: { paid?: string; open?: string } = {};

/** The SMS is out (a payer can open the link); its delivery receipt may come later. */
async function sent(id: string): Promise<void> {
  await waitForSnapshot(admin().db.collection('invoices').doc(id), (s) => ['sent', 'delivered'].includes(s.get('sms.status') as string), 90_000);
}

/** Pays through the pay page's API and the sandbox checkout, as the payer's browser would. */
async function payByCard(payUrl: string, cardNumber: string): Promise<void> {
  const token = tokenOf(payUrl);
  expect((await api('GET', `/pay/${token}`)).status).toBe(200);
  const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
  expect(started.status).toBe(201);
  const session = /\/sandbox\/checkout\/([^/?#]+)/.exec(started.body.next.url)![1]!;
  await api('POST', `/sandbox/checkout/${session}/pay`, { body: { cardNumber } });
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${BASE_URL}/merchant`);
  await page.getByLabel('Email').fill(merchant.email);
  await page.getByLabel('Password').fill(merchant.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-invoice-id]').first().waitFor();
}

/** Width of the page's content beyond the viewport, with the widest offenders to say why. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = Math.min(window.innerWidth, screen.width);
    const offenders = [...document.querySelectorAll('body *')]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter(({ el, right }) => right > width + 0.5 && !el.closest('.table-wrap, .visually-hidden'))
      .slice(0, 5)
      .map(({ el, right }) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(right)}px`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, offenders };
  });
}

const pages = () => [
  { name: 'invoices', path: '/merchant', ready: '[data-invoice-id]' },
  { name: 'invoice-paid', path: `/merchant/invoices/${ids.paid}`, ready: '[data-event-type="invoice.paid"]' },
  { name: 'invoice-open', path: `/merchant/invoices/${ids.open}`, ready: '[data-event-type="invoice.created"]' },
  { name: 'new-invoice', path: '/merchant/invoices/new', ready: '#inv-description' },
  { name: 'import', path: '/merchant/invoices/import', ready: 'input[type="file"]' },
  { name: 'overview', path: '/merchant/overview', ready: '.chart, .empty' },
  { name: 'outbox', path: '/merchant/outbox', ready: '.message-list, .empty' },
  { name: 'settings', path: '/merchant/settings', ready: 'form' },
  { name: 'developers', path: '/merchant/developers', ready: '[data-key-name], .empty' },
  { name: 'users', path: '/merchant/users', ready: 'h1' },
];

beforeAll(async () => {
  browser = await launchChromium();
  receiver = await startReceiver();
  merchant = await createMerchant({ name: 'Nordlys Kaffebar og Bakeri', callbackUrl: receiver.url });
  const paid = await api('POST', '/invoices', {
    key: merchant.apiKey,
    body: validInvoice({ description: 'Catering for the Friday meeting, 24 cinnamon buns', reference: `mob-${Date.now()}`, payer: { phone: '+4791118001', name: 'Kari Nordmann' } }),
  });
  const open = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ amount: 4900, description: 'Caffè latte', payer: { phone: '+4791118002' } }) });
  ids.paid = paid.body.id;
  ids.open = open.body.id;
  await Promise.all([sent(ids.paid!), sent(ids.open!)]);
  await payByCard(paid.body.payUrl, '4000 0000 0000 0002');
  await payByCard(paid.body.payUrl, '4242 4242 4242 4242');
  await waitForSnapshot(admin().db.collection('invoices').doc(ids.paid!), (s) => s.get('status') === 'paid', 60_000);
  if (SCREENSHOT_DIR) await mkdir(SCREENSHOT_DIR, { recursive: true });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

describe('the dashboard on a 390×844 phone', () => {
  it('has a compact header, navigation behind a Menu button and filters behind a Filters button', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await signIn(page);
    const header = await page.locator('header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(72);
    // The first invoice is on the first screen, the filters are not.
    const row = await page.locator('[data-invoice-id]').first().boundingBox();
    expect(row!.y + 40).toBeLessThan(844);
    expect(await page.getByLabel('Search by').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Filters' }).click();
    expect(await page.getByLabel('Search by').isVisible()).toBe(true);

    const nav = page.getByRole('navigation', { name: 'Dashboard' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Outbox' }).click();
    await page.waitForURL(/\/merchant\/outbox$/);
    expect(await nav.isVisible()).toBe(false);
  });

  it('no dashboard page is wider than the screen (390×844), nor at 1280×800', { timeout: 240_000 }, async () => {
    for (const size of [PHONE, LAPTOP]) {
      const page = await (await browser.newContext(size)).newPage();
      await signIn(page);
      for (const { name, path, ready } of pages()) {
        await page.goto(`${BASE_URL}${path}`);
        await page.locator(ready).first().waitFor();
        await page.evaluate(() => document.fonts.ready);
        const measured = await overflow(page);
        // A phone browser widens its layout viewport to fit wide content, so innerWidth alone would
        // grow with the overflow: hold both to the device's width.
        const why = `${name} at ${size.viewport.width}px: scrollWidth ${measured.scrollWidth}, ${measured.offenders.join(', ')}`;
        expect(measured.innerWidth, why).toBe(size.viewport.width);
        expect(measured.scrollWidth, why).toBeLessThanOrEqual(measured.innerWidth);
        const labels = await page.locator('.chart-label:visible').evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right })));
        for (let i = 1; i < labels.length; i++) expect(labels[i]!.left, `${name}: chart labels ${i - 1} and ${i} overlap`).toBeGreaterThanOrEqual(labels[i - 1]!.right);
        if (SCREENSHOT_DIR && SCREENSHOTS.has(name)) await page.screenshot({ path: `${SCREENSHOT_DIR}/dashboard-${name}-${size.viewport.width}.png` });
      }
      await page.context().close();
    }
  });

  it('the invoice detail says what happened in words (English and Norwegian), links payments and callbacks, and hides the pay QR once paid', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await signIn(page);
    // The list shows — for an invoice without a reference, never its id.
    const openRow = page.locator(`tr[data-invoice-id="${ids.open}"]`);
    expect(await openRow.textContent()).not.toContain(ids.open);

    await page.goto(`${BASE_URL}/merchant/invoices/${ids.paid}`);
    const failed = page.locator('[data-event-type="invoice.payment_failed"]');
    await failed.waitFor();
    await expect.poll(() => failed.textContent()).toContain('Card declined: Your card was declined.');
    const timeline = (await page.locator('.timeline').textContent())!;
    expect(timeline).not.toMatch(/failureCode|transactionId|messageId|: card_declined/);
    expect(await page.getByRole('img', { name: 'QR code of the pay link' }).count()).toBe(0);

    // The entry links to its payment attempt and to the callback it caused.
    const txnLink = failed.getByRole('link', { name: /^Transaction txn_/ });
    const txnId = (await txnLink.textContent())!.replace(/^Transaction\s*/, '').trim();
    await txnLink.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(txnId);
    expect(await page.locator(`[data-transaction-id="${txnId}"]`).textContent()).toContain('Card declined: Your card was declined.');
    const callbackLink = failed.getByRole('link', { name: /^Callback evt_/ });
    const callbackId = (await callbackLink.textContent())!.replace(/^Callback\s*/, '').trim();
    await callbackLink.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(callbackId);

    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Bytt til norsk' }).click();
    await expect.poll(() => failed.textContent()).toContain('Kortet ble avvist: Kortet ditt ble avvist.');
    expect(await page.locator('[data-event-type="invoice.paid"]').textContent()).toContain('Betalt med kort (sandbox).');

    await page.goto(`${BASE_URL}/merchant/invoices/${ids.open}`);
    await page.locator('.qr-code svg').waitFor();
  });
});
