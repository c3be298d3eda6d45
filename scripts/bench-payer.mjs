#!/usr/bin/env node
// Payer bundle budget: everything the browser requests on a first load of /pay/:token (the
// entry chunk, its static imports, the PayView route chunk and its static imports, and their
// CSS) must be at most 60 KB gzipped (zlib level 9). Also reports the receipt and sandbox
// checkout routes, which share the budget. Builds nothing: run `npm run build -w web` first.
//
// Usage: node scripts/bench-payer.mjs [--json]      exit 1 when over budget or on a leak
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 60 * 1024; // 61,440 bytes
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'web', 'dist');
const manifestPath = join(dist, '.vite', 'manifest.json');
const htmlPath = join(dist, 'index.html');

if (!existsSync(htmlPath) || !existsSync(manifestPath)) {
  console.error(`bench-payer: ${existsSync(dist) ? 'web/dist is incomplete (no index.html or .vite/manifest.json)' : 'web/dist is missing'}; run npm run build -w web first`);
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const html = readFileSync(htmlPath, 'utf8');

/** Files the HTML itself makes the browser fetch: module scripts, stylesheets, modulepreloads. */
function htmlAssets() {
  const files = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
    const url = attr('src') ?? attr('href');
    if (!url || /^(https?:)?\/\//.test(url)) continue;
    const rel = (attr('rel') ?? '').toLowerCase();
    const isScript = tag.toLowerCase().startsWith('<script');
    if (isScript || rel === 'stylesheet' || rel === 'modulepreload') files.add(url.replace(/^\//, ''));
  }
  return files;
}

/** Static imports inside a built JS file (not dynamic `import()`), resolved to dist paths. */
function staticImportsOf(file) {
  const code = readFileSync(join(dist, file), 'utf8');
  const found = new Set();
  const re = /\b(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+\.js)["']/g;
  for (const m of code.matchAll(re)) {
    const spec = m[1];
    if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
    found.add(spec.startsWith('/') ? spec.slice(1) : posix.normalize(posix.join(posix.dirname(file), spec)));
  }
  return found;
}

/** The manifest key of a source module, by path suffix (e.g. "src/views/PayView.vue"). */
function keyOf(suffix) {
  const key = Object.keys(manifest).find((k) => k === suffix || k.endsWith(`/${suffix}`));
  if (!key) throw new Error(`bench-payer: ${suffix} not found in web/dist/.vite/manifest.json`);
  return key;
}

/** Every file loaded when the given manifest keys load: static imports (transitively) and CSS. */
function closure(keys) {
  const files = new Set(htmlAssets());
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const entry = manifest[key];
    if (!entry) return;
    files.add(entry.file);
    for (const css of entry.css ?? []) files.add(css);
    for (const imp of entry.imports ?? []) visit(imp);
  };
  keys.forEach(visit);
  // Cross-check by reading the JS itself, in case the manifest missed an import.
  const queue = [...files].filter((f) => f.endsWith('.js'));
  while (queue.length) {
    const file = queue.pop();
    for (const dep of staticImportsOf(file)) {
      if (!files.has(dep) && existsSync(join(dist, dep))) {
        files.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...files].filter((f) => /\.(js|css)$/.test(f) && existsSync(join(dist, f)));
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry) ?? 'index.html';

const routes = [
  { path: '/pay/:token', source: 'src/views/PayView.vue', primary: true },
  { path: '/pay/:token/receipt', source: 'src/views/ReceiptView.vue' },
  { path: '/sandbox/checkout/:sessionId', source: 'src/views/SandboxCheckoutView.vue' },
];

let failed = false;
const results = [];
for (const route of routes) {
  const files = closure([entryKey, keyOf(route.source)]).map((file) => ({
    file,
    raw: readFileSync(join(dist, file)).length,
    gzip: gz(file),
  }));
  files.sort((a, b) => b.gzip - a.gzip);
  const js = files.filter((f) => f.file.endsWith('.js')).reduce((s, f) => s + f.gzip, 0);
  const css = files.filter((f) => f.file.endsWith('.css')).reduce((s, f) => s + f.gzip, 0);
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
