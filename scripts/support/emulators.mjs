// Shared by `npm start` and `npm test`: what the Firebase emulators need on this kind of machine.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const firebaseBin = join(root, 'node_modules', '.bin', 'firebase');

const GCLOUD_FIRESTORE_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';

export function fail(message) {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

/** Installs the workspace's packages when they are missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(firebaseBin) && existsSync(marker)) return;
  console.log('› Installing packages (npm ci)…');
  const result = spawnSync('npm', [existsSync(lock) ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail('npm could not install the packages. Check your connection to the npm registry and try again.');
}

export function ensureJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    fail('The Firestore emulator needs Java 11 or newer (`java` on PATH). Install a JDK, e.g. `apt-get install -y openjdk-17-jre-headless`.');
  }
}

/**
 * firebase-tools downloads the Firestore emulator on first use, which fails offline. Where the
 * Google Cloud CLI's jar is installed, point firebase-tools at it through a manifest-only wrapper
 * jar (the gcloud jar has no Main-Class). Elsewhere the normal download happens.
 */
export function firestoreEmulatorEnv() {
  if (!existsSync(GCLOUD_FIRESTORE_JAR)) return {};
  const dir = join(root, '.cache', 'firestore-emulator');
  const wrapper = join(dir, 'wrapper.jar');
  if (!existsSync(wrapper)) {
    mkdirSync(dir, { recursive: true });
    const manifest = join(dir, 'manifest.txt');
    writeFileSync(manifest, 'Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\n' + `Class-Path: file:${GCLOUD_FIRESTORE_JAR}\n`);
    execFileSync('jar', ['cfm', wrapper, manifest]);
    rmSync(manifest);
  }
  return { FIRESTORE_EMULATOR_BINARY_PATH: wrapper };
}

/**
 * The functions emulator reads secrets from functions/.secret.local and asks Secret Manager
 * (over the network) for any that are missing. Placeholders keep it local; a developer who
 * puts real test-mode keys there keeps them, since only missing names are added.
 */
const LOCAL_SECRETS = {
  STRIPE_SECRET_KEY: 'sk_test_emulator_placeholder',
  STRIPE_WEBHOOK_SECRET: 'whsec_ZW11bGF0b3ItcGxhY2Vob2xkZXItc2VjcmV0',
  // Not a Stripe key, so test mode keeps the sandbox unless a developer puts a real sk_test_ key here.
  STRIPE_TEST_SECRET_KEY: 'unset',
  STRIPE_TEST_WEBHOOK_SECRET: 'unset',
  // The Connect endpoints' own signing secrets (events on merchants' connected accounts).
  STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_ZW11bGF0b3ItY29ubmVjdC1wbGFjZWhvbGRlcg',
  STRIPE_TEST_CONNECT_WEBHOOK_SECRET: 'unset',
  TWILIO_AUTH_TOKEN: 'emulator-placeholder-token',
  STREX_API_KEY: 'emulator-placeholder-key',
};

export function ensureLocalSecrets() {
  const file = join(root, 'functions', '.secret.local');
  const present = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const missing = Object.entries(LOCAL_SECRETS).filter(([name]) => !new RegExp(`^${name}=`, 'm').test(present));
  if (missing.length) appendFileSync(file, (present && !present.endsWith('\n') ? '\n' : '') + missing.map(([k, v]) => `${k}=${v}\n`).join(''));
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The environment every emulator run gets: never ask a cloud metadata server anything. */
export function emulatorEnv() {
  ensureLocalSecrets();
  return {
    ...process.env,
    METADATA_SERVER_DETECTION: 'none',
    FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true',
    FIREBASE_CLI_EXPERIMENTS: process.env.FIREBASE_CLI_EXPERIMENTS ?? '',
    NO_UPDATE_NOTIFIER: '1',
    ...firestoreEmulatorEnv(),
  };
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed (exit ${result.status}).`);
}

export const EMULATORS = 'firestore,auth,functions,tasks,hosting';

const EMULATOR_PORTS = [4400, 5000, 5001, 8080, 9099, 9499];

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Emulator ports still answering, after waiting up to `waitSeconds` for them to close. */
export async function busyPorts(waitSeconds = 0) {
  for (let i = 0; ; i++) {
    const busy = [];
    for (const port of EMULATOR_PORTS) if (await portInUse(port)) busy.push(port);
    if (busy.length === 0 || i >= waitSeconds) return busy;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Benchmarks start their own emulators: stop with a clear message when others are running. */
export async function ensurePortsFree() {
  const busy = await busyPorts();
  if (busy.length) {
    fail(`Ports ${busy.join(', ')} are in use: emulators (npm start / npm test) seem to be running.\n  Stop them and run the benchmark again.`);
  }
}
