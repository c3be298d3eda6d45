import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { DomainError } from './errors';
import { sha256Hex } from './ids';
import type { ApiKeyDoc, MerchantDoc } from './types';

export const merchantRef = (db: Firestore, id: string) => db.collection('merchants').doc(id);

export async function loadMerchant(db: Firestore, id: string): Promise<MerchantDoc> {
  const snap = await merchantRef(db, id).get();
  if (!snap.exists) throw new DomainError('unauthorized', 'The API key belongs to no merchant.');
  return snap.data() as MerchantDoc;
}

/** API keys are stored under the SHA-256 of the key, so a database leak reveals no usable key. */
export const apiKeyRef = (db: Firestore, secretKey: string) => db.collection('apiKeys').doc(sha256Hex(secretKey));

const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves `Authorization: Bearer sk_…` to its merchant, or throws `unauthorized`. */
export async function authenticate(db: Firestore, authorization: string | undefined): Promise<MerchantDoc> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) {
    throw new DomainError('unauthorized', 'Send your secret API key as `Authorization: Bearer sk_…`.');
  }
  const secretKey = match[1]!;
  if (!/^sk_(test|live)_[A-Za-z0-9]+$/.test(secretKey)) {
    throw new DomainError('unauthorized', 'That is not a secret API key (they start with sk_test_ or sk_live_).');
  }
  const ref = apiKeyRef(db, secretKey);
  const snap = await ref.get();
  const key = snap.data() as ApiKeyDoc | undefined;
  if (!key || key.revokedAt) throw new DomainError('unauthorized', 'Invalid or revoked API key.');
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.toMillis() > LAST_USED_RESOLUTION_MS) {
    // Once a minute at most, so a busy key does not hit Firestore's one-write-per-second per document.
    await ref.update({ lastUsedAt: Timestamp.fromMillis(now) });
  }
  const merchant = await loadMerchant(db, key.merchantId);
  if (merchant.status === 'suspended') {
    throw new DomainError('merchant_suspended', 'This merchant is suspended; its keys cannot be used. Contact the platform.');
  }
  // The key, not the merchant, decides test or live mode, as with Stripe keys.
  return { ...merchant, mode: key.mode };
}

/** Live keys exist only once a platform operator has activated live mode for the merchant. */
export function assertMayCreateKey(merchant: MerchantDoc): void {
  if (merchant.mode === 'live' && !merchant.liveActivatedAt) {
    throw new DomainError('invalid_state', 'Live mode is not activated for this merchant yet; ask the platform to activate it. Test keys work meanwhile.');
  }
}

/** Refuses the pay-token endpoints of a suspended merchant (nothing is charged for it). */
export async function assertTokenPayable(db: Firestore, token: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return;
  const merchantId = (await db.collection('payTokens').doc(token).get()).get('merchantId') as string | undefined;
  if (merchantId && (await merchantRef(db, merchantId).get()).get('status') === 'suspended') {
    throw new DomainError('merchant_suspended', 'This payment request is unavailable.');
  }
}
