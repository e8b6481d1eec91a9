import { defineConfig } from 'vitest/config';

// Tests run on source: the "@pmcp/source" export condition points every @pmcp/* import at src/*.ts,
// so no build is needed before `vitest run`.
export default defineConfig({
  resolve: { conditions: ['@pmcp/source'] },
  ssr: { resolve: { conditions: ['@pmcp/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'tests/*/**/*.test.ts',
      'examples/*/**/*.test.ts',
      'bench/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
