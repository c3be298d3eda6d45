import { defineConfig } from 'vitest/config';

// Unit tiers only; the emulator tier has its own config in tests/.
export default defineConfig({
  test: {
    projects: ['functions', 'web'],
  },
});
