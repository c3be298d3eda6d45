import { initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { isEmulator } from '../params';

let app: App | undefined;

/**
 * Our own named Admin app, created on first use. It is not the default app because
 * firebase-functions initialises that one itself (for trigger snapshots) without our options.
 * On the emulators it carries a service account id so that task enqueueing never asks the
 * cloud metadata server who we are.
 */
export function adminApp(): App {
  if (app) return app;
  const projectId = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
  app = isEmulator() ? initializeApp({ projectId, serviceAccountId: `emulator@${projectId}.iam.gserviceaccount.com` }, 'smspay') : initializeApp(undefined, 'smspay');
  return app;
}

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (db) return db;
  db = getFirestore(adminApp());
  db.settings({ ignoreUndefinedProperties: true });
  if (isEmulator()) retryClosedTransactions(db);
  return db;
}

/**
 * The Firestore emulator ends a transaction that waited too long for a lock and then answers its
 * next call with INVALID_ARGUMENT "Transaction is invalid or closed", which the SDK does not
 * retry; production answers ABORTED, which it does. On the emulator such a transaction is run
 * again from the start, as the SDK would run an aborted one, so contention under load is a delay,
 * never a 500.
 */
export function retryClosedTransactions(target: Firestore, attempts = 5): void {
  const run = target.runTransaction.bind(target);
  target.runTransaction = (async (update: Parameters<Firestore['runTransaction']>[0], options?: Parameters<Firestore['runTransaction']>[1]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(update, options);
      } catch (error) {
        if (attempt >= attempts || !isClosedTransaction(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
      }
    }
  }) as Firestore['runTransaction'];
}

export function isClosedTransaction(error: unknown): boolean {
  const { code, details } = (error ?? {}) as { code?: unknown; details?: unknown };
  return code === 3 && typeof details === 'string' && /transaction is invalid or closed/i.test(details);
}
