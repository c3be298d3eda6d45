#!/usr/bin/env node
// Merchant dashboard benchmark (issue 5's acceptance). Reports:
//   1. the first load of /merchant: JS and CSS gzipped (zlib level 9) — the entry, the merchant
//      layout and the invoices view, with their static imports (Firebase app, auth, firestore);
//   2. time to the invoice list rendered with 1,000 invoices seeded, against the emulators:
//      Sign in click → first rows, and a full reload while signed in → first rows (5 runs);
//   3. the delay from a status change written to Firestore to the row changing on screen
//      (20 changes: median, p90, min, max).
// Targets: list rendered in under 1.5 s, row updated in under 500 ms. A missed target prints ✖
// but still exits 0 (a benchmark, not a test); exit 1 means the measurement itself failed.
//
// Usage: node scripts/bench-dashboard.mjs [--no-build]
//   Builds functions and web (VITE_FIREBASE_PROJECT_ID=demo-smspay-bench), then runs itself with
//   --inner inside `firebase emulators:exec` on a fresh, empty emulator data set. Needs the
//   emulator ports free (stop `npm start` / `npm test` first), Java, and Chromium
//   (CHROME_PATH or /usr/bin/chromium).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EMULATORS, emulatorEnv, ensureJava, ensurePortsFree, fail, firebaseBin, root, run } from './support/emulators.mjs';
import { dist, readBuild, routeBundle } from './support/bundle.mjs';

const PROJECT = 'demo-smspay-bench';
const BASE_URL = 'http://127.0.0.1:5000';
const INVOICES = 1000;
const RELOADS = 5;
const UPDATES = 20;
const TARGET_LIST_MS = 1500;
const TARGET_ROW_MS = 500;
const RESULT_FILE = join(root, '.cache', 'bench-dashboard', 'result.json');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const ms = (x) => `${Math.round(x)} ms`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mark = (ok) => (ok ? '✔' : '✖');

if (process.argv.includes('--inner')) {
  await inner();
} else {
  await outer();
}

// ─── Outer: build, bundle size, emulators ────────────────────────────────────────────────────

async function outer() {
  // The emulators of another run would serve the web/dist this script is about to rebuild.
  await ensurePortsFree();
  ensureJava();
  if (!existsSync(CHROME)) fail(`The benchmark drives Chromium, and there is none at ${CHROME}. Install it or set CHROME_PATH.`);

  if (!process.argv.includes('--no-build')) {
    console.log('› Building functions and the web app…');
    run('npm', ['run', 'build', '-w', 'functions', '--silent']);
    run('npm', ['run', 'build', '-w', 'web', '--silent'], { env: { ...process.env, VITE_FIREBASE_PROJECT_ID: PROJECT } });
  }
  const build = readBuild();
  if (!build) fail('web/dist is incomplete (no index.html or .vite/manifest.json); run npm run build -w web.');
  // The first load of /merchant: the layout and the invoice list with everything they import.
  const bundle = routeBundle(build, ['src/merchant/MerchantLayout.vue', 'src/merchant/views/InvoicesView.vue']);
  await ensurePortsFree();

  // The functions emulator reads functions/.env.<project>; without one it prompts for every
  // param and writes the answers there. Borrow the test run's settings for this run only.
  const envFile = join(root, 'functions', `.env.${PROJECT}`);
  const borrowedEnv = !existsSync(envFile);
  if (borrowedEnv) copyFileSync(join(root, 'functions', '.env.demo-smspay-test'), envFile);
  const cleanup = () => {
    if (borrowedEnv) rmSync(envFile, { force: true });
  };
  const onSignal = (signal) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  rmSync(RESULT_FILE, { force: true });
  mkdirSync(join(root, '.cache', 'bench-dashboard'), { recursive: true });
  console.log(`› Starting the emulators (${EMULATORS}) and measuring…`);
  let result;
  try {
    result = spawnSync(firebaseBin, ['emulators:exec', '--non-interactive', '--project', PROJECT, '--only', EMULATORS, 'node scripts/bench-dashboard.mjs --inner'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...emulatorEnv(), CHROME_PATH: CHROME, BENCH_RESULT_FILE: RESULT_FILE },
    });
  } finally {
    cleanup();
  }
  if (result.status !== 0 || !existsSync(RESULT_FILE)) {
    fail(`The measurement failed (emulators:exec exit ${result.status ?? result.signal}). See the log above.`);
  }
  report(bundle, JSON.parse(readFileSync(RESULT_FILE, 'utf8')));
  process.exit(0);
}

