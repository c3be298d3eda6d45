import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, waitForSnapshot } from '../support/admin';

const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((child) => child.kill()));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [`scripts/${script}`, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { output: () => output, exited };
}

async function until(check: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('README scripts', () => {
  it('callback-receiver.mjs verifies and prints signed callbacks', { timeout: 150_000 }, async () => {
    const merchant = await createMerchant();
    const port = String(18_000 + Math.floor(Math.random() * 2000));
    const receiver = run('callback-receiver.mjs', [port], { WEBHOOK_SECRET: merchant.webhookSecret });
    await until(() => receiver.output().includes('Callback receiver at'));
    const created = await api('POST', '/invoices', { key: merchant.apiKey, body: validInvoice({ callbackUrl: `http://127.0.0.1:${port}/hooks` }) });
    expect(created.status).toBe(201);
    await until(() => /[✓✗]/.test(receiver.output()), 120_000).catch(() => undefined);
    expect(receiver.output()).toContain(`✓ invoice.created #1 ${created.body.id}`);
    expect(receiver.output()).not.toContain('✗');
  });

  it('sms-inbound.mjs opts a number out with STOP and in again with START, signed as Twilio signs', { timeout: 150_000 }, async () => {
    const phone = '+4791112233';
    const stop = run('sms-inbound.mjs', [phone, 'STOP']);
    expect(await stop.exited, stop.output()).toBe(0);
    const ref = admin().db.collection('optOuts').doc(phone);
    await waitForSnapshot(ref, (s) => s.exists);
    const start = run('sms-inbound.mjs', [phone, 'START']);
    expect(await start.exited, start.output()).toBe(0);
    await waitForSnapshot(ref, (s) => !s.exists);
  });
});
