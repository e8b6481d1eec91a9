/**
 * The handler must run on any runtime with web standards: its whole import graph bundles for the browser
 * platform, where a `node:*` import (or a Node global such as Buffer) fails the build.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the server handler bundle', () => {
  it('builds for the browser platform with no node:* import in its graph', async () => {
    const result = await build({
      entryPoints: [new URL('./handler.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      conditions: ['@pmcp/source'],
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.endsWith('server/handler.ts'))).toBe(true);
    expect(inputs.filter((path) => path.startsWith('node:') || path.includes('/node/'))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from\s*["']node:/);
    expect(code).not.toMatch(/\bBuffer\./);
  });
});
