#!/usr/bin/env node
// Integrator API benchmark (issue 6's acceptance). Reports:
//   A. throughput: `POST /invoices/import` with 1,000 invoices, then the seconds from the import
//      request to the moment every invoice SMS has been handed to the SmsSender (the dispatcher
//      records `provider`/`providerMessageId` right after `SmsSender.send` returns), and SMS/s;
//   B. cost: the Firestore reads and writes one invoice costs from creation to paid, with its
//      merchant callbacks, counted operation by operation: once without a callback URL and once
//      with one (every state change then also writes a callback event and delivers it).
// A benchmark, not a test: no targets. Exit 1 means the measurement itself failed.
//
// Usage (one emulator set at a time on a shared machine, so take the lock):
//   flock /tmp/emulator.lock npm run bench:api            (or: node scripts/bench-api.mjs)
//   flock /tmp/emulator.lock npm run bench:api -- --no-build
// Builds functions, then runs itself twice inside `firebase emulators:exec` on fresh, empty
// emulators: with --inner-throughput on every emulator (the API, triggers and queues do the
// work), then with --inner-cost on Firestore and Auth only. Part B calls the compiled domain
// functions (functions/lib) in-process; without the functions emulator no trigger or queue runs
// the same invoice behind its back, so every step is counted exactly once. Needs the emulator
// ports free (stop `npm start` / `npm test` first) and Java.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { EMULATORS, busyPorts, emulatorEnv, ensureJava, ensurePortsFree, fail, firebaseBin, root, run } from './support/emulators.mjs';

const PROJECT = 'demo-smspay-bench';
const BASE_URL = 'http://127.0.0.1:5000';
const INVOICES = 1000;
const POLL_MS = 250;
const TIMEOUT_MS = 10 * 60_000;
const COST_EMULATORS = 'firestore,auth';
const CALLBACK_URL = 'http://127.0.0.1:9/cb'; // port 9 (discard): the fake poster never connects anyway
const CACHE_DIR = join(root, '.cache', 'bench-api');
const THROUGHPUT_FILE = join(CACHE_DIR, 'throughput.json');
const COST_FILE = join(CACHE_DIR, 'cost.json');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (n) => Array.from({ length: n }, () => BASE62[randomInt(62)]).join('');

function newMerchant(extra = {}) {
  const suffix = randomBytes(4).toString('hex');
  return {
    merchantId: `bench-${suffix}`,
    name: 'Bench Bakery',
    email: `bench-${suffix}@example.com`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
    apiKey: `sk_test_${base62(32)}`,
    webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
    paymentMethods: ['card', 'phone'],
    ...extra,
  };
}

const STEP = {
  auth: 'POST /invoices: API key → merchant (authenticate)',
  create: 'POST /invoices: createInvoice (transaction)',
  dispatch: 'dispatchSms task: claim, send, record hand-over',
  receipt: 'SMS delivery receipt (recordSmsStatus by provider id)',
  view: 'GET /pay/{token}: viewPayment (first view → opened)',
  start: 'POST /pay/{token}/transactions: startPayment card',
  paid: 'card webhook: applyCardEvent payment_succeeded',
  receiptView: 'GET /pay/{token}: receipt page (per poll)',
  callbacks: 'deliverCallback tasks (all, 1st attempt 200)',
  expire: 'expireInvoice task at expiresAt (already paid)',
};

if (process.argv.includes('--inner-throughput')) {
  await innerThroughput();
} else if (process.argv.includes('--inner-cost')) {
  await innerCost();
} else {
  await outer();
}

// ─── Outer: build, emulators, report ─────────────────────────────────────────────────────────