function report(bundle, r) {
  const gzOf = (file) => {
    const path = join(dist, file);
    return existsSync(path) ? gzipSync(readFileSync(path), { level: 9 }).length : 0;
  };
  console.log('\n━━ Dashboard benchmark');
  console.log(`\nfirst load of /merchant (gzip -9):`);
  console.log(`  ${'file'.padEnd(76)} ${'raw'.padStart(9)} ${'gzip -9'.padStart(9)}`);
  for (const f of bundle.files) console.log(`  ${f.file.padEnd(76)} ${kb(f.raw).padStart(9)} ${kb(f.gzip).padStart(9)}`);
  const fetched = r.fetchedAssets ?? [];
  const fetchedJs = fetched.filter((f) => f.endsWith('.js'));
  const predicted = new Set(bundle.files.map((f) => f.file));
  const extra = fetched.filter((f) => !predicted.has(f));
  console.log(
    `  the browser fetched ${fetchedJs.length} JS files (${kb(fetchedJs.reduce((s, f) => s + gzOf(f), 0))} gzipped) before the first rows` +
      (extra.length ? `; not in the static closure: ${extra.join(', ')}` : ', all in the static closure'),
  );

  const reloadMedian = median(r.reloadMs);
  const rowMedian = median(r.updateMs);
  const listOk = r.signInMs < TARGET_LIST_MS && reloadMedian < TARGET_LIST_MS;
  const rowOk = rowMedian < TARGET_ROW_MS;
  const lines = [
    ['dashboard first load', `JS ${kb(bundle.js)} + CSS ${kb(bundle.css)} gzipped (${bundle.files.length} files)`],
    ['page load → sign-in form', `${ms(r.formMs)} (fresh browser context, empty cache)`],
    [
      `list rendered (${INVOICES.toLocaleString('en-US')} invoices seeded)`,
      `sign-in → rows ${ms(r.signInMs)}; reload → rows median ${ms(reloadMedian)} (${r.reloadMs.length} runs: ${r.reloadMs.map((x) => Math.round(x)).join(', ')})`,
    ],
    [
      `row update latency (${r.updateMs.length})`,
      `median ${ms(rowMedian)}, p90 ${ms(quantile(r.updateMs, 0.9))}, min ${ms(Math.min(...r.updateMs))}, max ${ms(Math.max(...r.updateMs))}` +
        ` (admin write acknowledged after median ${ms(median(r.writeAckMs))})`,
    ],
    ['targets', `list < ${TARGET_LIST_MS} ms ${mark(listOk)}, row < ${TARGET_ROW_MS} ms ${mark(rowOk)}`],
  ];
  console.log('');
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(`\n(rows: first page of ${r.rowsShown} rows; Chromium ${r.browserVersion}, headless, 1280×800; raw figures in ${posix.relative(root, RESULT_FILE)})`);
}

// ─── Inner: runs inside emulators:exec ───────────────────────────────────────────────────────

