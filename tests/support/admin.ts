import { createHash, randomBytes } from 'node:crypto';
import { initializeApp, getApps, type App } from 'firebase-admin/app';
import { getFirestore, Query, Timestamp, type DocumentReference, type DocumentSnapshot, type Firestore, type QuerySnapshot } from 'firebase-admin/firestore';
import { getAuth } from 'firebase-admin/auth';
import { PROJECT_ID } from './env';

let app: App | undefined;

export function admin(): { db: Firestore; auth: ReturnType<typeof getAuth> } {
  app ??= getApps()[0] ?? initializeApp({ projectId: PROJECT_ID });
  return { db: getFirestore(app), auth: getAuth(app) };
}

export interface TestMerchant {
  merchantId: string;
  apiKey: string;
  webhookSecret: string;
  email: string;
  password: string;
  uid: string;
}

/** A fresh merchant per suite, so suites never see each other's documents. */
export async function createMerchant(options: { callbackUrl?: string; role?: 'owner' | 'staff'; paymentMethods?: string[]; name?: string } = {}): Promise<TestMerchant> {
  const { db, auth } = admin();
  const suffix = randomBytes(6).toString('hex');
  const merchantId = `m-${suffix}`;
  const apiKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const now = Timestamp.now();
  await db
    .collection('merchants')
    .doc(merchantId)
    .set({
      id: merchantId,
      name: options.name ?? `Shop ${suffix}`,
      mode: 'test',
      branding: { accentColor: '#0b57d0' },
      settings: {
        paymentMethods: options.paymentMethods ?? ['card', 'phone'],
        locale: 'en',
        ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
      },
      createdAt: now,
    });
  await db
    .collection('apiKeys')
    .doc(createHash('sha256').update(apiKey).digest('hex'))
    .set({
      merchantId,
      mode: 'test',
      prefix: apiKey.slice(0, 12),
      name: 'test',
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    });
  await db
    .collection('merchantSecrets')
    .doc(merchantId)
    .set({ webhookSecrets: [{ secret: webhookSecret, createdAt: now, expiresAt: null }] });
  const email = `owner-${suffix}@example.com`;
  const password = `pw-${suffix}`;
  const user = await auth.createUser({ email, password, emailVerified: true });
  await addMember(merchantId, user.uid, email, options.role ?? 'owner');
  return { merchantId, apiKey, webhookSecret, email, password, uid: user.uid };
}

/** Makes an Auth user a member as the product does: claims name the merchant, the membership document grants access. */
export async function addMember(merchantId: string, uid: string, email: string, role: 'owner' | 'staff'): Promise<void> {
  const { db, auth } = admin();
  await auth.setCustomUserClaims(uid, { merchantId, role });
  await db.collection('merchants').doc(merchantId).collection('members').doc(uid).set({ email, role, createdAt: Timestamp.now() });
}

/**
 * Resolves with the first snapshot for which `predicate` holds, listening rather than polling,
 * so tests wait exactly as long as the system takes.
 */
export function waitForSnapshot(target: DocumentReference, predicate: (snapshot: DocumentSnapshot) => boolean, timeoutMs?: number): Promise<DocumentSnapshot>;
export function waitForSnapshot(target: Query, predicate: (snapshot: QuerySnapshot) => boolean, timeoutMs?: number): Promise<QuerySnapshot>;
export function waitForSnapshot(target: DocumentReference | Query, predicate: (snapshot: never) => boolean, timeoutMs = 20_000): Promise<DocumentSnapshot | QuerySnapshot> {
  return new Promise((resolve, reject) => {
    let last: DocumentSnapshot | QuerySnapshot | undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      const shown = last && 'exists' in last ? JSON.stringify(last.data()) : `${last?.size ?? 0} docs`;
      reject(new Error(`waitForSnapshot timed out after ${timeoutMs} ms; last: ${shown}`));
    }, timeoutMs);
    const onNext = (snapshot: DocumentSnapshot | QuerySnapshot) => {
      last = snapshot;
      if ((predicate as (s: DocumentSnapshot | QuerySnapshot) => boolean)(snapshot)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(snapshot);
      }
    };
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const unsubscribe = target instanceof Query ? target.onSnapshot(onNext, onError) : (target as DocumentReference).onSnapshot(onNext, onError);
  });
}

export async function countWhere(collection: string, field: string, value: unknown): Promise<number> {
  const snap = await admin().db.collection(collection).where(field, '==', value).count().get();
  return snap.data().count;
}
