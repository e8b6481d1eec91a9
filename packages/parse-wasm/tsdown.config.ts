import { defineConfig } from 'tsdown';

export default defineConfig({
  // index.workerd.ts imports ../wasm/*.wasm as modules for the Workers runtime to compile; the path is the
  // same from dist/, and wasm/ is published.
  entry: ['src/index.ts', 'src/index.workerd.ts'],
  format: 'esm',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  external: [/\.wasm$/],
});
