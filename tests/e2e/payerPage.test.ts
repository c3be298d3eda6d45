import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, validInvoice } from '../support/api';
import { createMerchant, type TestMerchant } from '../support/admin';
import { PHONE, launchChromium } from '../support/browser';
import { BASE_URL } from '../support/env';

// The payer's landing page through Hosting, as a phone opens it from the SMS: never indexed,
// its pay-view request started by index.html before the app's JS, in the payer's language,
// and an offline banner that follows what the network does rather than navigator.onLine.

let browser: Browser;
let merchant: TestMerchant;

beforeAll(async () => {
  browser = await launchChromium();
  merchant = await createMerchant({ name: 'Nordlys Kafé' });
});
afterAll(async () => {
  await browser?.close();
});

async function invoice(overrides: Record<string, unknown> = {}) {
  const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ payer: { phone: '+4791118001' }, ...overrides }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; payUrl: string };
}

describe('pay pages are never indexed', () => {
  it('serves a real robots.txt that disallows /pay/', async () => {
    const response = await fetch(`${BASE_URL}/robots.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).not.toMatch(/<html/i);
    expect(text).toMatch(/^User-agent: \*$/m);
    expect(text).toMatch(/^Disallow: \/pay\/$/m);
  });

  it('sends X-Robots-Tag: noindex with pay pages and receipts, and the page carries a robots noindex meta', async () => {
    const { payUrl } = await invoice();
    for (const url of [payUrl, `${payUrl}/receipt`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-robots-tag'), url).toMatch(/noindex/);
    }
    expect((await fetch(`${BASE_URL}/`)).headers.get('x-robots-tag')).toBeNull();

    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Card/ }).waitFor();
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toMatch(/noindex/);
  });
});

describe('the pay-view request starts before the app’s JS', () => {
  it('index.html asks for /api/v1/pay/{token} before the entry script has arrived, and the app asks no second time', async () => {
    const { payUrl } = await invoice();
    const token = payUrl.split('/pay/')[1]!;
    const page = await (await browser.newContext(PHONE)).newPage();
    const viewRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/v1/pay/${token}`) viewRequests.push(request.method());
    });
    // Slow the app's scripts down, as a phone network would: the view must not wait for them.
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Card/ }).waitFor();
    const timing = await page.evaluate((path) => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const view = entries.find((e) => new URL(e.name).pathname === path);
      const scripts = entries.filter((e) => e.initiatorType === 'script' || /\/assets\/.*\.js$/.test(e.name));
      return { viewStart: view?.startTime ?? null, firstScriptEnd: Math.min(...scripts.map((e) => e.responseEnd)) };
    }, `/api/v1/pay/${token}`);
    expect(timing.viewStart).not.toBeNull();
    expect(timing.viewStart!).toBeLessThan(timing.firstScriptEnd);
    expect(viewRequests).toEqual(['GET']);
  });
});

