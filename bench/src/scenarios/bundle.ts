/**
 * Scenario 7: bundle size. Each entry in bundle-entries/ is bundled with esbuild for the browser (ESM,
 * minified, tree-shaken from the SDK's published entry points) and gzipped at level 9.
 * pmcp is bundled from its packages' TypeScript source through the "@pmcp/source" condition, or from dist
 * when the harness runs with --pmcp-from=dist.
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pmcpBuild } from '../children.ts';
import type { BenchCase, MetricSpec, Scenario, SdkId } from '../types.ts';

const MINIFIED: MetricSpec = { key: 'minified', label: 'minified', unit: 'KB', better: 'lower' };
const GZIPPED: MetricSpec = { key: 'gzipped', label: 'minified + gzip', unit: 'KB', better: 'lower' };

type EntryKind = 'browser-client' | 'web-server' | 'client-core' | 'server-core';

const TITLES: Record<EntryKind, string> = {
  'browser-client': 'browser client: HTTP transport, connect, list + call tools',
  'web-server': 'web-standard server (fetch handler), one tool',
  'client-core': 'client without a transport (connect, list + call tools)',
  'server-core': 'server without a transport, one tool',
};

/** The esbuild settings of scenario 7: for the browser, ESM, minified, tree-shaken. */
export const BROWSER_BUNDLE = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
} as const;

/** Bundles one entry; returns its minified and gzipped sizes in bytes. */
export async function bundleSize(
  sdk: SdkId,
  kind: EntryKind,
): Promise<{ minified: number; gzipped: number }> {
  const { build } = await import('esbuild');
  const entry = fileURLToPath(new URL(`../../bundle-entries/${sdk}-${kind}.js`, import.meta.url));
  const result = await build({
    ...BROWSER_BUNDLE,
    entryPoints: [entry],
    conditions: sdk === 'pmcp' && pmcpBuild() === 'source' ? ['@pmcp/source'] : [],
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: output.byteLength, gzipped: gzipSync(output, { level: 9 }).byteLength };
}

function bundleCase(kind: EntryKind): BenchCase {
  return {
    id: `bundle-${kind}`,
    title: TITLES[kind],
    metrics: [MINIFIED, GZIPPED],
    runs: 1,
    async prepare(sdk) {
      if (sdk === 'floor' && (kind === 'client-core' || kind === 'server-core')) {
        return { unavailable: 'the floor has no transport-less core' };
      }
      let sizes: { minified: number; gzipped: number };
      try {
        sizes = await bundleSize(sdk, kind);
      } catch (error) {
        const message =
          (error as { errors?: { text: string }[] }).errors?.[0]?.text ?? (error as Error).message;
        // A pmcp package or export that has not landed yet is expected; anything else is a real failure.
        if (sdk === 'pmcp' && /Could not resolve "@pmcp\/|No matching export/.test(message)) {
          return { unavailable: `not available yet: ${message}` };
        }
        throw error;
      }
      return {
        ...(sdk === 'pmcp' ? { note: `from ${pmcpBuild()}` } : {}),
        warmup: async () => {},
        run: async () => ({ minified: sizes.minified / 1024, gzipped: sizes.gzipped / 1024 }),
        dispose: async () => {},
      };
    },
  };
}

/** Scenario 7. */
export const bundleScenario: Scenario = {
  id: '7',
  title: 'bundle size (esbuild, browser, minified + gzip -9)',
  cases: () => (['browser-client', 'web-server', 'client-core', 'server-core'] as const).map(bundleCase),
};
