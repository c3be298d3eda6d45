import { describe, expect, it } from 'vitest';
import { api } from '../support/api';
import { PROJECT_ID } from '../support/env';

const AUTH = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099'}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function identity(path: string, body: object): Promise<Record<string, any>> {
  const response = await fetch(`${AUTH}/identitytoolkit.googleapis.com/v1/${path}?key=demo-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Clicks the verification link the Auth emulator "sent", as the person would. */
async function verifyByLink(email: string): Promise<void> {
  const { oobCodes } = (await (await fetch(`${AUTH}/emulator/v1/projects/${PROJECT_ID}/oobCodes`)).json()) as { oobCodes: { email: string; requestType: string; oobLink: string }[] };
  const code = oobCodes.filter((c) => c.email === email && c.requestType === 'VERIFY_EMAIL').pop();
  expect(code, 'a verification email').toBeDefined();
  expect((await fetch(code!.oobLink)).ok).toBe(true);
}

describe('POST /signup', () => {
  it('makes a test-mode merchant for a verified email, with a test key and callback secret shown once', async () => {
    const email = `signup-${Date.now()}@example.com`;
    const created = await identity('accounts:signUp', { email, password: 'a-good-password', returnSecureToken: true });
    await identity('accounts:sendOobCode', { requestType: 'VERIFY_EMAIL', idToken: created.idToken });

    const early = await api('POST', '/signup', { key: created.idToken, body: { businessName: 'Fjord Bakery' } });
    expect(early.status).toBe(403);

    await verifyByLink(email);
    const signedIn = await identity('accounts:signInWithPassword', { email, password: 'a-good-password', returnSecureToken: true });
    const done = await api('POST', '/signup', { key: signedIn.idToken, body: { businessName: 'Fjord Bakery' } });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ merchant: { name: 'Fjord Bakery', livemode: false }, apiKey: { secret: expect.stringMatching(/^sk_test_/) } });
    expect(done.body.webhookSecret).toMatch(/^whsec_/);

    const account = await api('GET', '/account', { key: done.body.apiKey.secret });
    expect(account.body).toMatchObject({ name: 'Fjord Bakery', livemode: false, status: 'active', paymentMethods: ['card', 'phone'] });

    // The refreshed token carries the new merchant; signing up again is refused.
    const refreshed = await identity('accounts:signInWithPassword', { email, password: 'a-good-password', returnSecureToken: true });
    expect((await api('GET', '/settings', { key: refreshed.idToken })).body.name).toBe('Fjord Bakery');
    expect((await api('POST', '/signup', { key: refreshed.idToken, body: { businessName: 'Again' } })).status).toBe(409);
    expect((await api('POST', '/signup', { key: refreshed.idToken, body: { businessName: '' } })).body.errors[0].field).toBe('businessName');
  }, 120_000);
});
