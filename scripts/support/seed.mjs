// The local demo merchant of the spec's "Local run". Emulator only: these credentials are public.
import { createHash } from 'node:crypto';
import { initializeApp, getApps } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';

export const DEMO = {
  merchantId: 'demo-shop',
  name: 'Demo Shop',
  email: 'demo@example.com',
  password: 'demo-password',
  apiKey: 'sk_test_demo',
  webhookSecret: 'whsec_ZGVtby13ZWJob29rLXNlY3JldC1mb3ItbG9jYWwtdXNl',
};

/** Creates or refreshes a merchant with an owner login, an API key and a callback signing secret. */
export async function seedMerchant(projectId, merchant) {
  if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.FIREBASE_AUTH_EMULATOR_HOST) {
    throw new Error('Refusing to seed: FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST must point at the emulators.');
  }
  const app = getApps()[0] ?? initializeApp({ projectId });
  const db = getFirestore(app);
  const auth = getAuth(app);
  const now = Timestamp.now();
  await db
    .collection('merchants')
    .doc(merchant.merchantId)
    .set({
      id: merchant.merchantId,
      name: merchant.name,
      mode: 'test',
      status: 'active',
      liveActivatedAt: null,
      branding: { accentColor: merchant.accentColor ?? '#0b57d0' },
      settings: {
        paymentMethods: merchant.paymentMethods ?? ['card', 'phone'],
        locale: 'en',
        ...(merchant.callbackUrl ? { callbackUrl: merchant.callbackUrl } : {}),
      },
      createdAt: now,
    });
  await db
    .collection('apiKeys')
    .doc(createHash('sha256').update(merchant.apiKey).digest('hex'))
    .set({
      merchantId: merchant.merchantId,
      mode: 'test',
      prefix: merchant.apiKey.slice(0, 12),
      name: 'Seeded key',
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    });
  await db
    .collection('merchantSecrets')
    .doc(merchant.merchantId)
    .set({
      webhookSecrets: [{ secret: merchant.webhookSecret, createdAt: now, expiresAt: null }],
    });
  let user;
  try {
    user = await auth.getUserByEmail(merchant.email);
  } catch {
    user = await auth.createUser({ email: merchant.email, password: merchant.password, displayName: `${merchant.name} owner` });
  }
  // Members are people who proved their address (the rules and the API require a verified email).
  if (!user.emailVerified) await auth.updateUser(user.uid, { emailVerified: true });
  const role = merchant.role ?? 'owner';
  await auth.setCustomUserClaims(user.uid, { merchantId: merchant.merchantId, role });
  await db.collection('merchants').doc(merchant.merchantId).collection('members').doc(user.uid).set({ email: merchant.email, role, createdAt: now });
  return { uid: user.uid };
}
