import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  // platform 'node' would otherwise emit .mjs/.d.mts, while package.json exports dist/index.js and .d.ts.
  fixedExtension: false,
  dts: true,
  sourcemap: true,
  clean: true,
});
