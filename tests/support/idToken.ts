import { PROJECT_ID } from './env';

const host = () => process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099';

/** One call of the Auth emulator's Identity Toolkit REST API, as the Firebase client SDK makes it. */
export async function identityToolkit(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`http://${host()}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=demo-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Signs a user in against the Auth emulator's REST API, as the dashboard does, and returns the ID token. */
export async function idTokenFor(email: string, password: string): Promise<string> {
  const body = await identityToolkit('signInWithPassword', { email, password, returnSecureToken: true });
  if (typeof body.idToken !== 'string') throw new Error(`Sign-in failed for ${email}: ${JSON.stringify(body)}`);
  return body.idToken;
}

/** Signs up with email and password (unverified), as anyone can; returns the ID token. */
export async function signUp(email: string, password: string): Promise<string> {
  const body = await identityToolkit('signUp', { email, password, returnSecureToken: true });
  if (typeof body.idToken !== 'string') throw new Error(`Sign-up failed for ${email}: ${JSON.stringify(body)}`);
  return body.idToken;
}

/**
 * The newest out-of-band code (verification or password reset link) the Auth emulator "sent" to
 * `email`: what only whoever reads that mailbox would have.
 */
export async function oobCodeFor(email: string, requestType: 'VERIFY_EMAIL' | 'PASSWORD_RESET'): Promise<string> {
  const response = await fetch(`http://${host()}/emulator/v1/projects/${PROJECT_ID}/oobCodes`);
  const { oobCodes } = (await response.json()) as { oobCodes: { email: string; requestType: string; oobCode: string }[] };
  const code = oobCodes.filter((c) => c.email.toLowerCase() === email.toLowerCase() && c.requestType === requestType).at(-1);
  if (!code) throw new Error(`No ${requestType} code for ${email}`);
  return code.oobCode;
}

/** The mailbox owner clicks the verification link Firebase sends. */
export async function verifyEmail(idToken: string, email: string): Promise<void> {
  await identityToolkit('sendOobCode', { requestType: 'VERIFY_EMAIL', idToken });
  const result = await identityToolkit('update', { oobCode: await oobCodeFor(email, 'VERIFY_EMAIL') });
  if (result.emailVerified !== true) throw new Error(`Verification failed: ${JSON.stringify(result)}`);
}

/** The mailbox owner sets a new password through the reset link Firebase sends. */
export async function resetPasswordByEmail(email: string, newPassword: string): Promise<void> {
  await identityToolkit('sendOobCode', { requestType: 'PASSWORD_RESET', email });
  const result = await identityToolkit('resetPassword', { oobCode: await oobCodeFor(email, 'PASSWORD_RESET'), newPassword });
  if (result.error) throw new Error(`Password reset failed: ${JSON.stringify(result)}`);
}
