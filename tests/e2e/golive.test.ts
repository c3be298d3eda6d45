import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, freshPhone, validInvoice } from '../support/api';
import { admin, waitForSnapshot } from '../support/admin';
import { LAPTOP, PHONE, launchChromium } from '../support/browser';
import { BASE_URL, PROJECT_ID } from '../support/env';

/**
 * A new merchant's road to live mode, as people do it: sign up, verify the email by its link,
 * get the test key once, take a test payment, then an operator activates live mode and later
 * suspends the merchant. Steps run in order and share one dashboard session.
 */

const AUTH_HOST = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099';
const suffix = Date.now().toString(36);
const shop = { name: `Go Live ${suffix}`, email: `golive-${suffix}@example.com`, password: 'a-good-password' };
const operator = { email: `operator-${suffix}@example.com`, password: 'operator-password' };
const state: { apiKey?: string; invoiceId?: string; payUrl?: string; merchantId?: string } = {};

let browser: Browser;
let context: BrowserContext;
let page: Page;

const nav = () => page.getByRole('navigation', { name: 'Dashboard' });
const modeSwitch = () => page.getByRole('switch', { name: 'Test mode' });
const checklistItem = (item: string) => page.locator(`[data-checklist-item="${item}"]`);

async function operatorPage(): Promise<Page> {
  const console = await (await browser.newContext(LAPTOP)).newPage();
  await console.goto(`${BASE_URL}/operator`);
  await console.getByLabel('Email').fill(operator.email);
  await console.getByLabel('Password').fill(operator.password);
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.getByRole('heading', { name: 'Merchants' }).waitFor({ timeout: 15_000 });
  return console;
}

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext(LAPTOP);
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
});

