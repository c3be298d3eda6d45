#!/usr/bin/env node
// Payer page benchmark.
//
// Default (fast, no emulators; `npm test` runs it): the bundle budget. Everything the browser
// requests on a first load of /pay/:token, where the payer lands from the SMS (the entry chunk,
// which holds the pay view, its static imports, and their CSS), must be at most 50 KB of JS and
// 60 KB of JS+CSS gzipped (zlib level 9), with no merchant or Firebase code. The receipt and
// sandbox checkout routes (the pay view's entry plus their own chunk) have the 60 KB budget.
// Builds nothing: run `npm run build -w web` first.
//
// --lighthouse: Largest Contentful Paint in Lighthouse 12 (mobile, simulated slow 4G, 4× CPU),
// of the pay page of a real invoice and of an empty Vue page, in the same run, both served by the
// Hosting emulator. Builds functions, web and the empty page (skip the first two with
// --no-build), starts the emulators (ports must be free: stop `npm start` first), runs each page
// RUNS times (LIGHTHOUSE_RUNS, default 3) alternately, and reports the medians and their ratio.
// Target: pay page LCP ≤ 1.2 × the empty page and ≤ 1.5 s. Needs Chromium (CHROME_PATH or
// /usr/bin/chromium).
//
// Usage: node scripts/bench-payer.mjs [--json]          exit 1 when over budget or on a leak
//        node scripts/bench-payer.mjs --lighthouse [--no-build]   exit 1 when a target is missed
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, posix } from 'node:path';
import { dist, readBuild, routeBundle } from './support/bundle.mjs';
import { EMULATORS, emulatorEnv, ensureJava, ensurePortsFree, fail, firebaseBin, root, run } from './support/emulators.mjs';

const JS_BUDGET = 50 * 1024; // 51,200 bytes: the payer JS the page had before the inline prefetch
const BUDGET = 60 * 1024; // 61,440 bytes: JS + CSS

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// ─── Bundle budget ──────────────────────────────────────────────────────────────────────────

function bundleBudget() {
  const build = readBuild();
  if (!build) {
    console.error(`bench-payer: ${existsSync(dist) ? 'web/dist is incomplete (no index.html or .vite/manifest.json)' : 'web/dist is missing'}; run npm run build -w web first`);
    process.exit(2);
  }
  const results = bundleResults(build);
  const failed = results.some((r) => r.over || r.leaks.length);
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else {
    for (const r of results) {
      console.log(`\n${r.route}`);
      console.log(`  ${'file'.padEnd(72)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)}`);
      for (const f of r.files) console.log(`  ${f.file.padEnd(72)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)}`);
      console.log(`${r.over ? 'OVER BUDGET ' : ''}${summary(r)}`);
      if (r.leaks.length) console.log(`  LEAK: merchant/Firebase code reachable from ${r.route}: ${r.leaks.join(', ')}`);
    }
    console.log(`\n${summary(results[0])}${failed ? ' — FAILED' : ''}`);
  }
  process.exit(failed ? 1 : 0);
}

function summary(r) {
  const budget = r.jsBudget < r.budget ? `JS ${kb(r.jsBudget)}, JS+CSS ${kb(r.budget)}` : `JS+CSS ${kb(r.budget)}`;
  return `payer route ${r.route}: JS ${kb(r.js)} + CSS ${kb(r.css)} = ${kb(r.total)} gzipped (budget ${budget.replace(/\.0 KB/g, ' KB')})`;
}

function bundleResults(build) {
  const routes = [
    // The pay view is in the entry chunk (src/router.ts), so it has no manifest entry of its own.
    { path: '/pay/:token', sources: [], jsBudget: JS_BUDGET },
    { path: '/pay/:token/receipt', sources: ['src/views/ReceiptView.vue'] },
    { path: '/sandbox/checkout/:sessionId', sources: ['src/views/SandboxCheckoutView.vue'] },
  ];
  return routes.map((route) => {
    const { files, js, css } = routeBundle(build, route.sources);
    const total = js + css;
    const leaks = files.filter((f) => /(^|\/)merchant-/.test(f.file) || /@firebase|firebase\/(app|auth|firestore)/.test(readFileSync(join(dist, f.file), 'utf8')));
    const jsBudget = route.jsBudget ?? BUDGET;
    return { route: route.path, js, css, total, budget: BUDGET, jsBudget, over: js > jsBudget || total > BUDGET, files, leaks: leaks.map((f) => f.file) };
  });
}

