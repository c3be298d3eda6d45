import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { isEmulator } from '../params';

let app: App | undefined;

/**
 * The Admin app, created on first use. On the emulators it is given a service account id so
 * that task enqueueing never asks the cloud metadata server who we are.
 */
export function adminApp(): App {
  if (app) return app;
  const existing = getApps()[0];
  if (existing) return (app = existing);
  const projectId = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
  app = isEmulator()
    ? initializeApp({ projectId, serviceAccountId: `emulator@${projectId}.iam.gserviceaccount.com` })
    : initializeApp();
  return app;
}

let db: Firestore | undefined;

export function firestore(): Firestore {
  if (db) return db;
  db = getFirestore(adminApp());
  db.settings({ ignoreUndefinedProperties: true });
  return db;
}