describe('the invoice is on screen before the app’s JS has run', () => {
  /**
   * A phone page whose app scripts are held back until `release()`, as on a slow network. Open it
   * with waitUntil 'commit': a held module script would hold the load event.
   */
  async function heldPage() {
    const page = await (await browser.newContext(PHONE)).newPage();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/assets/*.js', async (route) => {
      await released;
      await route.continue();
    });
    const appRan = () => page.evaluate(() => '__vue_app__' in (document.getElementById('app') ?? {}));
    return { page, release, appRan };
  }

  const boxes = (page: import('playwright-core').Page) =>
    page.evaluate(() =>
      ['.merchant-name', '[data-testid="amount"]', '.description', '.hint.secure', '[data-method="card"]'].map((selector) => {
        const all = [...document.querySelectorAll(selector)].filter((e) => (e as HTMLElement).offsetParent !== null);
        const r = all[0]?.getBoundingClientRect();
        return { selector, shown: all.length, text: all[0]?.textContent?.trim(), box: r && [r.x, r.y, r.width, r.height].map(Math.round) };
      }),
    );

  it('paints merchant, amount and description from the prefetched view while the JS is held; the app then shows the same page in place, once, and pay by card works', async () => {
    const { payUrl } = await invoice({ description: 'Kaffe & <img src=x onerror="window.__xss=1"> kake' });
    const { page, release, appRan } = await heldPage();
    await page.goto(payUrl, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Nordlys Kafé' }).waitFor();
    expect(await page.getByTestId('amount').textContent()).toBe(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'NOK' }).format(129));
    await page.getByText('Kaffe & <img src=x onerror="window.__xss=1"> kake', { exact: true }).waitFor();
    await page.getByText('Secure payment. You will be shown a receipt when it is done.').waitFor();
    expect(await appRan()).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const before = await boxes(page);
    expect(before.every((b) => b.shown === 1)).toBe(true);

    release();
    await expect.poll(appRan).toBe(true);
    await expect.poll(() => page.locator('.first-paint').count()).toBe(0);
    // The same page, in the same place: nothing moved, nothing shown twice.
    expect(await boxes(page)).toEqual(before);
    expect(await page.getByTestId('amount').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);

    await page.getByRole('button', { name: /Card/ }).click();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL(/\/receipt$/);
    await page.getByText('Paid', { exact: true }).first().waitFor({ timeout: 15_000 });
  });

  it('paints in the payer’s language with its money format, the app keeps it from its start, and a tap before the app is made on the app’s button', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118005', locale: 'nb' } });
    const { page, release, appRan } = await heldPage();
    // Every language the page's <html> takes, across the pages of the tab: never English here.
    await page.addInitScript(() => {
      const record = (mutations: MutationRecord[]) => {
        for (const m of mutations) {
          if (m.target !== document.documentElement) continue;
          sessionStorage.setItem('langs', `${sessionStorage.getItem('langs') ?? ''} ${document.documentElement.lang}`);
        }
      };
      new MutationObserver(record).observe(document, { subtree: true, attributes: true, attributeFilter: ['lang'] });
    });
    await page.goto(payUrl, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Velg hvordan du vil betale' }).waitFor();
    expect(await page.getByTestId('amount').textContent()).toBe(new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK' }).format(129));
    expect(await page.getAttribute('html', 'lang')).toBe('nb');
    expect(await appRan()).toBe(false);
    await page.getByRole('button', { name: /Betal med kort/ }).click();
    release();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
    expect((await page.evaluate(() => sessionStorage.getItem('langs')))?.trim().split(' ')).not.toContain('en');
  });

  it('a tap on the language switch before the app is there switches the app’s page', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118007', locale: 'nb' } });
    const { page, release, appRan } = await heldPage();
    await page.goto(payUrl, { waitUntil: 'commit' });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    expect(await appRan()).toBe(false);
    release();
    await page.getByRole('button', { name: /Pay with Card/ }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('leaves a paid invoice, and a pay view that failed, to the app', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118006' } });
    const token = payUrl.split('/pay/')[1]!;
    expect((await api('GET', `/pay/${token}`)).status).toBe(200);
    const started = await api('POST', `/pay/${token}/transactions`, { body: { method: 'card' } });
    const session = /\/sandbox\/checkout\/([^/?#]+)/.exec(started.body.next.url)![1]!;
    await api('POST', `/sandbox/checkout/${session}/pay`, { body: { cardNumber: '4242 4242 4242 4242' } });
    const paid = await heldPage();
    await paid.page.goto(payUrl, { waitUntil: 'commit' });
    await paid.page.waitForTimeout(500);
    expect(await paid.page.getByTestId('amount').count()).toBe(0);
    paid.release();
    await paid.page.waitForURL(/\/receipt$/);
    await paid.page.getByText('Paid', { exact: true }).first().waitFor({ timeout: 15_000 });

    const failed = await heldPage();
    await failed.page.route(`**/api/v1/pay/${token}`, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"code":"unavailable"}' }));
    await failed.page.goto(payUrl, { waitUntil: 'commit' });
    await failed.page.waitForTimeout(500);
    expect(await failed.page.locator('.first-paint').count()).toBe(0);
    failed.release();
    await failed.page.getByRole('button', { name: 'Try again' }).waitFor();
  });
});

describe('the payer’s language', () => {
  it('opens an invoice with payer.locale nb in Norwegian on an English phone, and keeps the payer’s own choice', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118002', locale: 'nb' } });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Betal med kort/ }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('nb');
    await page.getByRole('heading', { name: 'Velg hvordan du vil betale' }).waitFor();

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('button', { name: /Pay with Card/ }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /Pay with Card/ }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('shows the sandbox card decline in Norwegian on a Norwegian checkout', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118003', locale: 'nb' } });
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Betal med kort/ }).click();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
    await page.getByLabel('Kortnummer').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Betal', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Kortet ble avvist.' });
    await alert.waitFor();
    expect(await page.getByText('Your card was declined.').count()).toBe(0);
  });

  it('says what is wrong with a card number in Norwegian, from the server’s field error code', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118004', locale: 'nb' } });
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Betal med kort/ }).click();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
    await page.getByLabel('Kortnummer').fill('42424242424242424242');
    await page.getByRole('button', { name: 'Betal', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Kortnummeret må ha 12 til 19 sifre.' }).waitFor();
    expect(await page.getByText(/Enter 12 to 19 digits|test card/).count()).toBe(0);
  });
});

describe('the offline banner', () => {
  it('follows the network, not navigator.onLine: cleared by an answer, shown when a request gets none', async () => {
    const { payUrl } = await invoice({ payer: { phone: '+4791118004' } });
    const context = await browser.newContext(PHONE);
    // A browser that wrongly believes it is offline (as Chromium does on some networks).
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'onLine', { get: () => false, configurable: true }));
    const page = await context.newPage();
    await page.goto(payUrl);
    await page.getByRole('button', { name: /Card/ }).waitFor();
    const banner = page.getByText('You are offline', { exact: false });
    await expect.poll(() => banner.count()).toBe(0);

    await context.setOffline(true);
    await page.getByRole('button', { name: /Card/ }).click();
    await banner.waitFor();
    await page.getByRole('alert').filter({ hasText: 'Could not reach the server' }).waitFor();

    await context.setOffline(false);
    await page.getByRole('button', { name: /Card/ }).click();
    await page.waitForURL(/\/sandbox\/checkout\/cs_/);
  });
});
