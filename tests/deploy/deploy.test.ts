import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ES module of the project's scripts, no types
import { buildWeb, checkFunctionsPackage, stageDeploy } from '../../scripts/support/deployPackage.mjs';

interface Endpoint {
  region?: string[];
  secretEnvironmentVariables?: { key: string }[];
  httpsTrigger?: object;
  eventTrigger?: { eventType: string };
  scheduleTrigger?: { schedule: string };
  taskQueueTrigger?: { retryConfig?: object; rateLimits?: object };
}
interface Manifest {
  endpoints: Record<string, Endpoint>;
  requiredAPIs?: { api: string }[];
}

const root = join(import.meta.dirname, '..', '..');
const firebaseJson = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8')) as {
  hosting: { rewrites: { source?: string; regex?: string; function?: { functionId: string; region: string } }[] };
};

/** The deploy that `npm run deploy` would make, checked offline: stage, install clean, read the manifest. */
describe('deploy package (npm run deploy -- --dry-run)', () => {
  let manifest: Manifest;
  let exported: string[];
  let webDist: string;
  beforeAll(() => {
    webDist = mkdtempSync(join(tmpdir(), 'smspay-web-'));
    buildWeb({ projectId: 'smspay-deploy-check', apiKey: 'deploy-check-key', outDir: webDist });
    const { functionsDir } = stageDeploy({ projectId: 'smspay-deploy-check', webDist });
    ({ manifest, exported } = checkFunctionsPackage(functionsDir) as { manifest: Manifest; exported: string[] });
    return () => rmSync(webDist, { recursive: true, force: true });
  }, 300_000);

  it('installs from its own package files and lists every exported function', () => {
    expect(exported.length).toBeGreaterThan(5);
    expect(Object.keys(manifest.endpoints).sort()).toEqual([...exported].sort());
  });

  it('runs every function in the region of the database', () => {
    for (const [name, endpoint] of Object.entries(manifest.endpoints)) expect(endpoint.region, name).toEqual(['europe-west1']);
  });

  it('binds the signing secrets to the webhooks that verify them', () => {
    const secrets = (name: string) => (manifest.endpoints[name]?.secretEnvironmentVariables ?? []).map((s) => s.key);
    expect(secrets('stripeWebhook')).toContain('STRIPE_WEBHOOK_SECRET');
    expect(secrets('twilioStatusWebhook')).toContain('TWILIO_AUTH_TOKEN');
    expect(secrets('twilioInboundWebhook')).toContain('TWILIO_AUTH_TOKEN');
    expect(secrets('strexDlrWebhook')).toContain('STREX_API_KEY');
  });

  it('gives every task queue a retry policy and rate limits', () => {
    const queues = Object.entries(manifest.endpoints).filter(([, e]) => e.taskQueueTrigger);
    expect(queues.map(([name]) => name)).toEqual(expect.arrayContaining(['dispatchSms', 'deliverCallback']));
    for (const [name, endpoint] of queues) {
      expect(endpoint.taskQueueTrigger!.retryConfig, name).toBeDefined();
    }
  });

  it('has a function behind every Hosting rewrite', () => {
    for (const rewrite of firebaseJson.hosting.rewrites.filter((r) => r.function)) {
      const endpoint = manifest.endpoints[rewrite.function!.functionId];
      expect(endpoint?.httpsTrigger, rewrite.source ?? rewrite.regex).toBeDefined();
      expect(endpoint?.region).toEqual([rewrite.function!.region]);
    }
  });

  it('leaves the emulator connections out of a production web build', () => {
    const code = (dir: string) =>
      readdirSync(join(dir, 'assets'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(dir, 'assets', f), 'utf8'))
        .join('\n');
    const emulatorCode = /127\.0\.0\.1:9099|useEmulator/;
    // web/dist is the test run's build for a demo-* project: the pattern does find the emulator code there.
    expect(emulatorCode.test(code(join(root, 'web', 'dist')))).toBe(true);
    expect(emulatorCode.test(code(webDist)), 'emulator code in the production build').toBe(false);
    expect(code(webDist).includes('demo-smspay'), 'a demo project id in the production build').toBe(false);
  });
});
