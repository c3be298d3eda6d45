import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { DomainError } from './errors';
import { sha256Hex } from './ids';

export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const KEEP_MS = 24 * 3600 * 1000;

/**
 * Runs a POST whose whole effect is Firestore writes, once per `Idempotency-Key`. The key's
 * record is read and written in the same transaction as the work: concurrent requests with one
 * key contend on that document, one commits, and the others retry, find it, and replay it.
 */
export async function runIdempotent(
  db: Firestore,
  scope: { merchantId: string; key: string | undefined; method: string; path: string; body: string },
  work: (tx: Transaction) => Promise<ApiResult>,
): Promise<ApiResult> {
  const { key } = scope;
  if (key === undefined) return db.runTransaction(work, { maxAttempts: 25 });
  if (key.length === 0 || key.length > 255) {
    throw new DomainError('invalid_request', 'Idempotency-Key must be 1 to 255 characters.', {
      errors: [{ field: 'Idempotency-Key', message: 'Must be 1 to 255 characters.' }],
    });
  }
  const ref = db.collection('idempotencyKeys').doc(`${scope.merchantId}_${sha256Hex(key)}`);
  const fingerprint = sha256Hex(`${scope.method} ${scope.path}\n${scope.body}`);
  return db.runTransaction(
    async (tx) => {
      const snap = await tx.get(ref);
      const now = Timestamp.now();
      if (snap.exists && (snap.get('expiresAt') as Timestamp).toMillis() > now.toMillis()) {
        if (snap.get('fingerprint') !== fingerprint) {
          throw new DomainError(
            'idempotency_conflict',
            'This Idempotency-Key was already used with another request. Use a new key for a new request.',
          );
        }
        return {
          status: snap.get('status') as number,
          body: JSON.parse(snap.get('body') as string) as unknown,
          headers: { 'Idempotent-Replayed': 'true' },
        };
      }
      const result = await work(tx);
      tx.set(ref, {
        merchantId: scope.merchantId,
        fingerprint,
        state: 'completed',
        status: result.status,
        body: JSON.stringify(result.body),
        createdAt: now,
        expiresAt: Timestamp.fromMillis(now.toMillis() + KEEP_MS),
      });
      return result;
    },
    { maxAttempts: 25 },
  );
}

const IN_PROGRESS_MS = 10 * 60_000;

/**
 * `Idempotency-Key` for work that is more than one Firestore transaction (an import, a provider
 * call): the key is claimed first, a concurrent request with it is told to wait (409), and the
 * finished response is kept for replay. A request that fails frees the key for a corrected retry.
 */
export async function runOnce(
  db: Firestore,
  scope: { merchantId: string; key: string | undefined; method: string; path: string; body: string },
  work: () => Promise<ApiResult>,
): Promise<ApiResult> {
  if (scope.key === undefined) return work();
  if (scope.key.length === 0 || scope.key.length > 255) {
    throw new DomainError('invalid_request', 'Idempotency-Key must be 1 to 255 characters.', {
      errors: [{ field: 'Idempotency-Key', message: 'Must be 1 to 255 characters.' }],
    });
  }
  const ref = db.collection('idempotencyKeys').doc(`${scope.merchantId}_${sha256Hex(scope.key)}`);
  const fingerprint = sha256Hex(`${scope.method} ${scope.path}\n${scope.body}`);
  const replay = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const now = Timestamp.now();
    const live = snap.exists && (snap.get('expiresAt') as Timestamp).toMillis() > now.toMillis();
    if (live) {
      if (snap.get('fingerprint') !== fingerprint) {
        throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used with another request. Use a new key for a new request.');
      }
      if (snap.get('state') !== 'processing') {
        return { status: snap.get('status') as number, body: JSON.parse(snap.get('body') as string) as unknown, headers: { 'Idempotent-Replayed': 'true' } };
      }
      if (now.toMillis() - (snap.get('createdAt') as Timestamp).toMillis() < IN_PROGRESS_MS) {
        throw new DomainError('idempotency_conflict', 'A request with this Idempotency-Key is still being processed; retry in a moment.');
      }
    }
    tx.set(ref, { merchantId: scope.merchantId, fingerprint, state: 'processing', createdAt: now, expiresAt: Timestamp.fromMillis(now.toMillis() + KEEP_MS) });
    return null;
  });
  if (replay) return replay;
  let result: ApiResult;
  try {
    result = await work();
  } catch (error) {
    await ref.delete();
    throw error;
  }
  await ref.update({ state: 'completed', status: result.status, body: JSON.stringify(result.body) });
  return result;
}
