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
  app = isEmulator()
    ? initializeApp({ projectId, serviceAccountId: `emulator@${projectId}.iam.gserviceaccount.com` }, 'smspay')
    : initializeApp(undefined, 'smspay');
  return app;
}

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (db) return db;
  db = getFirestore(adminApp());
  db.settings({ ignoreUndefinedProperties: true });
  return db;
}
