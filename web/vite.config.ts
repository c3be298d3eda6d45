import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import type { Plugin } from 'vite';
import { en } from './src/i18n/en';
import { nb } from './src/i18n/nb';

/**
 * Merchant dashboard code (src/merchant/**) and the Firebase SDK it uses are only ever reached
 * through dynamic imports from /merchant routes. Their chunks are named `merchant-*` so the
 * service worker does not precache them (they are cached at run time instead), and so the
 * payer bundle budget (scripts/bench-payer.mjs) can see at a glance that none of them leak.
 */
const FIREBASE = /[\\/]node_modules[\\/](?:@firebase|firebase|idb|tslib)[\\/]/;
// The operators' console (src/operator) is dashboard-side code too.
const MERCHANT_SRC = /[\\/]src[\\/](?:merchant|operator)[\\/]/;
const PAYER_SHARED = /[\\/]src[\\/](?:components|core|stores)[\\/]|[\\/]src[\\/]i18n[\\/]format\.ts|[\\/]public[\\/]icons[\\/]|^\/icons\//;
// Payer modules needed only after a tap (the PIN step) or on another page (the sandbox checkout):
// kept out of `shared`, so the pay page's first load does not carry them.
const PAYER_LATER = /[\\/]src[\\/](?:components[\\/]PhoneStep\.vue|stores[\\/]sandboxCheckout\.ts)/;
// The API's schema and SMS rules (functions/src) with zod and libphonenumber-js: only the dashboard's forms use them.
const SERVER_SHARED = /[\\/]functions[\\/]src[\\/]|[\\/]node_modules[\\/](?:zod|libphonenumber-js)[\\/]/;
const isMerchantModule = (id: string) => MERCHANT_SRC.test(id) || FIREBASE.test(id) || SERVER_SHARED.test(id);

/** The strings index.html's first paint of the pay page uses, in both languages, from src/i18n. */
const FIRST_PAINT_KEYS = [
  'app.name',
  'app.switchLanguage',
  'app.switchLanguageLabel',
  'sandbox.banner',
  'pay.title',
  'receipt.reference',
  'pay.sentTo',
  'pay.dueBy',
  'pay.choose',
  'pay.noMethods',
  'pay.card',
  'pay.cardHint',
  'pay.phone',
  'pay.phoneHint',
  'pay.secure',
] as const;

/**
 * index.html paints an open invoice from the prefetched pay view before the app's JS runs. This
 * gives it its strings, and (in builds) loads the entry through its `__payBoot`, after that first
 * paint, instead of as a module script that would be evaluated first: still fetched at once
 * (modulepreload), so the JS travels with the pay view as before.
 */
function payFirstPaint(): Plugin {
  const messages = Object.fromEntries((['en', 'nb'] as const).map((lang) => [lang, Object.fromEntries(FIRST_PAINT_KEYS.map((key) => [key, (lang === 'nb' ? nb : en)[key] ?? en[key]]))]));
  const missing = FIRST_PAINT_KEYS.filter((key) => typeof en[key] !== 'string');
  if (missing.length) throw new Error(`pay-first-paint: no such message in src/i18n/en.ts: ${missing.join(', ')}`);
  return {
    name: 'pay-first-paint',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const json = JSON.stringify(messages).replace(/</g, '\\u003c');
        let out = html.replace('/*FIRST_PAINT_MESSAGES*/null', json);
        if (ctx.bundle) {
          const entry = /<script type="module" crossorigin src="([^"]+)"><\/script>/;
          const src = entry.exec(out)?.[1];
          if (!src) throw new Error('pay-first-paint: no entry module script in index.html');
          out = out.replace(entry, `<link rel="modulepreload" crossorigin href="${src}">\n    <script>__payBoot(${JSON.stringify(src)})</script>`);
        }
        return out;
      },
    },
  };
}

const API_TARGET = 'http://127.0.0.1:5000';
// `demo-*` projects exist only on the emulators (Firebase's convention): only their builds carry the
// code that connects to them, so a production build cannot be pointed at local emulators.
const USES_EMULATORS = (process.env.VITE_FIREBASE_PROJECT_ID || 'demo-smspay').startsWith('demo-');

export default defineConfig({
  define: { __USES_EMULATORS__: JSON.stringify(USES_EMULATORS) },
  plugins: [
    vue({ features: { optionsAPI: false, prodDevtools: false } }),
    payFirstPaint(),
    VitePWA({
      registerType: 'autoUpdate',
      strategies: 'generateSW',
      injectRegister: 'inline',
      includeManifestIcons: false,
      manifest: {
        name: 'SMS Pay',
        short_name: 'SMS Pay',
        description: 'Pay payment requests sent to you by SMS.',
        lang: 'en',
        theme_color: '#1d4ed8',
        background_color: '#f8fafc',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        globIgnores: ['**/merchant-*'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/webhooks\//, /^\/__\//],
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // Payer views: network first, so a receipt already seen still shows offline.
            urlPattern: ({ url }) => url.pathname.startsWith('/api/v1/pay/'),
            method: 'GET',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'pay-api',
              networkTimeoutSeconds: 6,
              expiration: { maxEntries: 50, maxAgeSeconds: 60 * 60 * 24 * 30 },
              cacheableResponse: { statuses: [200] },
            },
          },
          {
            // Merchant dashboard chunks: not precached, cached once loaded (hashed names).
            urlPattern: /\/assets\/merchant-[^/]+\.(?:js|css)$/,
            method: 'GET',
            handler: 'CacheFirst',
            options: {
              cacheName: 'merchant-chunks',
              expiration: { maxEntries: 80, maxAgeSeconds: 60 * 60 * 24 * 30 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/webhooks': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    // Every browser the payer page targets preloads modules natively; the polyfill is 0.5 KB.
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (FIREBASE.test(id)) return 'merchant-firebase';
          if (SERVER_SHARED.test(id)) return 'merchant-schema';
          // Small modules shared by payer views: one request instead of many.
          if (PAYER_SHARED.test(id) && !PAYER_LATER.test(id)) return 'shared';
          return undefined;
        },
        chunkFileNames(chunk) {
          if (chunk.name.startsWith('merchant-')) return 'assets/[name]-[hash].js';
          const ids = chunk.moduleIds.filter((id) => !id.startsWith('\0'));
          if (ids.length > 0 && ids.every(isMerchantModule)) return 'assets/merchant-[name]-[hash].js';
          return 'assets/[name]-[hash].js';
        },
        assetFileNames(asset) {
          const origins = asset.originalFileNames ?? [];
          const name = asset.names?.[0] ?? '';
          if (!name.startsWith('merchant-') && origins.length > 0 && origins.every((f) => MERCHANT_SRC.test(`/${f}`))) {
            return 'assets/merchant-[name]-[hash][extname]';
          }
          return 'assets/[name]-[hash][extname]';
        },
      },
    },
  },
});
