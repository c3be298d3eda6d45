// What `npm run deploy` hands the Firebase CLI, and the offline check that it would deploy.
//
// The functions source lives in an npm workspace, so functions/ has no lockfile of its own and Cloud
// Build would resolve every dependency afresh. We stage a self-contained deploy folder instead,
// `.deploy/`, with its own firebase.json: functions/ holds the compiled lib/, a package.json without
// dev dependencies, and a package-lock.json derived from the workspace's lockfile (npm keeps every
// version it already locked), so production installs exactly the versions the tests ran. We chose a
// lockfile over a one-file esbuild bundle so that lazy `require`s of the heavy SDKs (Stripe, Twilio)
// stay lazy at cold start and stack traces keep the source layout.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './emulators.mjs';

export const deployDir = join(root, '.deploy');

function sh(command, args, cwd, env = process.env) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd} (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** Copies the built functions, web and Firestore files into `.deploy/` with a firebase.json of its own. */
export function stageDeploy({ projectId, webDist = join(root, 'web', 'dist') } = {}) {
  const lib = join(root, 'functions', 'lib', 'index.js');
  if (!existsSync(lib) || !existsSync(join(webDist, 'index.html'))) throw new Error('Build first: functions/lib or web/dist is missing (npm run build).');
  rmSync(deployDir, { recursive: true, force: true });
  const functionsDir = join(deployDir, 'functions');
  mkdirSync(functionsDir, { recursive: true });
  cpSync(join(root, 'functions', 'lib'), join(functionsDir, 'lib'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  // Params for the target project (PUBLIC_BASE_URL, providers…); the demo projects' files stay behind.
  for (const name of readdirSync(join(root, 'functions'))) {
    if (name === '.env' || (projectId && name === `.env.${projectId}`)) cpSync(join(root, 'functions', name), join(functionsDir, name));
  }
  const source = JSON.parse(readFileSync(join(root, 'functions', 'package.json'), 'utf8'));
  const pkg = { name: source.name, private: true, main: source.main, type: source.type, engines: { node: '22' }, dependencies: source.dependencies };
  writeFileSync(join(functionsDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // Seeded with the workspace lockfile, npm keeps the locked versions and prunes what functions don't use.
  cpSync(join(root, 'package-lock.json'), join(functionsDir, 'package-lock.json'));
  sh('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], functionsDir);

  cpSync(webDist, join(deployDir, 'hosting'), { recursive: true });
  cpSync(join(root, 'firestore.rules'), join(deployDir, 'firestore.rules'));
  cpSync(join(root, 'firestore.indexes.json'), join(deployDir, 'firestore.indexes.json'));
  const config = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8'));
  config.functions = config.functions.map((f) => ({ ...f, source: 'functions', ignore: ['node_modules', '.git', '*.log'] }));
  config.hosting.public = 'hosting';
  delete config.emulators;
  writeFileSync(join(deployDir, 'firebase.json'), `${JSON.stringify(config, null, 2)}\n`);
  return { functionsDir, config };
}

/** `vite build` of the web app for a (real) project id, into `outDir`. */
export function buildWeb({ projectId, apiKey, outDir }) {
  const env = { ...process.env, VITE_FIREBASE_PROJECT_ID: projectId, VITE_FIREBASE_API_KEY: apiKey };
  sh('npx', ['vite', 'build', '--logLevel', 'error', ...(outDir ? ['--outDir', outDir, '--emptyOutDir'] : [])], join(root, 'web'), env);
}

/**
 * What Cloud Build does with the functions source, offline: a clean copy, `npm ci` from its own
 * package files, then the manifest the Firebase CLI reads (firebase-functions' discovery, written
 * to a file through FUNCTIONS_MANIFEST_OUTPUT_PATH). Loading every module proves none is missing.
 */
export function checkFunctionsPackage(functionsDir) {
  const clean = mkdtempSync(join(tmpdir(), 'smspay-functions-'));
  try {
    for (const name of ['lib', 'package.json', 'package-lock.json']) cpSync(join(functionsDir, name), join(clean, name), { recursive: true });
    sh('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], clean);
    const manifestPath = join(clean, 'functions.manifest.json');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, METADATA_SERVER_DETECTION: 'none', FUNCTIONS_MANIFEST_OUTPUT_PATH: manifestPath, GCLOUD_PROJECT: 'demo-deploy-check' };
    sh('node', [join(clean, 'node_modules', 'firebase-functions', 'lib', 'bin', 'firebase-functions.js'), clean], clean, env);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const exported = JSON.parse(sh('node', ['-e', 'process.stdout.write(JSON.stringify(Object.keys(require("./lib/index.js"))))'], clean, env));
    return { manifest, exported };
  } finally {
    rmSync(clean, { recursive: true, force: true });
  }
}
