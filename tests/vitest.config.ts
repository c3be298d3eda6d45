import { defineConfig } from 'vitest/config';

// Integration and e2e tiers: run inside `firebase emulators:exec` by scripts/test.mjs.
export default defineConfig({
  test: {
    name: 'emulators',
    include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['default'],
  },
});
