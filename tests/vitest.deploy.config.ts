import { defineConfig } from 'vitest/config';

// The deploy check: stages `.deploy/` and installs the functions source offline, no emulators.
export default defineConfig({
  test: {
    name: 'deploy',
    include: ['tests/deploy/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
