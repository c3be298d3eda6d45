import { defineConfig } from 'vitest/config';

// The CARD_PROVIDER=stripe run: its own emulator project, scripts/test.mjs runs it after the main one.
export default defineConfig({
  test: {
    name: 'stripe',
    include: ['tests/stripe/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
