import { defineConfig } from 'vitest/config';

// The root vitest config only collects packages/, tests/, apps/ and examples/; this one lets the harness
// smoke test run on its own (`pnpm --filter @pmcp/bench test`) with the same source condition.
export default defineConfig({
  resolve: { conditions: ['@pmcp/source'] },
  ssr: { resolve: { conditions: ['@pmcp/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
