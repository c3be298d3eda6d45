import { Timestamp, type DocumentReference, type DocumentSnapshot, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions';
import { DomainError } from './errors';
import { newId, sha256Hex } from './ids';

export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const KEEP_MS = 24 * 3600 * 1000;

/**
 * gRPC codes after which a transaction is tried again (the Firestore SDK's own list, less
 * UNAUTHENTICATED): ABORTED is contention, the others a backend that did not answer in time.
 */
const RETRYABLE = new Set([10, 1, 2, 4, 13, 14, 8]);
const isRetryable = (error: unknown) => !(error instanceof DomainError) && RETRYABLE.has((error as { code?: unknown }).code as number);

/** Attempts at a contended transaction, and the most one pause between them may last. */
const CONTENDED_ATTEMPTS = 40;
const CONTENDED_MAX_PAUSE_MS = 400;

/**
 * Runs a read-write transaction that many requests may race for (one Idempotency-Key sent 8
 * times at once; a resend while the SMS pipeline writes the invoice). The SDK's own retry waits
 * 1 s, 1.5 s, 2.25 s … between attempts (capped at 10 retries, after which it throws a plain
 * Error, a 500): with 8 racers and a lock-heavy backend the last one waits tens of seconds. Here
 * each attempt is one SDK attempt, a lost race is tried again after a short random pause, and
 * `before` runs first on every attempt outside any transaction (a plain read takes no lock), so a
 * racer whose answer is already stored takes it without contending at all.
 */
async function contended<T>(db: Firestore, work: (tx: Transaction) => Promise<T>, before?: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const early = before ? await before() : undefined;
    if (early !== undefined) return early;
    try {
      return await db.runTransaction(work, { maxAttempts: 1 });
    } catch (error) {
      if (!isRetryable(error) || attempt >= CONTENDED_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(CONTENDED_MAX_PAUSE_MS, 25 * 2 ** attempt)));
    }
  }
}

/** The stored answer of a key's record, or a 409 when the record is of another request. */
function storedAnswer(snap: DocumentSnapshot, fingerprint: string, nowMs: number): ApiResult | undefined {
  if (!snap.exists || (snap.get('expiresAt') as Timestamp).toMillis() <= nowMs) return undefined;
  if (snap.get('fingerprint') !== fingerprint) {
    throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used with another request. Use a new key for a new request.');
  }
  return {
    status: snap.get('status') as number,
    body: JSON.parse(snap.get('body') as string) as unknown,
    headers: { 'Idempotent-Replayed': 'true' },
  };
}

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
  if (key === undefined) return contended(db, work);
  if (key.length === 0 || key.length > 255) {
    throw new DomainError('invalid_request', 'Idempotency-Key must be 1 to 255 characters.', {
      errors: [{ field: 'Idempotency-Key', code: key.length === 0 ? 'too_small' : 'too_big', minimum: 1, maximum: 255, unit: 'characters', message: 'Must be 1 to 255 characters.' }],
    });
  }
  const ref = db.collection('idempotencyKeys').doc(`${scope.merchantId}_${sha256Hex(key)}`);
  const fingerprint = sha256Hex(`${scope.method} ${scope.path}\n${scope.body}`);
  return contended(
    db,
    async (tx) => {
      const snap = await tx.get(ref);
      const now = Timestamp.now();
      const stored = storedAnswer(snap, fingerprint, now.toMillis());
      if (stored) return stored;
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
    // A replay needs no transaction: the record is written once, with the work, and never changed.
    async () => storedAnswer(await ref.get(), fingerprint, Date.now()),
  );
}

const IN_PROGRESS_MS = 10 * 60_000;

/**
 * A kept response may be larger than one Firestore document (an import's 10,000 row results):
 * its UTF-8 bytes are stored in chunks under the key's record, well below the 1 MiB document limit.
 */
const BODY_CHUNK_BYTES = 900_000;

/** Who runs the work of a `runOnce` key: `seed` is the same for every run of one request, so work can derive ids from it. */
export interface OnceRun {
  seed: string;
  /** True when an earlier run of this request died before finishing (its claim went stale). */
  resumed: boolean;
}

