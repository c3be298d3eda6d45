import { getApp, getApps, initializeApp, type FirebaseApp } from 'firebase/app';
import { browserLocalPersistence, connectAuthEmulator, indexedDBLocalPersistence, initializeAuth, type Auth } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';

/** Firebase for the merchant dashboard only. Never import this from payer code. */
export interface FirebaseServices {
  app: FirebaseApp;
  auth: Auth;
  db: Firestore;
}

const projectId = import.meta.env.VITE_FIREBASE_PROJECT_ID || 'demo-smspay';

export const firebaseConfig = {
  projectId,
  apiKey: import.meta.env.VITE_FIREBASE_API_KEY || 'demo-api-key',
  authDomain: `${projectId}.firebaseapp.com`,
};

/** Served by the Hosting emulator (or vite) on this machine: talk to the local emulators. */
export function usesEmulators(hostname: string = location.hostname): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost';
}

let services: FirebaseServices | null = null;

export function firebase(): FirebaseServices {
  if (services) return services;
  const app = getApps().length ? getApp() : initializeApp(firebaseConfig);
  // initializeAuth without a popup/redirect resolver keeps the bundle small (email/password only).
  const auth = initializeAuth(app, { persistence: [indexedDBLocalPersistence, browserLocalPersistence] });
  const db = getFirestore(app);
  if (__USES_EMULATORS__ && usesEmulators()) {
    connectAuthEmulator(auth, 'http://127.0.0.1:9099', { disableWarnings: true });
    connectFirestoreEmulator(db, '127.0.0.1', 8080);
  }
  services = { app, auth, db };
  return services;
}
