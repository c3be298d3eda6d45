/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_FIREBASE_PROJECT_ID?: string;
  readonly VITE_FIREBASE_API_KEY?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

/** True only in builds for a `demo-*` project, which exists only on the emulators (vite.config.ts). */
declare const __USES_EMULATORS__: boolean;
