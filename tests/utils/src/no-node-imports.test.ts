/**
 * Repository-wide: the library code of every published package runs in browsers, Deno and Workers, so `node:*`
 * may only appear in @pmcp/transport-stdio, in the `./node` subpaths of @pmcp/transport-http and
 * @pmcp/transport-ws, and in tests, test helpers, build scripts and benchmarks (none of which are part of a
 * package's browser entry points).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const packagesDir = join(repoRoot, 'packages');

/** Where node:* is the point: stdio is a Node transport, the `node` folders are Node adapters and servers. */
const NODE_ALLOWED = [
  'packages/transport-stdio/',
  'packages/transport-http/src/node/',
  'packages/transport-ws/src/node/',
];

function librarySources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__') found.push(...librarySources(path));
    } else if (
      entry.name.endsWith('.ts') &&
      !/\.(test|test-d|prop\.test|test-helper)\.ts$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts') &&
      entry.name !== 'test-helpers.ts'
    ) {
      found.push(path);
    }
  }
  return found;
}

describe('library sources of every package', () => {
  const files = readdirSync(packagesDir).flatMap((name) => {
    const src = join(packagesDir, name, 'src');
    try {
      return librarySources(src);
    } catch {
      return [];
    }
  });

  it('were found (the scan itself works)', () => {
    const names = files.map((file) => relative(repoRoot, file));
    expect(names).toContain('packages/jsonrpc/src/index.ts');
    expect(names).toContain('packages/auth/src/index.ts');
    expect(names.length).toBeGreaterThan(50);
  });

  it('import nothing from node:* outside the Node-only places', () => {
    const offenders = files
      .map((file) => relative(repoRoot, file))
      .filter((name) => !NODE_ALLOWED.some((allowed) => name.startsWith(allowed)))
      .filter((name) =>
        /from ['"]node:|import\(['"]node:|require\(/.test(readFileSync(join(repoRoot, name), 'utf8')),
      );
    expect(offenders).toEqual([]);
  });
});
