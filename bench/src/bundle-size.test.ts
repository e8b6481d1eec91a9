/**
 * Size ceilings and tree shaking, checked on every test run: the bundles of bench scenario 7 must stay under a
 * ceiling (today's size plus about 10%; raise it on purpose, in the same commit that explains the growth), and a
 * package imported for nothing must add nothing, which is what `sideEffects: false` and "no module-scope work"
 * promise. Sizes are bytes of esbuild output, deterministic for a given lockfile: no timing is involved.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BROWSER_BUNDLE, bundleSize } from './scenarios/bundle.ts';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `contents` like scenario 7 does (browser, ESM, minified, from the packages' TypeScript source). */
async function bundle(contents: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    ...BROWSER_BUNDLE,
    stdin: { contents, resolveDir: benchRoot, loader: 'js' },
    conditions: ['@pmcp/source'],
  });
  return result.outputFiles[0]?.text ?? '';
}

const PACKAGES = [
  '@pmcp/types',
  '@pmcp/auth',
  '@pmcp/jsonrpc',
  '@pmcp/client',
  '@pmcp/server',
  '@pmcp/transport-http',
  '@pmcp/parse-wasm',
  '@pmcp/middleware',
  '@pmcp/transport-ws',
];

describe('bundle size ceilings (esbuild for the browser, minified + gzip level 9)', () => {
  it.each([
    ['browser-client', 38 * 1024],
    ['client-core', 26 * 1024],
    ['web-server', 151 * 1024],
    ['server-core', 137 * 1024],
  ] as const)('%s stays under its ceiling', async (kind, ceiling) => {
    const { gzipped } = await bundleSize('pmcp', kind);
    expect(gzipped, `${kind}: ${gzipped} bytes gzipped`).toBeLessThan(ceiling);
  });
});

describe('tree shaking', () => {
  it.each(PACKAGES)('importing %s for nothing adds nothing', async (name) => {
    expect(await bundle(`import '${name}';`)).toBe('');
  });

  it('one error class of @pmcp/jsonrpc costs a few KB, not the engine', async () => {
    const code = await bundle(`import { McpError } from '@pmcp/jsonrpc'; globalThis.McpError = McpError;`);
    expect(gzipSync(code).byteLength).toBeLessThan(2 * 1024);
    expect(code).not.toContain('RpcEngine');
  });

  it('the browser client carries no WebAssembly, no zod and no Node built-ins', async () => {
    const code = await bundle(
      `import { createClient } from '@pmcp/client';
       import { httpClientTransport } from '@pmcp/transport-http';
       const client = createClient({ name: 'c', version: '1' });
       await client.connect(httpClientTransport('/mcp'));
       console.log(await client.listTools());`,
    );
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/WebAssembly\./);
    expect(code).not.toMatch(/\bZodError\b|\$ZodType/);
    expect(code).not.toMatch(/["']node:/);
  });
});
