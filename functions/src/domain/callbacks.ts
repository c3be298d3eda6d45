import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { notFound } from './errors';
import { Webhook } from 'standardwebhooks';
import type { TaskQueue } from '../adapters/tasks';
import { sha256Hex } from './ids';
import { invoiceRef } from './timeline';
import type { CallbackTarget } from './callbackUrl';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** Seconds before each retry, per the spec: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h. */
export const CALLBACK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400];
export const CALLBACK_TIMEOUT_MS = 15_000;

export interface CallbackResponse {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** The port callbacks go out through; the real one connects to the checked address, follows no redirect. */
export type CallbackPoster = (target: CallbackTarget, headers: Record<string, string>, body: string) => Promise<CallbackResponse>;

/**
 * POSTs to the address resolved and checked before (`target.address`), with the URL's host name
 * as Host header and TLS server name (and certificate check): pinned, so no second DNS answer is
 * ever used. No redirect is followed; only the status code is read.
 */
export const pinnedCallbackPoster: CallbackPoster = (target, headers, body) => {
  const started = Date.now();
  const url = new URL(target.url);
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<CallbackResponse>((resolve) => {
    const done = (statusCode: number | null, error: string | null) => resolve({ statusCode, durationMs: Date.now() - started, error });
    const req = request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'smspay-callbacks/1', ...headers },
      },
      (response) => {
        response.resume();
        clearTimeout(timer);
        done(response.statusCode ?? null, null);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('timeout after 15 s')), CALLBACK_TIMEOUT_MS);
    req.on('error', (error) => {
      clearTimeout(timer);
      done(null, error.message);
    });
    req.end(body);
  });
};

export interface DeliverDeps {
  db: Firestore;
  post: CallbackPoster;
  tasks: TaskQueue;
  schedule: number[];
  /** Resolves and checks the URL for this environment (see callbackUrl.ts): the address to connect to, or why not. */
  resolveTarget: (url: string) => Promise<{ target: CallbackTarget } | { problem: string }>;
}

export const callbackEventRef = (db: Firestore, id: string) => db.collection('callbackEvents').doc(id);

/** Endpoints that answered 410 Gone: no automatic delivery goes to them until a manual redelivery succeeds. */
export const disabledEndpointRef = (db: Firestore, merchantId: string, url: string) => db.collection('merchants').doc(merchantId).collection('disabledCallbackUrls').doc(sha256Hex(url));

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

  const secretSnap = await db
    .collection('merchantSecrets')
    .doc(event.merchantId as string)
    .get();
  const secrets = (secretSnap.get('webhookSecrets') as { secret: string; expiresAt: Timestamp | null }[] | undefined) ?? [];
  const now = new Date();
  const live = secrets.filter((s) => !s.expiresAt || s.expiresAt.toMillis() > now.getTime());
  const url = event.url as string;
  const disabled = (await disabledEndpointRef(db, event.merchantId as string, url).get()).exists;
  if (disabled && !manual) {
    await ref.update({ status: 'disabled', lastError: 'the endpoint answered 410 Gone earlier and is disabled', updatedAt: Timestamp.now() });
    return 'disabled';
  }
  const resolved = await deps.resolveTarget(url);
  const refusal = 'problem' in resolved ? resolved.problem : null;
  let response: CallbackResponse;
  if (live.length === 0) {
    response = { statusCode: null, durationMs: 0, error: 'the merchant has no callback signing secret' };
  } else if ('problem' in resolved) {
    response = { statusCode: null, durationMs: 0, error: resolved.problem };
  } else {
    const body = event.payload as string;
    // During a rotation both secrets sign; receivers accept any one signature that verifies.
    const signatures = live.map((s) => new Webhook(s.secret).sign(eventId, now, body).split(' ')).flat();
    response = await deps.post(resolved.target, { 'webhook-id': eventId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signatures.join(' ') }, body);
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
    // A manual redelivery is logged but leaves the automatic schedule as it was, unless it succeeds.
    tx.update(ref, {
      attempts: manual ? (fresh.attempts as number) : Math.max(fresh.attempts as number, attempt),
      status: fresh.status === 'delivered' || ok ? 'delivered' : manual ? fresh.status : status,
      lastStatusCode: response.statusCode,
      lastError: response.error,
      updatedAt: at,
      ...(ok ? { deliveredAt: at } : {}),
      nextAttemptAt: manual ? (ok ? null : (fresh.nextAttemptAt ?? null)) : status === 'retrying' ? Timestamp.fromMillis(now.getTime() + nextDelay! * 1000) : null,
    });
  });
  if (gone && !disabled) await disableEndpoint(db, event, url, at);
  if (ok && disabled) await disabledEndpointRef(db, event.merchantId as string, url).delete();
  if (status === 'retrying' && !manual) {
    await deps.tasks.enqueue('deliverCallback', { eventId, attempt: attempt + 1 }, { id: `${eventId}-${attempt + 1}`, delaySeconds: nextDelay });
  }
  return status;
}

