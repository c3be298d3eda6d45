// What the browser loads for a route of the built PWA, from web/dist and Vite's manifest.
// Shared by the payer budget (bench-payer) and the dashboard benchmark (bench-dashboard).
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './emulators.mjs';

export const dist = join(root, 'web', 'dist');

/** The built app, or null when web/dist is missing or incomplete. */
export function readBuild() {
  const manifestPath = join(dist, '.vite', 'manifest.json');
  const htmlPath = join(dist, 'index.html');
  if (!existsSync(htmlPath) || !existsSync(manifestPath)) return null;
  return { manifest: JSON.parse(readFileSync(manifestPath, 'utf8')), html: readFileSync(htmlPath, 'utf8') };
}

/** Files the HTML itself makes the browser fetch: module scripts, stylesheets, modulepreloads. */
function htmlAssets(html) {
  const files = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
    const url = attr('src') ?? attr('href');
    if (!url || /^(https?:)?\/\//.test(url)) continue;
    const rel = (attr('rel') ?? '').toLowerCase();
    if (tag.toLowerCase().startsWith('<script') || rel === 'stylesheet' || rel === 'modulepreload') files.add(url.replace(/^\//, ''));
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

/**
 * Every JS and CSS file loaded when the app starts and the given source modules load (by path
 * suffix, e.g. "src/views/PayView.vue"): the HTML's assets, the manifest closure of static imports
 * and CSS, cross-checked by reading the built JS in case the manifest missed an import. Each file
 * with its raw and gzip -9 size, largest first, and the JS and CSS totals.
 */
export function routeBundle({ manifest, html }, sources) {
  const keyOf = (suffix) => {
    const key = Object.keys(manifest).find((k) => k === suffix || k.endsWith(`/${suffix}`));
    if (!key) throw new Error(`${suffix} not found in web/dist/.vite/manifest.json`);
    return key;
  };
  const files = htmlAssets(html);
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
  [Object.keys(manifest).find((k) => manifest[k].isEntry) ?? 'index.html', ...sources.map(keyOf)].forEach(visit);
  const queue = [...files].filter((f) => f.endsWith('.js'));
  while (queue.length) {
    for (const dep of staticImportsOf(queue.pop())) {
      if (!files.has(dep) && existsSync(join(dist, dep))) {
        files.add(dep);
        queue.push(dep);
      }
    }
  }
  const list = [...files]
    .filter((f) => /\.(js|css)$/.test(f) && existsSync(join(dist, f)))
    .map((file) => {
      const raw = readFileSync(join(dist, file));
      return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const sum = (ext) => list.filter((f) => f.file.endsWith(ext)).reduce((s, f) => s + f.gzip, 0);
  return { files: list, js: sum('.js'), css: sum('.css') };
}
