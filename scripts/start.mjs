// `npm start`: the whole product on the emulators with the demo merchant, offline.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATORS, emulatorEnv, ensureInstalled, ensureJava, fail, firebaseBin, root, run } from './support/emulators.mjs';

const PROJECT = 'demo-smspay';
const DATA_DIR = join(root, '.emulator-data');
const BASE = 'http://127.0.0.1:5000';
const started = Date.now();

ensureInstalled();
ensureJava();
console.log('› Building functions and the web app…');
run('npm', ['run', 'build', '--silent']);

const env = emulatorEnv();
const args = ['emulators:start', '--non-interactive', '--project', PROJECT, '--only', EMULATORS, '--export-on-exit', DATA_DIR];
if (existsSync(join(DATA_DIR, 'firebase-export-metadata.json'))) args.push('--import', DATA_DIR);
console.log('› Starting the emulators (Firestore, Auth, Functions, Cloud Tasks, Hosting)…');
const emulators = spawn(firebaseBin, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
const echo = (chunk) => process.stdout.write(chunk.toString().replace(/^/gm, '  │ '));
emulators.stdout.on('data', echo);
emulators.stderr.on('data', echo);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\n› Stopping the emulators and saving data to .emulator-data/ …');
  try {
    process.kill(-emulators.pid, 'SIGINT');
  } catch {
    process.exit(0);
  }
  setTimeout(() => {
    try {
      process.kill(-emulators.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    process.exit(0);
  }, 30_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
emulators.on('exit', (code) => {
  if (!stopping) fail(`The emulators stopped unexpectedly (exit ${code}). See the log above.`);
  process.exit(0);
});

async function waitForApi() {
  for (let i = 0; i < 240; i++) {
    try {
      const response = await fetch(`${BASE}/api/v1/health`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stop();
  fail('The API did not answer within 2 minutes.');
}

await waitForApi();
process.env.FIRESTORE_EMULATOR_HOST = '127.0.0.1:8080';
process.env.FIREBASE_AUTH_EMULATOR_HOST = '127.0.0.1:9099';
const { seedMerchant, DEMO } = await import('./support/seed.mjs');
await seedMerchant(PROJECT, DEMO);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

const curl = `curl -s ${BASE}/api/v1/invoices -H 'Authorization: Bearer ${DEMO.apiKey}' -H 'Content-Type: application/json' -d '{"amount": 12900, "currency": "NOK", "description": "Pizza Margherita", "payer": {"phone": "+4791234567"}}'`;
console.log(`
  ✔ SMS Pay is running locally (API answered after ${seconds} s)

    Merchant dashboard  ${BASE}/merchant   (${DEMO.email} / ${DEMO.password})
    Outbox (sent SMS)   ${BASE}/merchant/outbox
    API                 ${BASE}/api/v1     (key ${DEMO.apiKey})
    Callback secret     ${DEMO.webhookSecret}

  Create an invoice, then open the pay link from the Outbox (card 4242 4242 4242 4242 pays,
  4000 0000 0000 0002 is declined):

    ${curl}

  Ctrl-C stops everything; data is kept in .emulator-data/ for the next start.
`);