describe('from sign-up to live mode in Chromium', () => {
  it('signs up and verifies the email through the link the Auth emulator sent', async () => {
    await page.goto(`${BASE_URL}/merchant/signup`);
    await page.getByLabel('Business name').fill(shop.name);
    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill(shop.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Verify your email' }).waitFor({ timeout: 15_000 });

    // The mailbox owner opens the link from the verification email.
    const response = await fetch(`http://${AUTH_HOST}/emulator/v1/projects/${PROJECT_ID}/oobCodes`);
    const { oobCodes } = (await response.json()) as { oobCodes: { email: string; requestType: string; oobLink: string }[] };
    const link = oobCodes.filter((c) => c.email === shop.email && c.requestType === 'VERIFY_EMAIL').at(-1)?.oobLink;
    expect(link, 'a verification email').toBeDefined();
    const mailbox = await (await browser.newContext(PHONE)).newPage();
    await mailbox.goto(link!);
    await expect.poll(async () => (await admin().auth.getUserByEmail(shop.email)).emailVerified, { timeout: 10_000 }).toBe(true);
    await mailbox.context().close();
  });

  it('signs in and is shown the test key once', async () => {
    await page.getByLabel('Password').fill(shop.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const key = page.getByLabel('Your test API key (shown once; copy it now)');
    await key.waitFor({ timeout: 20_000 });
    state.apiKey = await key.inputValue();
    expect(state.apiKey).toMatch(/^sk_test_/);
    state.merchantId = (await admin().auth.getUserByEmail(shop.email)).customClaims?.merchantId as string;
    expect(state.merchantId).toBeTruthy();

    await page.getByRole('link', { name: 'Go to your dashboard' }).click();
    await nav().waitFor({ timeout: 15_000 });
    // Shown once: nowhere in the dashboard afterwards.
    await nav().getByRole('link', { name: 'Developers' }).click();
    await page.getByRole('heading', { name: 'Developers' }).waitFor();
    expect(await page.content()).not.toContain(state.apiKey);
  });

  it('starts in test mode, marked as test data, with a first-run checklist on the overview', async () => {
    await nav().getByRole('link', { name: 'Overview' }).click();
    await modeSwitch().waitFor();
    expect(await modeSwitch().getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('test-data-banner').waitFor();
    expect(await page.getByTestId('test-data-banner').textContent()).toMatch(/Test data/);

    await page.getByRole('heading', { name: 'Get started' }).waitFor({ timeout: 15_000 });
    for (const item of ['invoice', 'callback', 'stripe', 'live']) {
      await expect.poll(() => checklistItem(item).getAttribute('data-done'), { timeout: 10_000 }).toBe('false');
    }
    expect(await checklistItem('callback').getByRole('link').getAttribute('href')).toBe('/merchant/settings');
    expect(await checklistItem('stripe').getByRole('link').getAttribute('href')).toBe('/merchant/settings');
  });

  it('sends a test invoice with the key and watches it get paid in the sandbox checkout, live', async () => {
    const created = await api('POST', '/invoices', { key: state.apiKey, body: validInvoice({ description: 'First test', payer: { phone: freshPhone() } }) });
    expect(created.status).toBe(201);
    expect(created.body.livemode).toBe(false);
    state.invoiceId = created.body.id as string;
    state.payUrl = created.body.payUrl as string;

    await nav().getByRole('link', { name: 'Invoices' }).click();
    const row = page.locator(`tr[data-invoice-id="${state.invoiceId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    await waitForSnapshot(admin().db.collection('invoices').doc(state.invoiceId), (s) => ['sent', 'delivered'].includes(s.get('sms.status') as string));
    const payer = await (await browser.newContext(PHONE)).newPage();
    await payer.goto(state.payUrl);
    await payer.getByRole('button', { name: /Card/ }).click();
    await payer.waitForURL(/\/sandbox\/checkout\/cs_/);
    await payer.getByLabel('Card number').fill('4242 4242 4242 4242');
    await payer.getByRole('button', { name: 'Pay', exact: true }).click();
    await payer.waitForURL(/\/receipt$/);
    await payer.context().close();

    await row.locator('[data-status="paid"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // The checklist sees the test invoice.
    await nav().getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => checklistItem('invoice').getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
  });

  it('explains that live mode is not available yet', async () => {
    const description = await modeSwitch().getAttribute('aria-describedby');
    expect(await modeSwitch().getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator(`#${description}`).textContent()).toMatch(/Live mode is not activated/);
    // Refused from the keyboard too (aria-disabled keeps it focusable, so the reason is heard).
    await modeSwitch().focus();
    await page.keyboard.press('Space');
    expect(await modeSwitch().getAttribute('aria-checked')).toBe('true');
  });

  it('is activated for live mode by an operator, and live mode shows none of the test data', async () => {
    const user = await admin().auth.createUser({ email: operator.email, password: operator.password, emailVerified: true });
    expect(user.uid).toBeTruthy();
    // As `npm run operator -- grant EMAIL` does.
    await promisify(execFile)('node', ['scripts/operator.mjs', 'grant', operator.email], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, FIREBASE_AUTH_EMULATOR_HOST: AUTH_HOST, GCLOUD_PROJECT: PROJECT_ID },
    });
    const console = await operatorPage();
    await console.getByRole('button', { name: `Activate live mode for ${shop.name}` }).click();
    await waitForSnapshot(admin().db.collection('merchants').doc(state.merchantId!), (s) => Boolean(s.get('liveActivatedAt')));

    // The dashboard learns it live: the switch is usable now.
    await expect.poll(() => modeSwitch().getAttribute('aria-disabled'), { timeout: 15_000 }).toBe(null);
    await expect.poll(() => checklistItem('live').getAttribute('data-done'), { timeout: 10_000 }).toBe('true');
    await modeSwitch().focus();
    await page.keyboard.press('Space');
    await expect.poll(() => modeSwitch().getAttribute('aria-checked')).toBe('false');
    expect(await page.getByTestId('test-data-banner').count()).toBe(0);

    // Live statistics count no test invoice; the list shows none either.
    await expect.poll(() => page.locator('.funnel [data-step="paid"] .funnel-value').textContent(), { timeout: 15_000 }).toMatch(/^0 /);
    await nav().getByRole('link', { name: 'Invoices' }).click();
    await page.getByText('No invoices yet', { exact: false }).waitFor({ timeout: 15_000 });
    expect(await page.locator(`tr[data-invoice-id="${state.invoiceId}"]`).count()).toBe(0);

    // The choice is kept in this browser.
    await page.reload();
    await modeSwitch().waitFor({ timeout: 15_000 });
    expect(await modeSwitch().getAttribute('aria-checked')).toBe('false');
    await page.getByText('No invoices yet', { exact: false }).waitFor({ timeout: 15_000 });

    // Back in test mode the test invoice is there again.
    await modeSwitch().click();
    await page.locator(`tr[data-invoice-id="${state.invoiceId}"]`).waitFor({ timeout: 15_000 });
    await console.context().close();
  });

  it('is suspended by an operator: its key gets 403 merchant_suspended, its pay link is unavailable', async () => {
    const console = await operatorPage();
    await console.getByRole('button', { name: `Suspend ${shop.name}` }).click();
    await waitForSnapshot(admin().db.collection('merchants').doc(state.merchantId!), (s) => s.get('status') === 'suspended');
    await console.context().close();

    const refused = await api('GET', '/invoices', { key: state.apiKey });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('merchant_suspended');

    const payer = await (await browser.newContext(PHONE)).newPage();
    await payer.goto(state.payUrl!);
    await payer.getByRole('heading', { name: 'This payment request is no longer available' }).waitFor({ timeout: 15_000 });
    await payer.context().close();
  });
});