// ─── Lighthouse: pay page and empty Vue page, through the Hosting emulator ──────────────────

const PROJECT = 'demo-smspay-lighthouse';
const BASE_URL = 'http://127.0.0.1:5000';
const EMPTY_PATH = '/__bench-empty/';
const EMPTY_DIR = join(dist, '__bench-empty');
const RESULT_FILE = join(root, '.cache', 'bench-payer', 'lighthouse.json');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS) || 3);
const TARGET_RATIO = 1.2;
const TARGET_LCP_MS = 1500;
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** The smallest Vue app: one heading rendered by Vue, built by Vite like the real app. */
async function buildEmptyPage() {
  const src = join(root, '.cache', 'bench-payer', 'empty');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'index.html'),
    '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n' +
      '    <title>Empty Vue page</title>\n  </head>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="./main.js"></script>\n  </body>\n</html>\n',
  );
  writeFileSync(join(src, 'main.js'), "import { createApp, h } from 'vue';\n\ncreateApp({ render: () => h('h1', 'Payment request from Demo Shop') }).mount('#app');\n");
  const { build } = await import('vite');
  await build({ root: src, base: EMPTY_PATH, logLevel: 'warn', configFile: false, build: { outDir: EMPTY_DIR, emptyOutDir: true, target: 'es2020' } });
}

