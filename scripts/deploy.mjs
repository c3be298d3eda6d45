// `npm run deploy -- --project ID [--dry-run] [--only …]`: builds functions and web for production,
// stages `.deploy/` (scripts/support/deployPackage.mjs says what and why), checks that the functions
// source installs and loads on its own, then runs `firebase deploy` on the staged folder.
// `--dry-run` does everything but the last step and never contacts Google.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, fail, firebaseBin, run } from './support/emulators.mjs';
import { buildWeb, checkFunctionsPackage, deployDir, stageDeploy } from './support/deployPackage.mjs';

const { values, positionals } = parseArgs({
  options: {
    project: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    only: { type: 'string', default: 'functions,firestore,hosting' },
  },
  allowPositionals: true,
});
const dryRun = values['dry-run'];
const projectId = values.project ?? process.env.FIREBASE_PROJECT ?? (dryRun ? 'smspay-dry-run' : undefined);
if (!projectId) fail('Say which Firebase project: npm run deploy -- --project YOUR_PROJECT_ID (add --dry-run to check without deploying).');
if (projectId.startsWith('demo-')) fail(`${projectId} is an emulator-only project id; deploy to a real project.`);
const webApiKey = process.env.VITE_FIREBASE_API_KEY ?? (dryRun ? 'dry-run-web-api-key' : undefined);
if (!webApiKey) fail("Set VITE_FIREBASE_API_KEY to the project's web API key (Firebase console → Project settings → Your apps).");

ensureInstalled();
if (!values['skip-build']) {
  console.log('› Building functions and web for production');
  run('npm', ['run', 'build', '-w', 'functions', '--silent']);
  buildWeb({ projectId, apiKey: webApiKey });
}

console.log('› Staging .deploy/ and installing the functions source as Cloud Build would');
const { functionsDir } = stageDeploy({ projectId });
const { manifest, exported } = checkFunctionsPackage(functionsDir);
const endpoints = Object.keys(manifest.endpoints ?? {});
const missing = exported.filter((name) => !endpoints.includes(name));
if (missing.length) fail(`The manifest lacks exported functions: ${missing.join(', ')}`);
writeFileSync(join(deployDir, 'functions.manifest.json'), JSON.stringify(manifest, null, 2));
console.log(`  ${endpoints.length} functions: ${endpoints.join(', ')}`);

const args = ['deploy', '--config', join(deployDir, 'firebase.json'), '--project', projectId, '--only', values.only, ...positionals];
if (dryRun) {
  console.log(`\n✔ Dry run: staged and checked. To deploy: ${firebaseBin} ${args.join(' ')}`);
} else {
  run(firebaseBin, args);
}