/** A 410 switches the endpoint off and says so on the invoice's timeline, where the merchant looks. */
async function disableEndpoint(db: Firestore, event: FirebaseFirestore.DocumentData, url: string, at: Timestamp): Promise<void> {
  await db.runTransaction(async (tx) => {
    const ref = disabledEndpointRef(db, event.merchantId as string, url);
    if ((await tx.get(ref)).exists) return;
    tx.set(ref, { url, disabledAt: at, eventId: event.id });
    tx.create(
      invoiceRef(db, event.invoiceId as string)
        .collection('events')
        .doc(),
      {
        type: 'callback.endpoint_disabled',
        data: { url, eventId: event.id },
        merchantId: event.merchantId,
        callbackEventId: null,
        createdAt: at,
      },
    );
  });
}

/** `GET /events/{id}`: a callback event, its payload and every delivery attempt. */
export async function getCallbackEvent(db: Firestore, merchantId: string, id: string) {
  if (!/^evt_[A-Za-z0-9]{22}$/.test(id)) throw notFound('Event');
  const snap = await callbackEventRef(db, id).get();
  if (!snap.exists || snap.get('merchantId') !== merchantId) throw notFound('Event');
  const attempts = await snap.ref.collection('attempts').orderBy('at', 'asc').get();
  const iso = (t: Timestamp | null | undefined) => (t ? t.toDate().toISOString() : null);
  return {
    id,
    object: 'event',
    type: snap.get('type') as string,
    invoiceId: snap.get('invoiceId') as string,
    sequence: snap.get('sequence') as number,
    url: snap.get('url') as string,
    status: snap.get('status') as string,
    createdAt: iso(snap.get('createdAt')),
    deliveredAt: iso(snap.get('deliveredAt')),
    nextAttemptAt: iso(snap.get('nextAttemptAt')),
    payload: JSON.parse(snap.get('payload') as string) as unknown,
    deliveries: attempts.docs.map((a) => ({
      attempt: a.get('attempt') as number,
      manual: a.get('manual') as boolean,
      statusCode: a.get('statusCode') as number | null,
      durationMs: a.get('durationMs') as number,
      error: a.get('error') as string | null,
      at: iso(a.get('at')),
    })),
  };
}

/** `POST /events/{id}/redeliver`: one more attempt now, same `webhook-id`, logged like the others. */
export async function redeliverCallback(db: Firestore, tasks: TaskQueue, merchantId: string, id: string) {
  const event = await getCallbackEvent(db, merchantId, id);
  const attempt = event.deliveries.length + 1;
  await tasks.enqueue('deliverCallback', { eventId: id, attempt, manual: true }, { id: `${id}-manual-${Date.now()}` });
  return { ...event, redelivery: { attempt, queued: true } };
}
