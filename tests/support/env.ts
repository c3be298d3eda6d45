/** Where the emulators listen during `npm test` (see firebase.json). */
export const PROJECT_ID = process.env.GCLOUD_PROJECT ?? 'demo-smspay-test';
export const BASE_URL = 'http://127.0.0.1:5000';
export const API = `${BASE_URL}/api/v1`;
