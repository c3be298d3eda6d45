#!/usr/bin/env node
// Payer bundle budget: everything the browser requests on a first load of /pay/:token (the
// entry chunk, its static imports, the PayView route chunk and its static imports, and their
// CSS) must be at most 60 KB gzipped (zlib level 9). Also reports the receipt and sandbox
// checkout routes, which share the budget. Builds nothing: run `npm run build -w web` first.
//
// Usage: node scripts/bench-payer.mjs [--json]      exit 1 when over budget or on a leak
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dist, readBuild, routeBundle } from './support/bundle.mjs';

const BUDGET = 60 * 1024; // 61,440 bytes

const build = readBuild();
if (!build) {
  console.error(`bench-payer: ${existsSync(dist) ? 'web/dist is incomplete (no index.html or .vite/manifest.json)' : 'web/dist is missing'}; run npm run build -w web first`);
  process.exit(2);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const routes = [
  { path: '/pay/:token', source: 'src/views/PayView.vue', primary: true },
  { path: '/pay/:token/receipt', source: 'src/views/ReceiptView.vue' },
  { path: '/sandbox/checkout/:sessionId', source: 'src/views/SandboxCheckoutView.vue' },
];

let failed = false;
const results = [];
for (const route of routes) {
  const { files, js, css } = routeBundle(build, [route.source]);
  const total = js + css;
  const leaks = files.filter((f) => /(^|\/)merchant-/.test(f.file) || /@firebase|firebase\/(app|auth|firestore)/.test(readFileSync(join(dist, f.file), 'utf8')));
  const over = total > BUDGET;
  if (over || leaks.length) failed = true;
  results.push({ route: route.path, js, css, total, budget: BUDGET, files, leaks: leaks.map((f) => f.file) });

  if (!process.argv.includes('--json')) {
    console.log(`\n${route.path}`);
    console.log(`  ${'file'.padEnd(72)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)}`);
    for (const f of files) console.log(`  ${f.file.padEnd(72)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)}`);
    const line = `payer route ${route.path}: JS ${kb(js)} + CSS ${kb(css)} = ${kb(total)} gzipped (budget ${kb(BUDGET).replace('.0 ', ' ')})`;
    console.log(`${over ? 'OVER BUDGET ' : ''}${line}`);
    if (leaks.length) console.log(`  LEAK: merchant/Firebase code reachable from ${route.path}: ${leaks.map((f) => f.file).join(', ')}`);
  }
}

if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
else {
  const main = results[0];
  console.log(`\npayer route ${main.route}: JS ${kb(main.js)} + CSS ${kb(main.css)} = ${kb(main.total)} gzipped (budget 60 KB)${failed ? ' — FAILED' : ''}`);
}
process.exit(failed ? 1 : 0);