async function outer() {
  await ensurePortsFree();
  ensureJava();
  if (!process.argv.includes('--no-build')) {
    console.log('› Building functions…');
    run('npm', ['run', 'build', '-w', 'functions', '--silent']);
  }
  if (!existsSync(join(root, 'functions', 'lib', 'domain', 'invoices.js'))) fail('functions/lib is missing; run npm run build -w functions.');

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

  rmSync(THROUGHPUT_FILE, { force: true });
  rmSync(COST_FILE, { force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  const exec = (only, flag) =>
    execTee(firebaseBin, ['emulators:exec', '--non-interactive', '--project', PROJECT, '--only', only, `node scripts/bench-api.mjs ${flag}`], {
      cwd: root,
      env: { ...emulatorEnv(), BENCH_THROUGHPUT_FILE: THROUGHPUT_FILE, BENCH_COST_FILE: COST_FILE },
    });
  let a;
  let b;
  try {
    console.log(`\n› A. Throughput: starting the emulators (${EMULATORS})…`);
    a = await exec(EMULATORS, '--inner-throughput');
    const busy = await busyPorts(20);
    if (busy.length) {
      console.error(`✖ Ports ${busy.join(', ')} are still in use after the throughput run; skipping the cost run.`);
      b = { status: null, signal: 'skipped' };
    } else {
      console.log(`\n› B. Cost per invoice: starting the emulators (${COST_EMULATORS})…`);
      b = await exec(COST_EMULATORS, '--inner-cost');
    }
  } finally {
    cleanup();
  }
  const throughput = a.status === 0 && existsSync(THROUGHPUT_FILE) ? { ...JSON.parse(readFileSync(THROUGHPUT_FILE, 'utf8')), executions: a.executions } : null;
  const cost = b.status === 0 && existsSync(COST_FILE) ? JSON.parse(readFileSync(COST_FILE, 'utf8')) : null;
  report(throughput, cost);
  if (!throughput || !cost) {
    fail(
      `The measurement failed (${[!throughput && `throughput: emulators:exec exit ${a.status ?? a.signal}`, !cost && `cost: emulators:exec exit ${b.status ?? b.signal}`]
        .filter(Boolean)
        .join('; ')}). See the log above.`,
    );
  }
  process.exit(0);
}

/**
 * Runs a command with its output passed through, and tallies the functions emulator's
 * `Finished "<region>-<name>" in <n>ms` lines: how many executions of each function the run
 * took and how long they lasted, which is what explains the throughput figure.
 */
function execTee(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['inherit', 'pipe', 'inherit'] });
    const executions = {};
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop();
      for (const line of lines) tallyExecution(executions, line);
    });
    child.on('error', (error) => {
      console.error(error);
      resolve({ status: null, signal: error.message, executions });
    });
    child.on('close', (status, signal) => {
      tallyExecution(executions, pending);
      resolve({ status, signal, executions });
    });
  });
}

function tallyExecution(executions, line) {
  const m = /Finished "(?:[a-z]+-[a-z]+\d+-)?([A-Za-z0-9_-]+)" in ([\d.]+)ms/.exec(line);
  if (!m) return;
  const e = (executions[m[1]] ??= { count: 0, totalMs: 0, maxMs: 0 });
  e.count += 1;
  e.totalMs += Number(m[2]);
  e.maxMs = Math.max(e.maxMs, Number(m[2]));
}

function table(rows, align) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r, ri) => {
      const line = r.map((cell, i) => (align[i] === 'r' ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i]))).join('  ');
      return ri === 0 ? `  ${line}\n  ${widths.map((w) => '─'.repeat(w)).join('  ')}` : `  ${line}`;
    })
    .join('\n');
}

