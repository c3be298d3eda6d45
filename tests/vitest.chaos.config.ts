import { defineConfig } from 'vitest/config';

// The chaos tier (tests/chaos): kills functions-emulator workers mid-work, so it runs on its own,
// inside `firebase emulators:exec`, after the integration tier:
//   firebase emulators:exec --project demo-smspay-test --only firestore,auth,functions,tasks,hosting \
//     'npx vitest run --config tests/vitest.chaos.config.ts'
export default defineConfig({
  test: {
    name: 'chaos',
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['default'],
  },
});
