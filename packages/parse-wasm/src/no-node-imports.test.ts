import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The library must run in browsers and Workers: node:* belongs in tests, the build script and the benchmark.
describe('library sources', () => {
  it('import nothing from node:*', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const library = readdirSync(dir).filter(
      (name) => name.endsWith('.ts') && !name.includes('.test.') && name !== 'test-helpers.ts',
    );
    expect(library).toContain('index.ts');
    for (const name of library) {
      expect(readFileSync(join(dir, name), 'utf8'), name).not.toMatch(
        /from ['"]node:|import\(['"]node:|require\(/,
      );
    }
  });
});
