import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { api, validInvoice } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { idTokenFor } from '../support/idToken';
import { startReceiver } from '../support/receiver';

let owner: TestMerchant;
let ownerToken: string;
let staffToken: string;

beforeAll(async () => {
  owner = await createMerchant();
  ownerToken = await idTokenFor(owner.email, owner.password);
  const staff = await admin().auth.createUser({ email: `staff-${owner.merchantId}@example.com`, password: 'staff-password' });
  await admin().auth.setCustomUserClaims(staff.uid, { merchantId: owner.merchantId, role: 'staff' });
  staffToken = await idTokenFor(`staff-${owner.merchantId}@example.com`, 'staff-password');
});

describe('the dashboard’s API: owners and staff', () => {
  it('lets staff work with invoices but not keys, secrets, users or settings', async () => {
    const created = await api('POST', '/invoices', { key: staffToken, body: validInvoice() });
    expect(created.status).toBe(201);
    expect((await api('GET', '/settings', { key: staffToken })).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/api-keys', undefined],
      ['POST', '/api-keys', { name: 'x' }],
      ['GET', '/webhook-secret', undefined],
      ['POST', '/webhook-secret/rotate', undefined],
      ['GET', '/users', undefined],
      ['PATCH', '/settings', { name: 'Hijacked' }],
    ] as const) {
      const call = await api(method, path, { key: staffToken, body });
      expect(call.status, `${method} ${path}`).toBe(403);
      expect(call.body.code).toBe('forbidden');
    }
  });

  it('creates a key shown once and revokes it; the revoked key gets 401', async () => {
    const created = await api('POST', '/api-keys', { key: ownerToken, body: { name: 'Webshop' } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^sk_test_[A-Za-z0-9]{24,}$/);
    expect((await api('GET', '/invoices', { key: secret })).status).toBe(200);
    const listed = await api('GET', '/api-keys', { key: ownerToken });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    await api('POST', `/api-keys/${created.body.id}/revoke`, { key: ownerToken });
    expect((await api('GET', '/invoices', { key: secret })).status).toBe(401);
  });

  it('rotates the callback secret with a 24 h grace period where both sign', async () => {
    const receiver = await startReceiver();
    await api('PATCH', '/settings', { key: ownerToken, body: { settings: { callbackUrl: receiver.url } } });
    const rotated = await api('POST', '/webhook-secret/rotate', { key: ownerToken });
    expect(rotated.status).toBe(200);
    const secrets = (await api('GET', '/webhook-secret', { key: ownerToken })).body;
    const list = (secrets.data ?? secrets.secrets) as { secret: string; expiresAt: string | null }[];
    expect(list).toHaveLength(2);
    const old = list.find((s) => s.secret === owner.webhookSecret)!;
    const hours = (new Date(old.expiresAt!).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const fresh = list.find((s) => s.secret !== owner.webhookSecret)!;
    await api('POST', '/invoices', { key: owner.apiKey, body: validInvoice() });
    const deadline = Date.now() + 15_000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const delivery = receiver.received[0]!;
    for (const secret of [old.secret, fresh.secret]) {
      expect(new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>)).toMatchObject({ type: 'invoice.created' });
    }
    await receiver.close();
  });
});