function report(t, c) {
  console.log('\n━━ API benchmark');
  if (t) {
    console.log(`\nA. Import ${t.invoices.toLocaleString('en-US')} invoices → every SMS handed to the SmsSender (SMS_PROVIDER=outbox)`);
    const rows = [
      ['measure', 'value'],
      ['POST /invoices/import answered', `${secs(t.importMs)} (HTTP ${t.httpStatus}, ${t.created} created, ${t.failed} failed, body ${(t.bodyBytes / 1024).toFixed(0)} KB)`],
      ['first SMS handed over', `${secs(t.firstMs)} after the import request started`],
      ['half handed over', secs(t.halfMs)],
      ['every SMS handed over', `${secs(t.allMs)} after the import request started (polled every ${POLL_MS} ms)`],
      ['throughput', `${(t.invoices / (t.allMs / 1000)).toFixed(1)} SMS/s overall; ${(t.invoices / ((t.allMs - t.importMs) / 1000)).toFixed(1)} SMS/s after the import answered`],
      ['dispatchSms queue limits', t.queueLimits ?? 'unknown'],
    ];
    const executions = Object.entries(t.executions ?? {}).sort((x, y) => y[1].totalMs - x[1].totalMs);
    for (const [name, e] of executions) {
      rows.push([`  emulator ran ${name}`, `${e.count}×, mean ${(e.totalMs / e.count).toFixed(0)} ms, max ${(e.maxMs / 1000).toFixed(1)} s, sum ${(e.totalMs / 1000).toFixed(0)} s`]);
    }
    console.log(table(rows, ['l', 'l']));
    console.log(
      "  (emulator figures: the Cloud Tasks emulator ignores schedules, so each invoice's expireInvoice task and the outbox's" +
        ' delivery receipt run at once, beside the dispatches, and the Firestore emulator is slow with concurrent transactions)',
    );
  } else {
    console.log('\nA. Throughput: no result (see the log above).');
  }

  if (c) {
    const [plain, withCb] = c.runs;
    console.log('\nB. Firestore operations for one invoice, created → sent → delivered → opened → card payment → paid (+ callbacks)');
    const names = [...new Set([...plain.steps, ...withCb.steps].map((s) => s.name))];
    const cell = (run, name) => {
      const s = run.steps.find((x) => x.name === name);
      return s ? `${s.reads} / ${s.writes}` : '–';
    };
    const rows = [['step', 'no callback URL  r / w', `callbackUrl set  r / w`]];
    for (const name of names) rows.push([name, cell(plain, name), cell(withCb, name)]);
    rows.push(['TOTAL per paid invoice', `${plain.total.reads} / ${plain.total.writes}`, `${withCb.total.reads} / ${withCb.total.writes}`]);
    console.log(table(rows, ['l', 'r', 'r']));
    console.log(
      `\n  callbacks delivered: ${plain.callbacksDelivered} without a URL; ${withCb.callbacksDelivered} with one (${withCb.callbackTypes.join(', ')}),` +
        ` each answered 200 on the 1st attempt (signatures verified: ${withCb.signaturesVerified}/${withCb.callbacksDelivered})`,
    );
    console.log(
      `  not in the totals: the sandbox card provider's own session document (${c.sandboxOnly.reads} r / ${c.sandboxOnly.writes} w in startPayment; Stripe keeps` +
        ` its session itself); triggers onInvoiceCreated, onSmsMessageCreated and onCallbackEventCreated read only their event payload (0 r / 0 w, not billed);` +
        ` Cloud Tasks enqueues are not Firestore operations.`,
    );
    if (c.idempotency) {
      console.log(
        `  POST /invoices with an Idempotency-Key: createInvoice ${c.idempotency.reads} r / ${c.idempotency.writes} w (vs ${plain.steps.find((s) => s.name === STEP.create)?.reads} / ${plain.steps.find((s) => s.name === STEP.create)?.writes} without; the key's record).`,
      );
    }
    console.log('\n  where the operations go (callbackUrl set; r = reads, w = writes, by collection):');
    for (const s of withCb.steps) {
      const fmt = (m) =>
        Object.entries(m)
          .map(([k, v]) => (v > 1 ? `${k}×${v}` : k))
          .join(', ') || '–';
      console.log(`    ${s.name}\n      r: ${fmt(s.readDetail)}\n      w: ${fmt(s.writeDetail)}`);
    }
    console.log(
      '\n  Counting: every document get is 1 read (a missing document too), a query is max(1, documents returned), an aggregation 1 per' +
        ' 1,000 index entries (min 1); reads in transactions count per attempt; writes count per operation in a committed' +
        ' commit (so two updates of one document in one transaction count 2).',
    );
  } else {
    console.log('\nB. Cost per invoice: no result (see the log above).');
  }
  console.log(`\n(raw figures in ${posix.relative(root, CACHE_DIR)}/)`);
}

// ─── Inner A: throughput, inside emulators:exec with every emulator ──────────────────────────

