import { beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { api, validInvoice } from '../support/api';
import { addMember, admin, createMerchant, type TestMerchant } from '../support/admin';
import { API_ACCESS, CALLER_ROLES, type ApiAction, type CallerRole } from '../../functions/src/domain/access';
import { idTokenFor } from '../support/idToken';
import { startReceiver } from '../support/receiver';

let owner: TestMerchant;
let ownerToken: string;
let staffToken: string;
let staffUid: string;

beforeAll(async () => {
  owner = await createMerchant();
  ownerToken = await idTokenFor(owner.email, owner.password);
  const staff = await admin().auth.createUser({ email: `staff-${owner.merchantId}@example.com`, password: 'staff-password', emailVerified: true });
  await addMember(owner.merchantId, staff.uid, `staff-${owner.merchantId}@example.com`, 'staff');
  staffUid = staff.uid;
  staffToken = await idTokenFor(`staff-${owner.merchantId}@example.com`, 'staff-password');
});

/** One request per action of the role table; ids that do not exist are fine (a 404 is not a 403). */
const requestFor: Record<ApiAction, [method: string, path: string, body?: unknown]> = {
  'invoices.create': ['POST', '/invoices', validInvoice()],
  'invoices.import': ['POST', '/invoices/import', { invoices: [] }],
  'invoices.read': ['GET', '/invoices'],
  'invoices.cancel': ['POST', '/invoices/inv_0000000000000000000000/cancel'],
  'invoices.resend': ['POST', '/invoices/inv_0000000000000000000000/resend'],
  'invoices.refund': ['POST', '/invoices/inv_0000000000000000000000/refund'],
  'transactions.create': ['POST', '/transactions', { invoiceId: 'inv_0000000000000000000000', method: 'card' }],
  'transactions.read': ['GET', '/transactions/txn_0000000000000000000000'],
  'transactions.verify': ['POST', '/transactions/txn_0000000000000000000000/verify', { pin: '123456' }],
  'events.read': ['GET', '/events/evt_0000000000000000000000'],
  'events.redeliver': ['POST', '/events/evt_0000000000000000000000/redeliver'],
  'settings.read': ['GET', '/settings'],
  'settings.update': ['PATCH', '/settings', { settings: { locale: 'en' } }],
  'stats.read': ['GET', '/stats/overview'],
  'account.read': ['GET', '/account'],
  'stripe.read': ['GET', '/account/stripe'],
  'stripe.connect': ['POST', '/account/stripe/onboarding'],
  'outbox.read': ['GET', '/dev/outbox'],
  'apiKeys.read': ['GET', '/api-keys'],
  'apiKeys.create': ['POST', '/api-keys', { name: 'walk' }],
  'apiKeys.revoke': ['POST', `/api-keys/${'0'.repeat(64)}/revoke`],
  'signingSecrets.read': ['GET', '/webhook-secret'],
  'signingSecrets.rotate': ['POST', '/webhook-secret/rotate'],
  'members.read': ['GET', '/users'],
  'members.invite': ['POST', '/users', { email: 'walk-invitee@example.com', role: 'owner' }],
  'members.remove': ['DELETE', '/users/no-such-user'],
};

describe('the API enforces the role table of domain/access.ts', () => {
  it('walks every action as a secret key, an owner and a staff member', async () => {
    expect(Object.keys(requestFor).sort()).toEqual(Object.keys(API_ACCESS).sort());
    // A merchant of its own: the walk rotates secrets and creates keys.
    const walked = await createMerchant();
    const walkStaff = await admin().auth.createUser({ email: `staff-${walked.merchantId}@example.com`, password: 'staff-password', emailVerified: true });
    await addMember(walked.merchantId, walkStaff.uid, `staff-${walked.merchantId}@example.com`, 'staff');
    const keyOf: Record<CallerRole, string> = {
      api: walked.apiKey,
      owner: await idTokenFor(walked.email, walked.password),
      staff: await idTokenFor(`staff-${walked.merchantId}@example.com`, 'staff-password'),
    };
    const wrong: string[] = [];
    for (const [action, [method, path, body]] of Object.entries(requestFor) as [ApiAction, [string, string, unknown?]][]) {
      await Promise.all(
        CALLER_ROLES.map(async (role) => {
          let call = await api(method, path, { key: keyOf[role], body });
          // The emulator's gateway times out under load; that says nothing about access, so ask again.
          if (call.status === 504) call = await api(method, path, { key: keyOf[role], body });
          const allowed = (API_ACCESS[action] as readonly CallerRole[]).includes(role);
          const ok = allowed ? call.status !== 403 && call.status !== 401 && call.status < 500 : call.status === 403 && call.body.code === 'forbidden';
          if (!ok) wrong.push(`${role} ${action} (${method} ${path}) → ${call.status} ${call.body?.code ?? ''}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it('never lets a secret key create a member, mint a key or see a signing secret', async () => {
    const invited = await api('POST', '/users', { key: owner.apiKey, body: { email: `taker-${owner.merchantId}@example.com`, role: 'owner' } });
    expect(invited.status).toBe(403);
    expect(JSON.stringify(invited.body)).not.toMatch(/oobCode|passwordResetLink|inviteUrl/);
    await expect(admin().auth.getUserByEmail(`taker-${owner.merchantId}@example.com`)).rejects.toMatchObject({ code: 'auth/user-not-found' });
    expect((await api('POST', '/api-keys', { key: owner.apiKey, body: { name: 'x' } })).status).toBe(403);
    const secrets = await api('GET', '/webhook-secret', { key: owner.apiKey });
    expect(secrets.status).toBe(403);
    expect(JSON.stringify(secrets.body)).not.toContain(owner.webhookSecret);
  });

  it('ends a removed member’s API access at once, even with a token issued before', async () => {
    const leaver = await admin().auth.createUser({ email: `leaver-${owner.merchantId}@example.com`, password: 'leaver-password', emailVerified: true });
    await addMember(owner.merchantId, leaver.uid, `leaver-${owner.merchantId}@example.com`, 'staff');
    const token = await idTokenFor(`leaver-${owner.merchantId}@example.com`, 'leaver-password');
    expect((await api('GET', '/invoices', { key: token })).status).toBe(200);
    // Only the membership document goes (claims and sessions stay as they were): access still ends.
    await admin().db.collection('merchants').doc(owner.merchantId).collection('members').doc(leaver.uid).delete();
    const after = await api('GET', '/invoices', { key: token });
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('forbidden');
  });

  it('gives a member the role of the membership document, whatever the token’s claims say', async () => {
    await admin().auth.setCustomUserClaims(staffUid, { merchantId: owner.merchantId, role: 'owner' });
    const token = await idTokenFor(`staff-${owner.merchantId}@example.com`, 'staff-password');
    expect((await api('GET', '/api-keys', { key: token })).status).toBe(403);
    await admin().auth.setCustomUserClaims(staffUid, { merchantId: owner.merchantId, role: 'staff' });
  });
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
    const deadline = Date.now() + 45_000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const delivery = receiver.received[0]!;
    for (const secret of [old.secret, fresh.secret]) {
      expect(new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>)).toMatchObject({ type: 'invoice.created' });
    }
    await receiver.close();
  });
});