async function lighthouseOuter() {
  await ensurePortsFree();
  ensureJava();
  if (!existsSync(CHROME)) fail(`Lighthouse drives Chromium, and there is none at ${CHROME}. Install it or set CHROME_PATH.`);
  if (!process.argv.includes('--no-build')) {
    console.log('› Building functions and the web app…');
    run('npm', ['run', 'build', '-w', 'functions', '--silent']);
    run('npm', ['run', 'build', '-w', 'web', '--silent'], { env: { ...process.env, VITE_FIREBASE_PROJECT_ID: PROJECT } });
  }
  const build = readBuild();
  if (!build) fail('web/dist is incomplete (no index.html or .vite/manifest.json); run npm run build -w web.');
  const bundle = bundleResults(build)[0];
  console.log('› Building the empty Vue page…');
  await buildEmptyPage();

  // The functions emulator reads functions/.env.<project>; borrow the test run's for this run.
  const envFile = join(root, 'functions', `.env.${PROJECT}`);
  const borrowedEnv = !existsSync(envFile);
  if (borrowedEnv) copyFileSync(join(root, 'functions', '.env.demo-smspay-test'), envFile);
  const cleanup = () => {
    if (borrowedEnv) rmSync(envFile, { force: true });
    rmSync(EMPTY_DIR, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  rmSync(RESULT_FILE, { force: true });
  mkdirSync(join(root, '.cache', 'bench-payer'), { recursive: true });
  console.log(`› Starting the emulators (${EMULATORS}) and running Lighthouse ${RUNS}× per page…`);
  let result;
  try {
    result = spawnSync(firebaseBin, ['emulators:exec', '--non-interactive', '--project', PROJECT, '--only', EMULATORS, 'node scripts/bench-payer.mjs --lighthouse-inner'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...emulatorEnv(), CHROME_PATH: CHROME, BENCH_RESULT_FILE: RESULT_FILE },
    });
  } finally {
    cleanup();
  }
  if (result.status !== 0 || !existsSync(RESULT_FILE)) fail(`The measurement failed (emulators:exec exit ${result.status ?? result.signal}). See the log above.`);
  const r = JSON.parse(readFileSync(RESULT_FILE, 'utf8'));
  process.exit(reportLighthouse(bundle, r) ? 0 : 1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function reportLighthouse(bundle, r) {
  const pay = median(r.pay.map((x) => x.lcp));
  const empty = median(r.empty.map((x) => x.lcp));
  const ratio = pay / empty;
  const ok = ratio <= TARGET_RATIO && pay <= TARGET_LCP_MS;
  const ms = (x) => `${Math.round(x)} ms`;
  const runs = (xs) => `${xs.map((x) => Math.round(x.lcp)).join(', ')}; min ${Math.round(Math.min(...xs.map((x) => x.lcp)))}`;
  console.log('\n━━ Payer page: Lighthouse (mobile, simulated slow 4G, 4× CPU slowdown)');
  console.log(`payer JS+CSS gzipped       ${kb(bundle.js)} + ${kb(bundle.css)} = ${kb(bundle.total)}`);
  console.log(`LCP pay page               ${ms(pay)} median (runs: ${runs(r.pay)}; LCP element: ${r.pay[0]?.element ?? '?'}; performance ${median(r.pay.map((x) => x.score)).toFixed(2)})`);
  console.log(`LCP empty Vue page         ${ms(empty)} median (runs: ${runs(r.empty)}; performance ${median(r.empty.map((x) => x.score)).toFixed(2)})`);
  console.log(`ratio pay / empty          ${ratio.toFixed(2)} (of the medians; of the minimums ${(Math.min(...r.pay.map((x) => x.lcp)) / Math.min(...r.empty.map((x) => x.lcp))).toFixed(2)})`);
  const phases = r.pay[r.pay.length >> 1]?.phases;
  if (phases && Object.keys(phases).length)
    console.log(
      `pay page LCP phases         ${Object.entries(phases)
        .map(([k, v]) => `${k} ${v} ms`)
        .join(', ')}`,
    );
  console.log(`targets                    ratio ≤ ${TARGET_RATIO} ${ratio <= TARGET_RATIO ? '✔' : '✖'}, LCP ≤ ${TARGET_LCP_MS} ms ${pay <= TARGET_LCP_MS ? '✔' : '✖'}`);
  console.log(`(Lighthouse ${r.lighthouseVersion}, ${r.userAgent}; raw figures in ${posix.relative(root, RESULT_FILE)})`);
  return ok;
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

async function lighthouseInner() {
  const { seedMerchant, DEMO } = await import('./support/seed.mjs');
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  let chrome;
  try {
    await waitForApi();
    await seedMerchant(process.env.GCLOUD_PROJECT || PROJECT, DEMO);
    const created = await fetch(`${BASE_URL}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 12900, currency: 'NOK', description: 'Pizza Margherita', payer: { phone: '+4791234567' } }),
    });
    const invoice = await created.json();
    if (created.status !== 201) throw new Error(`creating the invoice answered ${created.status}: ${JSON.stringify(invoice)}`);
    const payUrl = invoice.payUrl;
    const emptyUrl = `${BASE_URL}${EMPTY_PATH}`;
    if ((await fetch(emptyUrl)).status !== 200) throw new Error(`${emptyUrl} is not served`);
    // Warm the functions emulator (its first request loads the code), as production instances are.
    await fetch(`${BASE_URL}/api/v1/pay/${payUrl.split('/pay/')[1]}`);

    chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS });
    const measure = async (url) => {
      const runnerResult = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
      const lhr = runnerResult.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const lcpElement = lhr.audits['largest-contentful-paint-element']?.details?.items ?? [];
      const element = lcpElement[0]?.items?.[0]?.node?.snippet ?? null;
      // TTFB, load delay, load time and render delay of the LCP element (a text element has no load).
      const phases = Object.fromEntries((lcpElement[1]?.items ?? []).map((row) => [row.phase, Math.round(row.timing)]));
      return {
        lcp: lhr.audits['largest-contentful-paint'].numericValue,
        fcp: lhr.audits['first-contentful-paint'].numericValue,
        score: lhr.categories.performance.score,
        element,
        phases,
        observedLcp: lhr.audits.metrics?.details?.items?.[0]?.observedLargestContentfulPaint ?? null,
        lighthouseVersion: lhr.lighthouseVersion,
        userAgent: lhr.environment?.hostUserAgent,
      };
    };
    const pay = [];
    const empty = [];
    for (let i = 0; i < RUNS; i++) {
      empty.push(await measure(emptyUrl));
      pay.push(await measure(payUrl));
      console.log(`› run ${i + 1}/${RUNS}: pay ${Math.round(pay.at(-1).lcp)} ms, empty ${Math.round(empty.at(-1).lcp)} ms`);
    }
    writeFileSync(process.env.BENCH_RESULT_FILE || RESULT_FILE, JSON.stringify({ payUrl, emptyUrl, lighthouseVersion: pay[0].lighthouseVersion, userAgent: pay[0].userAgent, pay, empty }, null, 2));
    await chrome.kill();
    process.exit(0);
  } catch (error) {
    console.error(`\n✖ bench-payer --lighthouse: the measurement failed: ${error?.stack ?? error}`);
    await chrome?.kill();
    process.exit(1);
  }
}

// Last, once every constant above is initialised.
if (process.argv.includes('--lighthouse-inner')) await lighthouseInner();
else if (process.argv.includes('--lighthouse')) await lighthouseOuter();
else bundleBudget();