async function inner() {
  const projectId = process.env.GCLOUD_PROJECT || PROJECT;
  const { seedMerchant } = await import('./support/seed.mjs');
  const { getApps } = await import('firebase-admin/app');
  const { getFirestore, Timestamp } = await import('firebase-admin/firestore');
  const { chromium } = await import('playwright-core');

  const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const base62 = (n) => Array.from({ length: n }, () => BASE62[randomInt(62)]).join('');
  const suffix = randomBytes(4).toString('hex');
  const merchant = {
    merchantId: `bench-${suffix}`,
    name: 'Bench Bakery',
    email: `bench-${suffix}@example.com`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
    apiKey: `sk_test_${base62(32)}`,
    webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
  };

  let browser;
  try {
    // emulators:exec may start this before the functions emulator has loaded its code; let it
    // finish first, so its CPU use does not land in the measurement.
    await waitForApi();
    const t = Date.now();
    await seedMerchant(projectId, merchant);
    const db = getFirestore(getApps()[0]);
    await seedInvoices(db, Timestamp, merchant, base62);
    console.log(`› Seeded ${merchant.merchantId} and ${INVOICES} invoices in ${Date.now() - t} ms`);

    browser = await chromium.launch({
      executablePath: CHROME,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    // In every document: performance.now() (ms since navigation start) when the first invoice
    // row enters the DOM, from a MutationObserver rather than polling from Node.
    await context.addInitScript(() => {
      const bench = { rowsAt: null, rows: 0 };
      window.__bench = bench;
      const check = () => {
        if (bench.rowsAt !== null) return;
        const rows = document.querySelectorAll('tr[data-invoice-id]').length;
        if (rows > 0) {
          bench.rowsAt = performance.now();
          bench.rows = rows;
          observer.disconnect();
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const fetchedAssets = [];
    const onResponse = (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/assets/') && /\.(js|css)$/.test(path)) fetchedAssets.push(path.slice(1));
    };
    page.on('response', onResponse);

    // (a) First visit: sign-in form, then Sign in click → first rows.
    await page.goto(`${BASE_URL}/merchant`);
    await page.getByLabel('Email').waitFor();
    const formMs = await page.evaluate(() => performance.now());
    await page.getByLabel('Email').fill(merchant.email);
    await page.getByLabel('Password').fill(merchant.password);
    await page.evaluate(() => {
      document.addEventListener('click', () => (window.__bench.clickAt ??= performance.now()), { capture: true, once: true });
    });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => window.__bench.rowsAt !== null, null, { timeout: 30_000 });
    const first = await page.evaluate(() => ({ ...window.__bench }));
    const signInMs = first.rowsAt - first.clickAt;
    page.off('response', onResponse);
    const rowsShown = await page.locator('tr[data-invoice-id]').count();
    console.log(`› page load → sign-in form ${ms(formMs)}; sign-in → rows ${ms(signInMs)} (${rowsShown} rows)`);

    // (b) Full reloads while signed in: navigation start → first rows.
    const reloadMs = [];
    for (let i = 0; i < RELOADS; i++) {
      await page.reload({ waitUntil: 'commit' });
      await page.waitForFunction(() => window.__bench && window.__bench.rowsAt !== null, null, { timeout: 30_000 });
      reloadMs.push(await page.evaluate(() => window.__bench.rowsAt));
      await page.waitForLoadState('load');
      await page.waitForTimeout(300);
    }
    console.log(`› reload → rows: ${reloadMs.map((x) => Math.round(x)).join(', ')} ms`);

    // (c) Status changes written with the Admin SDK → the row's chip changes in the page.
    const rows = await page.$$eval('tr[data-invoice-id]', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-invoice-id'), status: tr.querySelector('[data-status]')?.getAttribute('data-status') })),
    );
    if (rows.length === 0) throw new Error('no invoice rows on screen');
    const current = new Map(rows.map((r) => [r.id, r.status]));
    const updateMs = [];
    const writeAckMs = [];
    for (let i = 0; i < UPDATES; i++) {
      const id = rows[i % rows.length].id;
      const next = current.get(id) === 'sent' ? 'opened' : 'sent';
      await page.evaluate(
        ({ id, next }) => {
          const selector = `[data-invoice-id="${id}"] [data-status="${next}"]`;
          window.__update = null;
          const observer = new MutationObserver(() => {
            if (document.querySelector(selector)) {
              window.__update = Date.now();
              observer.disconnect();
            }
          });
          observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
        },
        { id, next },
      );
      const t0 = Date.now();
      await db.collection('invoices').doc(id).update({ status: next, updatedAt: Timestamp.now() });
      writeAckMs.push(Date.now() - t0);
      await page.waitForFunction(() => window.__update !== null, null, { timeout: 10_000, polling: 50 });
      const t1 = await page.evaluate(() => window.__update);
      updateMs.push(t1 - t0);
      current.set(id, next);
      await page.waitForTimeout(150);
    }
    console.log(`› row update latency: ${updateMs.join(', ')} ms`);

    const result = {
      merchantId: merchant.merchantId,
      invoices: INVOICES,
      browserVersion: browser.version(),
      formMs,
      signInMs,
      rowsShown,
      reloadMs,
      updateMs,
      writeAckMs,
      fetchedAssets: [...new Set(fetchedAssets)],
    };
    writeFileSync(process.env.BENCH_RESULT_FILE || RESULT_FILE, JSON.stringify(result, null, 2));
    await browser.close();
    process.exit(0);
  } catch (error) {
    console.error(`\n✖ bench-dashboard: the measurement failed: ${error?.stack ?? error}`);
    await browser?.close().catch(() => {});
    process.exit(1);
  }
}

async function waitForApi() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${BASE_URL}/api/v1/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${BASE_URL}/api/v1/health did not answer within 2 minutes`);
}

/** 1,000 invoices as the API would have left them, spread over the last 30 days, in batches of 500. */
async function seedInvoices(db, Timestamp, merchant, base62) {
  const now = Date.now();
  const DAY = 86_400_000;
  const STATUSES = [
    ['paid', 30],
    ['sent', 20],
    ['opened', 15],
    ['expired', 12],
    ['cancelled', 5],
    ['refunded', 4],
    ['partially_refunded', 2],
    ['processing', 2],
    ['scheduled', 2],
  ];
  const totalWeight = STATUSES.reduce((s, [, w]) => s + w, 0);
  const pickStatus = () => {
    let n = randomInt(totalWeight);
    for (const [status, w] of STATUSES) if ((n -= w) < 0) return status;
    return 'sent';
  };
  const ITEMS = ['Cinnamon buns', 'Sourdough loaf', 'Birthday cake', 'Coffee and croissant', 'Catering, Friday', 'Bread subscription', 'Wedding cake deposit'];
  const ts = (ms) => Timestamp.fromMillis(Math.round(ms));

  const docs = Array.from({ length: INVOICES }, (_, i) => {
    const id = `inv_${base62(22)}`;
    const status = pickStatus();
    const created = now - Math.random() * 30 * DAY;
    const amount = randomInt(20, 5000) * 50; // NOK 10.00 to 2,499.50, in øre
    const paid = ['paid', 'refunded', 'partially_refunded'].includes(status);
    const opened = paid || ['opened', 'processing'].includes(status);
    const scheduled = status === 'scheduled';
    const payToken = randomBytes(24).toString('base64url');
    const description = ITEMS[i % ITEMS.length];
    const payUrl = `${BASE_URL}/pay/${payToken}`;
    return {
      id,
      merchantId: merchant.merchantId,
      merchantName: merchant.name,
      mode: 'test',
      status,
      amount,
      currency: 'NOK',
      description,
      payer: { phone: `+479${String(randomInt(10_000_000)).padStart(7, '0')}` },
      locale: 'en',
      paymentMethods: ['card', 'phone'],
      reference: `order-${10_000 + i}`,
      metadata: {},
      returnUrl: null,
      cancelUrl: null,
      callbackUrl: null,
      smsReceipt: false,
      payToken,
      payUrl,
      sms: {
        status: scheduled ? 'scheduled' : 'delivered',
        text: `${merchant.name} requests NOK ${(amount / 100).toFixed(2)} for ${description}. Pay here: ${payUrl}`,
        sender: null,
        segments: 1,
        encoding: 'GSM-7',
        messageId: scheduled ? null : `sms_${base62(22)}`,
        sentAt: scheduled ? null : ts(created + 1_000),
        deliveredAt: scheduled ? null : ts(created + 3_000),
        failureCode: null,
        resends: 0,
        queuedAt: ts(created),
      },
      transaction:
        paid || status === 'processing'
          ? { id: `txn_${base62(22)}`, method: i % 3 ? 'card' : 'phone', provider: 'sandbox', status: status === 'processing' ? 'processing' : status === 'paid' ? 'succeeded' : 'refunded' }
          : null,
      amountRefunded: status === 'refunded' ? amount : status === 'partially_refunded' ? Math.round(amount / 2) : 0,
      refundPending: 0,
      callbackSequence: 0,
      expiresAt: ts(created + 7 * DAY),
      sendAt: scheduled ? ts(now + DAY) : null,
      createdAt: ts(created),
      updatedAt: ts(Math.min(now, created + 10 * 60_000)),
      openedAt: opened ? ts(created + 5 * 60_000) : null,
      paidAt: paid ? ts(created + 8 * 60_000) : null,
      cancelledAt: status === 'cancelled' ? ts(created + 60 * 60_000) : null,
    };
  });
  for (let i = 0; i < docs.length; i += 500) {
    const batch = db.batch();
    for (const doc of docs.slice(i, i + 500)) batch.set(db.collection('invoices').doc(doc.id), doc);
    await batch.commit();
  }
}