async function innerThroughput() {
  const projectId = process.env.GCLOUD_PROJECT || PROJECT;
  const { seedMerchant } = await import('./support/seed.mjs');
  const { getApps } = await import('firebase-admin/app');
  const { getFirestore } = await import('firebase-admin/firestore');
  try {
    // emulators:exec may start this before the functions emulator has loaded its code.
    await waitForApi();
    const merchant = newMerchant();
    await seedMerchant(projectId, merchant);
    const db = getFirestore(getApps()[0]);
    const rows = Array.from({ length: INVOICES }, (_, i) => ({
      amount: randomInt(20, 5000) * 50,
      currency: 'NOK',
      description: `Bench order ${i + 1}`,
      payer: { phone: `+479${String(randomInt(10_000, 10_000_000)).padStart(7, '0')}` }, // never ends 0002/0003
      reference: `bench-${i}`,
    }));
    const body = JSON.stringify({ invoices: rows });
    const handedOver = db.collection('smsMessages').where('merchantId', '==', merchant.merchantId).where('provider', '==', 'outbox');
    console.log(`› Seeded ${merchant.merchantId}; importing ${INVOICES} invoices (${(body.length / 1024).toFixed(0)} KB)…`);

    const t0 = performance.now();
    const response = await fetch(`${BASE_URL}/api/v1/invoices/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.apiKey}`, 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    const importMs = performance.now() - t0;
    if (!response.ok) throw new Error(`POST /invoices/import answered ${response.status}: ${text.slice(0, 500)}`);
    const imported = JSON.parse(text);
    if (imported.created !== INVOICES) {
      const errors = imported.data.filter((r) => r.error).slice(0, 3);
      throw new Error(`the import created ${imported.created} of ${INVOICES} invoices; first errors: ${JSON.stringify(errors)}`);
    }
    console.log(`› Import answered in ${secs(importMs)}; waiting for every SMS to be handed to the SmsSender…`);

    let firstMs = null;
    let halfMs = null;
    let allMs = null;
    let lastLog = 0;
    const progress = [];
    for (;;) {
      const count = (await handedOver.count().get()).data().count;
      const at = performance.now() - t0;
      progress.push([Math.round(at), count]);
      if (count > 0) firstMs ??= at;
      if (count >= INVOICES / 2) halfMs ??= at;
      if (count >= INVOICES) {
        allMs = at;
        break;
      }
      if (at - lastLog > 5000) {
        console.log(`  ${secs(at)}: ${count} of ${INVOICES} handed over`);
        lastLog = at;
      }
      if (at > TIMEOUT_MS) {
        const snap = await db.collection('smsMessages').where('merchantId', '==', merchant.merchantId).select('status', 'provider').get();
        const byStatus = {};
        for (const d of snap.docs) byStatus[d.get('status')] = (byStatus[d.get('status')] ?? 0) + 1;
        throw new Error(
          `timed out: after ${TIMEOUT_MS / 60_000} minutes only ${count} of ${INVOICES} SMS had been handed to the SmsSender ` +
            `(${snap.size} messages by status: ${JSON.stringify(byStatus)}). Is the dispatchSms queue running (functions/tasks emulators)?`,
        );
      }
      await sleep(POLL_MS);
    }
    console.log(`› Every SMS handed over ${secs(allMs)} after the import request started.`);

    let queueLimits = null;
    try {
      const handler = readFileSync(join(root, 'functions', 'lib', 'handlers', 'dispatchSms.js'), 'utf8');
      const perSecond = /maxDispatchesPerSecond:\s*(\d+)/.exec(handler)?.[1];
      const concurrent = /maxConcurrentDispatches:\s*(\d+)/.exec(handler)?.[1];
      if (perSecond || concurrent) {
        queueLimits =
          `maxDispatchesPerSecond ${perSecond ?? '–'}, maxConcurrentDispatches ${concurrent ?? '–'}` + (perSecond ? ` (floor for ${INVOICES}: ${(INVOICES / Number(perSecond)).toFixed(0)} s)` : '');
      }
    } catch {
      // informative only
    }
    writeFileSync(
      process.env.BENCH_THROUGHPUT_FILE || THROUGHPUT_FILE,
      JSON.stringify(
        {
          merchantId: merchant.merchantId,
          invoices: INVOICES,
          bodyBytes: body.length,
          httpStatus: response.status,
          created: imported.created,
          failed: imported.failed,
          importMs,
          firstMs,
          halfMs,
          allMs,
          queueLimits,
          progress,
        },
        null,
        2,
      ),
    );
    process.exit(0);
  } catch (error) {
    console.error(`\n✖ bench-api (throughput): the measurement failed: ${error?.stack ?? error}`);
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
    await sleep(500);
  }
  throw new Error(`${BASE_URL}/api/v1/health did not answer within 2 minutes`);
}

// ─── Inner B: cost per invoice, inside emulators:exec with Firestore and Auth only ───────────

async function innerCost() {
  const projectId = process.env.GCLOUD_PROJECT || PROJECT;
  // The CommonJS firebase-admin the compiled functions use; seed.mjs's ESM import wraps the same module.
  const require = createRequire(join(root, 'functions', 'package.json'));
  const fs = require('firebase-admin/firestore');
  const { initializeApp, getApps } = require('firebase-admin/app');
  const lib = (path) => require(join(root, 'functions', 'lib', path));
  const { seedMerchant } = await import('./support/seed.mjs');
  const { Webhook } = require('standardwebhooks');

  const app = getApps()[0] ?? initializeApp({ projectId });
  const db = fs.getFirestore(app);
  db.settings({ ignoreUndefinedProperties: true }); // as functions/src/adapters/firestore.ts

  let meter;
  try {
    meter = installMeter(fs, db);
    await selfTest(db, meter, fs);

    const { authenticate, loadMerchant } = lib('domain/merchants.js');
    const { createInvoiceSchema, parseOrThrow } = lib('domain/schemas.js');
    const { runIdempotent } = lib('domain/idempotency.js');
    const { createInvoice } = lib('domain/invoices.js');
    const { dispatchSms, recordSmsStatus } = lib('domain/sms.js');
    const { viewPayment, startPayment } = lib('domain/pay.js');
    const { applyCardEvent } = lib('domain/cardEvents.js');
    const { deliverCallback, CALLBACK_RETRY_SCHEDULE } = lib('domain/callbacks.js');
    const { expireInvoice } = lib('domain/lifecycle.js');
    const { sandboxCardProvider } = lib('adapters/sandboxCard.js');
    const { sandboxPhoneBilling } = lib('adapters/sandboxPhoneBilling.js');

    const sandboxCard = sandboxCardProvider(db, BASE_URL);
    const card = {
      ...sandboxCard,
      name: sandboxCard.name,
      // The sandbox's own session document stands in for Stripe's; counted apart.
      createCheckout: (request) => meter.sandboxOnly(() => sandboxCard.createCheckout(request)),
    };
    const sender = { name: 'outbox', send: async (sms) => ({ provider: 'outbox', providerMessageId: sms.messageId }) };
    const enqueued = [];
    const tasks = { enqueue: async (queue, payload, options) => void enqueued.push({ queue, payload, options }) };

    const lifecycle = async (withCallback) => {
      const merchantSeed = newMerchant(withCallback ? { callbackUrl: CALLBACK_URL } : {});
      await seedMerchant(projectId, merchantSeed);
      // A busy key: lastUsedAt is refreshed at most once a minute, so the steady state writes nothing.
      await db.collection('apiKeys').doc(sha256(merchantSeed.apiKey)).update({ lastUsedAt: fs.Timestamp.now() });
      const steps = [];
      const step = async (name, fn) => {
        const { result, counts } = await meter.measure(name, fn);
        steps.push(counts);
        return result;
      };

      const merchant = await step(STEP.auth, () => authenticate(db, `Bearer ${merchantSeed.apiKey}`));
      const body = JSON.stringify({ amount: 49_900, currency: 'NOK', description: 'Birthday cake', payer: { phone: '+4791234567' }, reference: `bench-${base62(8)}` });
      const input = parseOrThrow(createInvoiceSchema, JSON.parse(body));
      const created = await step(STEP.create, () =>
        runIdempotent(db, { merchantId: merchant.id, key: undefined, method: 'POST', path: '/invoices', body }, (tx) => createInvoice(db, tx, merchant, input, BASE_URL)),
      );
      const invoiceId = created.body.id;
      const invoice = () =>
        db
          .collection('invoices')
          .doc(invoiceId)
          .get()
          .then((s) => s.data()); // uncounted (no step)
      const { payToken, sms } = await invoice();

      const dispatched = await step(STEP.dispatch, () => dispatchSms(db, sender, sms.messageId));
      if (dispatched !== 'sent') throw new Error(`dispatchSms answered ${dispatched}, expected sent`);
      const receipt = await step(STEP.receipt, () => recordSmsStatus(db, { provider: 'outbox', providerMessageId: sms.messageId, status: 'delivered' }));
      if (receipt !== 'applied') throw new Error(`recordSmsStatus answered ${receipt}, expected applied`);

      const sandboxFlags = { card: true, phone: true };
      const viewed = await step(STEP.view, () => viewPayment(db, payToken, (id) => loadMerchant(db, id), sandboxFlags));
      if (viewed.invoice.status !== 'opened') throw new Error(`after the first view the invoice is ${viewed.invoice.status}, expected opened`);

      const txn = await step(STEP.start, () => startPayment({ db, card, phone: sandboxPhoneBilling(), publicBaseUrl: BASE_URL }, { token: payToken }, 'card'));
      const txnDoc = (await db.collection('transactions').doc(txn.id).get()).data();
      const session = (await db.collection('sandboxSessions').doc(txnDoc.providerSessionId).get()).data();
      const applied = await step(STEP.paid, () =>
        applyCardEvent(db, card.name, {
          kind: 'payment_succeeded',
          eventId: `evt_bench_${base62(16)}`,
          transactionId: txn.id,
          sessionId: txnDoc.providerSessionId,
          paymentId: session.paymentIntentId,
        }),
      );
      if (applied !== 'applied') throw new Error(`applyCardEvent answered ${applied}, expected applied`);
      if ((await invoice()).status !== 'paid') throw new Error('the invoice is not paid after payment_succeeded');
      const receiptView = await step(STEP.receiptView, () => viewPayment(db, payToken, (id) => loadMerchant(db, id), sandboxFlags));
      if (receiptView.invoice.status !== 'paid') throw new Error(`the receipt view shows ${receiptView.invoice.status}`);

      // Every callback event the invoice produced, in order, delivered by the real deliverCallback.
      const events = (await db.collection('callbackEvents').where('invoiceId', '==', invoiceId).get()).docs.map((d) => d.data()).sort((x, y) => x.sequence - y.sequence);
      const posted = [];
      const post = async (url, headers, payload) => {
        posted.push({ url, headers, payload });
        return { statusCode: 200, durationMs: 1, error: null };
      };
      const outcomes = await step(STEP.callbacks, async () => {
        const out = [];
        for (const e of events) out.push(await deliverCallback({ db, post, tasks, schedule: CALLBACK_RETRY_SCHEDULE, checkUrl: async () => null }, e.id, 1));
        return out;
      });
      const delivered = outcomes.filter((o) => o === 'delivered').length;
      if (delivered !== events.length) throw new Error(`deliverCallback outcomes: ${outcomes.join(', ')}`);
      let verified = 0;
      for (const p of posted) {
        try {
          new Webhook(merchantSeed.webhookSecret).verify(p.payload, p.headers);
          verified++;
        } catch {
          // reported as a count
        }
      }

      const { expiresAt } = await invoice();
      const expired = await step(STEP.expire, () => expireInvoice(db, invoiceId, expiresAt.toMillis()));
      if (expired.outcome !== 'settled') throw new Error(`expireInvoice answered ${expired.outcome}, expected settled`);

      const total = steps.reduce((t, s) => ({ reads: t.reads + s.reads, writes: t.writes + s.writes }), { reads: 0, writes: 0 });
      const line = steps.map((s) => `${s.reads}r/${s.writes}w`).join(' · ');
      console.log(`› ${withCallback ? 'with' : 'without'} a callback URL: ${total.reads} reads, ${total.writes} writes (${line}); ${delivered} callbacks`);
      return {
        callbackUrl: withCallback ? CALLBACK_URL : null,
        invoiceId,
        steps,
        total,
        callbacksDelivered: delivered,
        callbackTypes: events.map((e) => e.type),
        signaturesVerified: verified,
      };
    };

    const runs = [await lifecycle(false), await lifecycle(true)];

    // The same create with an Idempotency-Key (not part of the lifecycle totals).
    const seed = newMerchant();
    await seedMerchant(projectId, seed);
    const merchant = await authenticate(db, `Bearer ${seed.apiKey}`);
    const body = JSON.stringify({ amount: 10_000, currency: 'NOK', description: 'Coffee', payer: { phone: '+4791234568' }, reference: `bench-${base62(8)}` });
    const input = parseOrThrow(createInvoiceSchema, JSON.parse(body));
    const { counts: idempotency } = await meter.measure('create with Idempotency-Key', () =>
      runIdempotent(db, { merchantId: merchant.id, key: `bench-${base62(12)}`, method: 'POST', path: '/invoices', body }, (tx) => createInvoice(db, tx, merchant, input, BASE_URL)),
    );

    writeFileSync(
      process.env.BENCH_COST_FILE || COST_FILE,
      JSON.stringify({ runs, idempotency, sandboxOnly: runs[0].steps.find((s) => s.name === STEP.start).sandbox, tasksEnqueued: enqueued.length }, null, 2),
    );
    process.exit(0);
  } catch (error) {
    console.error(`\n✖ bench-api (cost): the measurement failed: ${error?.stack ?? error}`);
    process.exit(1);
  }
}

function sha256(value) {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Counts Firestore operations of this process by patching @google-cloud/firestore's prototypes
 * (shared by this script and functions/lib). Reads are counted where they are answered:
 * `Firestore#getAll` (which `DocumentReference#get` calls, so a doc get counts once),
 * `Transaction#get`/`getAll`, `Query#get`, `AggregateQuery#get`. Writes are counted in
 * `WriteBatch#_commit`, the one path every write takes (`DocumentReference#create/set/update/
 * delete` commit a one-write batch, transactions commit their batch), once the commit succeeds;
 * patching the public write methods too would count transaction writes twice.
 * Only operations inside `measure()` count; setup and checks run between steps, uncounted.
 */
function installMeter(fs, db) {
  const { Firestore, Transaction, Query, WriteBatch, QuerySnapshot, DocumentSnapshot } = fs;
  // Not exported by name: take the class from an aggregation query (nothing is sent).
  const AggregateQuery = Object.getPrototypeOf(db.collection('benchSelfTest').count()).constructor;
  const isAggregateSnapshot = (value) => value?.query instanceof AggregateQuery && typeof value.data === 'function';
  for (const [name, cls] of Object.entries({ Firestore, Transaction, Query, AggregateQuery, WriteBatch, QuerySnapshot, DocumentSnapshot })) {
    if (typeof cls !== 'function') throw new Error(`firebase-admin/firestore exports no ${name}; cannot count operations`);
  }
  if (typeof WriteBatch.prototype._commit !== 'function') throw new Error('WriteBatch#_commit is gone (firestore SDK changed); cannot count writes');

  let current = null;
  let sandbox = false;
  const collectionOf = (path) =>
    path
      .split('/')
      .filter((_, i) => i % 2 === 0)
      .join('/*/');
  const queryCollection = (q) => {
    const o = q?._queryOptions;
    if (!o) return '?';
    const parent = o.parentPath?.relativeName ?? '';
    return collectionOf(parent ? `${parent}/${o.collectionId}` : o.collectionId) + ' (query)';
  };
  const add = (kind, n, collection) => {
    if (!current || n === 0) return;
    if (sandbox) {
      current.sandbox[kind] += n;
      return;
    }
    current[kind] += n;
    const detail = kind === 'reads' ? current.readDetail : current.writeDetail;
    detail[collection] = (detail[collection] ?? 0) + n;
  };
  const countResult = (value, source) => {
    if (value instanceof QuerySnapshot) {
      if (value.size === 0) add('reads', 1, queryCollection(source));
      else for (const d of value.docs) add('reads', 1, collectionOf(d.ref.path) + ' (query)');
    } else if (isAggregateSnapshot(value)) {
      const entries = Object.values(value.data()).find((v) => typeof v === 'number') ?? 0;
      add('reads', Math.max(1, Math.ceil(entries / 1000)), queryCollection(source?._query) + ' count()');
    } else if (value instanceof DocumentSnapshot) {
      add('reads', 1, collectionOf(value.ref.path));
    } else if (Array.isArray(value)) {
      for (const v of value) countResult(v, source);
    }
  };
  const wrapRead = (proto, name) => {
    const original = proto[name];
    proto[name] = function (...args) {
      return original.apply(this, args).then((value) => {
        countResult(value, this instanceof Query || this instanceof AggregateQuery ? this : args[0]);
        return value;
      });
    };
  };
  wrapRead(Firestore.prototype, 'getAll');
  wrapRead(Transaction.prototype, 'get');
  wrapRead(Transaction.prototype, 'getAll');
  wrapRead(Query.prototype, 'get');
  wrapRead(AggregateQuery.prototype, 'get');
  const commit = WriteBatch.prototype._commit;
  WriteBatch.prototype._commit = async function (...args) {
    const paths = this._ops.map((op) => op.docPath);
    const result = await commit.apply(this, args);
    for (const path of paths) add('writes', 1, collectionOf(path));
    return result;
  };

  return {
    async measure(name, fn) {
      if (current) throw new Error(`nested measure: ${name} inside ${current.name}`);
      current = { name, reads: 0, writes: 0, readDetail: {}, writeDetail: {}, sandbox: { reads: 0, writes: 0 } };
      try {
        const result = await fn();
        return { result, counts: current };
      } finally {
        current = null;
      }
    },
    async sandboxOnly(fn) {
      sandbox = true;
      try {
        return await fn();
      } finally {
        sandbox = false;
      }
    },
  };
}

/** Checks the meter on known operations before trusting it with the domain code. */
async function selfTest(db, meter, fs) {
  {
    const col = db.collection('benchSelfTest');
    const id = randomBytes(6).toString('hex');
    const expect = async (label, reads, writes, fn) => {
      const { counts } = await meter.measure(label, fn);
      if (counts.reads !== reads || counts.writes !== writes) {
        throw new Error(`operation meter self-test "${label}": counted ${counts.reads} r / ${counts.writes} w, expected ${reads} r / ${writes} w`);
      }
    };
    await expect('get of a missing doc', 1, 0, () => col.doc(`${id}-a`).get());
    await expect('set', 0, 1, () => col.doc(`${id}-a`).set({ n: 1 }));
    await expect('update + delete', 0, 2, async () => {
      await col.doc(`${id}-a`).update({ n: 2 });
      await col.doc(`${id}-a`).delete();
    });
    await expect('transaction get + create + update', 1, 2, () =>
      db.runTransaction(async (tx) => {
        await tx.get(col.doc(`${id}-b`));
        tx.create(col.doc(`${id}-b`), { n: 1 });
        tx.update(col.doc(`${id}-b`), { n: 2 });
      }),
    );
    await expect('batch of 2', 0, 2, () =>
      db
        .batch()
        .set(col.doc(`${id}-c`), { n: 1 })
        .set(col.doc(`${id}-d`), { n: 1 })
        .commit(),
    );
    await expect('getAll of 3', 3, 0, () => db.getAll(col.doc(`${id}-b`), col.doc(`${id}-c`), col.doc(`${id}-x`)));
    await expect('query of 3 docs', 3, 0, () => col.where(fs.FieldPath.documentId(), '>=', id).get());
    await expect('empty query', 1, 0, () => col.where('n', '==', 999).get());
    await expect('count()', 1, 0, () => col.count().get());
    await expect('transaction query', 1, 0, () => db.runTransaction((tx) => tx.get(col.where('n', '==', 999))));
  }
}
