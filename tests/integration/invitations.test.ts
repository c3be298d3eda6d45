import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api';
import { admin, createMerchant, type TestMerchant } from '../support/admin';
import { idTokenFor, resetPasswordByEmail, signUp, verifyEmail } from '../support/idToken';

let owner: TestMerchant;
let ownerToken: string;

beforeAll(async () => {
  owner = await createMerchant();
  ownerToken = await idTokenFor(owner.email, owner.password);
});

const fresh = (who: string) => `${who}-${randomBytes(4).toString('hex')}@example.com`;
const tokenOfLink = (inviteUrl: string) => new URL(inviteUrl).hash.slice(1);

async function invite(email: string, role: 'owner' | 'staff' = 'staff') {
  const created = await api('POST', '/users', { key: ownerToken, body: { email, role } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ object: 'invitation', email, role });
  expect(created.body.inviteUrl).toMatch(/\/merchant\/invite#[A-Za-z0-9_-]{43}$/);
  return tokenOfLink(created.body.inviteUrl as string);
}

const membership = (uid: string) => admin().db.collection('merchants').doc(owner.merchantId).collection('members').doc(uid).get();

describe('invitations: access only for whoever proves control of the address', () => {
  it('never gives an account made beforehand with the invited email access on its own password', async () => {
    const email = fresh('victim');
    // Someone signs up with the address before the invitation (no verification possible for them).
    const squatterToken = await signUp(email, 'squatter-password');
    const token = await invite(email, 'owner');
    const squatter = await admin().auth.getUserByEmail(email);
    expect(squatter.customClaims ?? {}).toEqual({});
    expect((await membership(squatter.uid)).exists).toBe(false);
    expect((await api('GET', '/invoices', { key: await idTokenFor(email, 'squatter-password') })).status).toBe(403);
    // Even holding the invitation link, an unverified account cannot accept it.
    const refused = await api('POST', '/invitations/accept', { key: squatterToken, body: { token } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', reason: 'email_not_verified' });
    expect((await membership(squatter.uid)).exists).toBe(false);

    // Whoever reads the mailbox sets the password by the reset link: that proves the address.
    await resetPasswordByEmail(email, 'owner-chosen-password');
    await expect(idTokenFor(email, 'squatter-password')).rejects.toThrow();
    const stale = await api('POST', '/invitations/accept', { key: squatterToken, body: { token } });
    expect([401, 403]).toContain(stale.status);
    const idToken = await idTokenFor(email, 'owner-chosen-password');
    const accepted = await api('POST', '/invitations/accept', { key: idToken, body: { token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ object: 'user', email, role: 'owner', merchantId: owner.merchantId });
    expect((await api('GET', '/api-keys', { key: await idTokenFor(email, 'owner-chosen-password') })).status).toBe(200);
  });

  it('lets a new invitee set their own password and accept once the address is verified', async () => {
    const email = fresh('newcomer');
    const token = await invite(email);
    expect(
      await admin()
        .auth.getUserByEmail(email)
        .catch((e: { code: string }) => e.code),
    ).toBe('auth/user-not-found');
    const unverified = await signUp(email, 'my-own-password');
    expect((await api('POST', '/invitations/accept', { key: unverified, body: { token } })).status).toBe(403);
    await verifyEmail(unverified, email);
    const idToken = await idTokenFor(email, 'my-own-password');
    const accepted = await api('POST', '/invitations/accept', { key: idToken, body: { token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.role).toBe('staff');
    const after = await idTokenFor(email, 'my-own-password');
    expect((await api('GET', '/invoices', { key: after })).status).toBe(200);
    expect((await api('GET', '/api-keys', { key: after })).status).toBe(403);
    const listed = (await api('GET', '/users', { key: ownerToken })).body.data as { email: string }[];
    expect(listed.map((m) => m.email)).toContain(email);
  });

  it('refuses another address, a used, a revoked or a made-up invitation, and a secret key', async () => {
    const email = fresh('intended');
    const token = await invite(email);
    const other = fresh('other');
    const otherToken = await signUp(other, 'other-password');
    await verifyEmail(otherToken, other);
    const wrongAddress = await api('POST', '/invitations/accept', { key: await idTokenFor(other, 'other-password'), body: { token } });
    expect(wrongAddress.status).toBe(403);
    expect(wrongAddress.body.reason).toBe('email_mismatch');
    expect((await api('POST', '/invitations/accept', { key: owner.apiKey, body: { token } })).status).toBe(401);
    expect((await api('POST', '/invitations/accept', { key: await idTokenFor(other, 'other-password'), body: { token: 'A'.repeat(43) } })).status).toBe(404);

    const pending = (await api('GET', '/invitations', { key: ownerToken })).body.data as { id: string; email: string }[];
    const mine = pending.find((i) => i.email === email)!;
    expect((await api('POST', `/invitations/${mine.id}/revoke`, { key: ownerToken })).status).toBe(200);
    const intendedToken = await signUp(email, 'intended-password');
    await verifyEmail(intendedToken, email);
    expect((await api('POST', '/invitations/accept', { key: await idTokenFor(email, 'intended-password'), body: { token } })).status).toBe(404);
    expect((await api('GET', '/invitations', { key: owner.apiKey })).status).toBe(403);
  });

  it('never brings back a removed member through their old invitation', async () => {
    const email = fresh('leaver');
    const token = await invite(email);
    const signedUp = await signUp(email, 'leaver-password');
    await verifyEmail(signedUp, email);
    const accepted = await api('POST', '/invitations/accept', { key: await idTokenFor(email, 'leaver-password'), body: { token } });
    expect(accepted.status).toBe(200);
    expect((await api('DELETE', `/users/${accepted.body.uid}`, { key: ownerToken })).status).toBe(200);
    const again = await api('POST', '/invitations/accept', { key: await idTokenFor(email, 'leaver-password'), body: { token } });
    expect(again.status).toBe(404);
    expect((await membership(accepted.body.uid as string)).exists).toBe(false);
  });
});
