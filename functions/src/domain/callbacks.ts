import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { Webhook } from 'standardwebhooks';
import type { TaskQueue } from '../adapters/tasks';

/** Seconds before each retry, per the spec: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h. */
export const CALLBACK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400];
export const CALLBACK_TIMEOUT_MS = 15_000;

export interface CallbackResponse {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** The port callbacks go out through; the real one is `fetch` with no redirects followed. */
export type CallbackPoster = (url: string, headers: Record<string, string>, body: string) => Promise<CallbackResponse>;

export const fetchCallbackPoster: CallbackPoster = async (url, headers, body) => {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'smspay-callbacks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    return { statusCode: response.status, durationMs: Date.now() - started, error: null };
  } catch (error) {
    const name = (error as Error).name;
    return { statusCode: null, durationMs: Date.now() - started, error: name === 'TimeoutError' ? 'timeout after 15 s' : (error as Error).message };
  }
};

export interface DeliverDeps {
  db: Firestore;
  post: CallbackPoster;
  tasks: TaskQueue;
  schedule: number[];
  /** Refuses URLs that may not receive callbacks in this environment (see callbackUrl.ts). */
  checkUrl: (url: string) => Promise<string | null>;
}

export const callbackEventRef = (db: Firestore, id: string) => db.collection('callbackEvents').doc(id);

/**
 * One delivery attempt of a callback event (the `deliverCallback` queue's work), signed per
 * Standard Webhooks. Only a 2xx counts; 410 disables the merchant's endpoint; anything else
 * schedules the next attempt. Every attempt is logged under the event.
 */
export async function deliverCallback(deps: DeliverDeps, eventId: string, attempt: number, manual = false): Promise<string> {
  const { db } = deps;
  const ref = callbackEventRef(db, eventId);
  const snap = await ref.get();
  if (!snap.exists) return 'missing';
  const event = snap.data()!;
  if (!manual && (event.status === 'delivered' || event.status === 'disabled')) return event.status as string;
  if (!manual && (event.attempts as number) >= attempt) return 'duplicate';

  const secretSnap = await db.collection('merchantSecrets').doc(event.merchantId as string).get();
  const secrets = (secretSnap.get('webhookSecrets') as { secret: string; expiresAt: Timestamp | null }[] | undefined) ?? [];
  const now = new Date();
  const live = secrets.filter((s) => !s.expiresAt || s.expiresAt.toMillis() > now.getTime());
  const url = event.url as string;
  const refusal = await deps.checkUrl(url);
  let response: CallbackResponse;
  if (live.length === 0) {
    response = { statusCode: null, durationMs: 0, error: 'the merchant has no callback signing secret' };
  } else if (refusal) {
    response = { statusCode: null, durationMs: 0, error: refusal };
  } else {
    const body = event.payload as string;
    // During a rotation both secrets sign; receivers accept any one signature that verifies.
    const signatures = live.map((s) => new Webhook(s.secret).sign(eventId, now, body).split(' ')).flat();
    response = await deps.post(
      url,
      { 'webhook-id': eventId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signatures.join(' ') },
      body,
    );
  }

  const ok = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
  const gone = response.statusCode === 410;
  const nextDelay = deps.schedule[attempt - 1];
  const status = ok ? 'delivered' : gone ? 'disabled' : refusal || nextDelay === undefined ? 'failed' : 'retrying';
  const at = Timestamp.fromDate(now);
  await db.runTransaction(async (tx) => {
    const fresh = (await tx.get(ref)).data()!;
    tx.set(ref.collection('attempts').doc(String(attempt).padStart(3, '0') + (manual ? `-manual-${now.getTime()}` : '')), {
      attempt,
      manual,
      url,
      statusCode: response.statusCode,
      durationMs: response.durationMs,
      error: response.error,
      at,
    });
    tx.update(ref, {
      attempts: Math.max(fresh.attempts as number, attempt),
      status: fresh.status === 'delivered' ? 'delivered' : status,
      lastStatusCode: response.statusCode,
      lastError: response.error,
      updatedAt: at,
      ...(ok ? { deliveredAt: at } : {}),
      nextAttemptAt: status === 'retrying' ? Timestamp.fromMillis(now.getTime() + nextDelay! * 1000) : null,
    });
  });
  if (status === 'retrying' && !manual) {
    await deps.tasks.enqueue('deliverCallback', { eventId, attempt: attempt + 1 }, { id: `${eventId}-${attempt + 1}`, delaySeconds: nextDelay });
  }
  return status;
}
