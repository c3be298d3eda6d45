// `npm test`: the whole suite. Static checks, unit tests, then the emulator tier (integration and
// e2e in Chromium) inside `firebase emulators:exec`, on a fresh emulator data set.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { EMULATORS, emulatorEnv, ensureInstalled, ensureJava, fail, firebaseBin, root, run } from './support/emulators.mjs';

const PROJECT = 'demo-smspay-test';
const started = Date.now();
const step = (name) => console.log(`\n━━ ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

ensureInstalled();
ensureJava();
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(chrome)) {
  fail(`The end-to-end tests drive Chromium, and there is none at ${chrome}.\n  Install it with \`apt-get update && apt-get install -y chromium\`, or set CHROME_PATH.`);
}

step('Build');
run('npm', ['run', 'build', '-w', 'functions', '--silent']);
run('npm', ['run', 'build', '-w', 'web', '--silent'], { env: { ...process.env, VITE_FIREBASE_PROJECT_ID: PROJECT } });

step('Lint and typecheck');
run('npm', ['run', 'lint', '--silent']);
run('npm', ['run', 'typecheck', '--silent']);

step('Payer bundle budget');
run('node', ['scripts/bench-payer.mjs']);

const reports = join(root, '.cache', 'test-reports');
rmSync(reports, { recursive: true, force: true });
const reporters = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${name}.json`)}`];

step('Unit tests');
run('npx', ['vitest', 'run', '--project', 'functions', '--project', 'web', ...reporters('unit')]);

step('Deploy check: the functions source installs and loads on its own, production web build');
run('npx', ['vitest', 'run', '--config', 'tests/vitest.deploy.config.ts', ...reporters('deploy')]);

step('Integration and e2e tests on the emulators');
const emulatorRun = (project, config, report) => {
  const result = spawnSync(firebaseBin, ['emulators:exec', '--non-interactive', '--project', project, '--only', EMULATORS, `npx vitest run --config ${config} ${reporters(report).join(' ')}`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...emulatorEnv(), CHROME_PATH: chrome },
  });
  if (result.status !== 0) fail(`The emulator tests (${config}) failed (exit ${result.status}).`);
};
emulatorRun(PROJECT, 'tests/vitest.config.ts', 'emulators');

step('Card payments with CARD_PROVIDER=stripe, against a fake Stripe');
emulatorRun('demo-smspay-stripe', 'tests/vitest.stripe.config.ts', 'stripe');

// Its own emulator run: it kills functions-emulator workers mid-work.
step('Chaos: workers killed mid-import, mid-refund and mid-callback, then the sweeper');
emulatorRun(PROJECT, 'tests/vitest.chaos.config.ts', 'chaos');

const totals = ['unit', 'deploy', 'emulators', 'stripe', 'chaos'].map((name) => JSON.parse(readFileSync(join(reports, `${name}.json`), 'utf8')));
const passed = totals.reduce((sum, t) => sum + t.numPassedTests, 0);
const failed = totals.reduce((sum, t) => sum + t.numFailedTests, 0);
console.log(`\n✔ All tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
