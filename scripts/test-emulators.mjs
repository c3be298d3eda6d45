// `node scripts/test-emulators.mjs [vitest filters…]`: builds, then runs only the named emulator-tier
// test files (all of them without filters) inside `firebase emulators:exec`. For working on one area;
// `npm test` stays the whole suite. Set STRIPE=1 to run the CARD_PROVIDER=stripe tier instead, or
// CHAOS=1 for the chaos tier (tests/chaos: it kills functions-emulator workers, so it runs alone).
import { spawnSync } from 'node:child_process';
import { EMULATORS, emulatorEnv, ensureInstalled, ensureJava, fail, firebaseBin, root, run } from './support/emulators.mjs';

ensureInstalled();
ensureJava();
const stripe = process.env.STRIPE === '1';
const chaos = process.env.CHAOS === '1';
if (stripe && chaos) fail('Set STRIPE=1 or CHAOS=1, not both.');
const project = stripe ? 'demo-smspay-stripe' : 'demo-smspay-test';
const config = stripe ? 'tests/vitest.stripe.config.ts' : chaos ? 'tests/vitest.chaos.config.ts' : 'tests/vitest.config.ts';
run('npm', ['run', 'build', '-w', 'functions', '--silent']);
if (process.env.SKIP_WEB_BUILD !== '1') {
  run('npm', ['run', 'build', '-w', 'web', '--silent'], { env: { ...process.env, VITE_FIREBASE_PROJECT_ID: project } });
}
const filters = process.argv.slice(2).join(' ');
const result = spawnSync(firebaseBin, ['emulators:exec', '--non-interactive', '--project', project, '--only', EMULATORS, `npx vitest run --config ${config} ${filters}`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...emulatorEnv(), CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' },
});
if (result.status !== 0) fail(`The emulator tests failed (exit ${result.status}).`);