/**
 * `Idempotency-Key` for work that is more than one Firestore transaction (an import, a provider
 * call): the key is claimed first, a concurrent request with it is told to wait (409), and the
 * finished response is kept for replay. A request that fails frees the key for a corrected retry.
 * A run that died (its claim older than 10 minutes) is taken over with the same `seed`, so work
 * whose every write is keyed on the seed finishes what is missing instead of doing it again.
 */
export async function runOnce(
  db: Firestore,
  scope: { merchantId: string; key: string | undefined; method: string; path: string; body: string },
  work: (run: OnceRun | null) => Promise<ApiResult>,
): Promise<ApiResult> {
  if (scope.key === undefined) return work(null);
  if (scope.key.length === 0 || scope.key.length > 255) {
    throw new DomainError('invalid_request', 'Idempotency-Key must be 1 to 255 characters.', {
      errors: [{ field: 'Idempotency-Key', code: scope.key.length === 0 ? 'too_small' : 'too_big', minimum: 1, maximum: 255, unit: 'characters', message: 'Must be 1 to 255 characters.' }],
    });
  }
  const ref = db.collection('idempotencyKeys').doc(`${scope.merchantId}_${sha256Hex(scope.key)}`);
  const fingerprint = sha256Hex(`${scope.method} ${scope.path}\n${scope.body}`);
  const claim = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const now = Timestamp.now();
    const live = snap.exists && (snap.get('expiresAt') as Timestamp).toMillis() > now.toMillis();
    let resumed: string | null = null;
    if (live) {
      if (snap.get('fingerprint') !== fingerprint) {
        throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used with another request. Use a new key for a new request.');
      }
      if (snap.get('state') !== 'processing') {
        const chunks = snap.get('bodyChunks') as number | undefined;
        const body = chunks ? await readChunkedBody(tx, ref, chunks) : (snap.get('body') as string);
        return { replay: { status: snap.get('status') as number, body: JSON.parse(body) as unknown, headers: { 'Idempotent-Replayed': 'true' } } };
      }
      if (now.toMillis() - (snap.get('createdAt') as Timestamp).toMillis() < IN_PROGRESS_MS) {
        throw new DomainError('idempotency_conflict', 'A request with this Idempotency-Key is still being processed; retry in a moment.');
      }
      resumed = (snap.get('seed') as string | undefined) ?? null;
    }
    const seed = resumed ?? newId('key');
    tx.set(ref, { merchantId: scope.merchantId, fingerprint, state: 'processing', seed, createdAt: now, expiresAt: Timestamp.fromMillis(now.toMillis() + KEEP_MS) });
    return { run: { seed: `${ref.id}:${seed}`, resumed: resumed !== null } };
  });
  if (claim.replay) return claim.replay;
  let result: ApiResult;
  try {
    result = await work(claim.run!);
  } catch (error) {
    // A resumed run keeps its seed: what the dead run wrote must be found again, not written twice.
    if (!claim.run!.resumed) await ref.delete();
    throw error;
  }
  try {
    await keepResponse(db, ref, result);
  } catch (error) {
    // The work is done: answer it. The claim stays, and a retry after it goes stale finishes nothing twice.
    logger.error('could not keep an idempotent response', { key: ref.id, error: (error as Error).message });
  }
  return result;
}

async function keepResponse(db: Firestore, ref: DocumentReference, result: ApiResult): Promise<void> {
  const body = Buffer.from(JSON.stringify(result.body), 'utf8');
  if (body.length <= BODY_CHUNK_BYTES) {
    await ref.update({ state: 'completed', status: result.status, body: body.toString('utf8') });
    return;
  }
  const expiresAt = Timestamp.fromMillis(Date.now() + KEEP_MS);
  const count = Math.ceil(body.length / BODY_CHUNK_BYTES);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      ref
        .collection('bodyChunks')
        .doc(String(i).padStart(4, '0'))
        .set({ bytes: body.subarray(i * BODY_CHUNK_BYTES, (i + 1) * BODY_CHUNK_BYTES), expiresAt }),
    ),
  );
  await ref.update({ state: 'completed', status: result.status, bodyChunks: count });
}

async function readChunkedBody(tx: Transaction, ref: DocumentReference, count: number): Promise<string> {
  const snaps = await tx.getAll(...Array.from({ length: count }, (_, i) => ref.collection('bodyChunks').doc(String(i).padStart(4, '0'))));
  return Buffer.concat(snaps.map((s) => s.get('bytes') as Buffer)).toString('utf8');
}
