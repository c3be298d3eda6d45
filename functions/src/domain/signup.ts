import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { z } from 'zod';
import { DomainError } from './errors';
import { sha256Hex } from './ids';
import { apiKeyPrefix, newApiKeySecret, newWebhookSecret } from './console';
import { apiKeyRef, merchantRef } from './merchants';
import type { ApiKeyDoc, MerchantDoc } from './types';

/** Sign-up: a verified email becomes the owner of a new merchant in test mode. */

export const signupSchema = z.strictObject({
  businessName: z.string({ error: 'Give your business name.' }).trim().min(1, 'Must not be empty.').max(100, 'At most 100 characters.'),
});

/** The slice of firebase-admin's Auth that sign-up uses. */
export interface SignupAuth {
  setCustomUserClaims(uid: string, claims: Record<string, unknown>): Promise<void>;
}

/**
 * Creates the merchant for a signed-in user whose email is verified: test mode, sandboxes, a
 * test key and a callback signing secret (both returned once). The merchant id comes from the
 * uid, so a retry after a crash finds the same merchant instead of making a second one, and
 * everything but the claims is written in one transaction.
 */
export async function signUpMerchant(
  db: Firestore,
  auth: SignupAuth,
  user: { uid: string; email: string; emailVerified: boolean; merchantId: unknown; keepClaims: Record<string, unknown> },
  input: z.output<typeof signupSchema>,
) {
  if (!user.emailVerified) {
    throw new DomainError('forbidden', 'Verify your email first: open the link we sent you, then sign in again.');
  }
  if (typeof user.merchantId === 'string') throw new DomainError('invalid_state', 'This account already belongs to a merchant.');
  const merchantId = `m_${sha256Hex(`signup:${user.uid}`).slice(0, 20)}`;
  const secretKey = newApiKeySecret('test');
  const webhookSecret = newWebhookSecret();
  const now = Timestamp.now();
  const created = await db.runTransaction(async (tx) => {
    const ref = merchantRef(db, merchantId);
    if ((await tx.get(ref)).exists) return false;
    const merchant: MerchantDoc = {
      id: merchantId,
      name: input.businessName,
      mode: 'test',
      status: 'active',
      liveActivatedAt: null,
      branding: {},
      settings: { paymentMethods: ['card', 'phone'], locale: 'en' },
      createdAt: now,
    };
    tx.create(ref, merchant);
    tx.create(ref.collection('members').doc(user.uid), { email: user.email, role: 'owner', createdAt: now });
    const key: ApiKeyDoc = { merchantId, mode: 'test', prefix: apiKeyPrefix(secretKey), name: 'Test key', createdAt: now, revokedAt: null, lastUsedAt: null };
    tx.create(apiKeyRef(db, secretKey), key);
    tx.create(db.collection('merchantSecrets').doc(merchantId), { webhookSecrets: [{ secret: webhookSecret, createdAt: now, expiresAt: null }] });
    return true;
  });
  // Made by an earlier attempt that died before the claims: finish it; its key was shown then or can be made anew.
  await auth.setCustomUserClaims(user.uid, { ...user.keepClaims, merchantId, role: 'owner' });
  return {
    object: 'signup' as const,
    merchant: { id: merchantId, name: input.businessName, livemode: false },
    apiKey: created ? { secret: secretKey, prefix: apiKeyPrefix(secretKey), livemode: false } : null,
    webhookSecret: created ? webhookSecret : null,
  };
}
