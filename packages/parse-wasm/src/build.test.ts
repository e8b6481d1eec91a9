import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWasm, variants } from '../scripts/build-wasm.ts';

const packageDir = new URL('..', import.meta.url).pathname;
const outDir = mkdtempSync(join(tmpdir(), 'parse-wasm-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// Counts a two-byte opcode (0xfd prefix = SIMD) anywhere in the module; a rough but sufficient check that
// the SIMD build really uses v128 compares and the plain one does not.
function countOpcode(module: Uint8Array, prefix: number, opcode: number): number {
  let count = 0;
  for (let index = 0; index + 1 < module.length; index++) {
    if (module[index] === prefix && module[index + 1] === opcode) count++;
  }
  return count;
}

describe('the committed WebAssembly', () => {
  it('is exactly what building assembly/ produces now (run `pnpm --filter @pmcp/parse-wasm build:wasm`)', async () => {
    await buildWasm(outDir);
    for (const { file } of variants) {
      expect(
        Buffer.compare(
          readFileSync(join(outDir, 'wasm', file)),
          readFileSync(join(packageDir, 'wasm', file)),
        ),
        file,
      ).toBe(0);
    }
    expect(readFileSync(join(outDir, 'src', 'wasm-bytes.generated.ts'), 'utf8')).toBe(
      readFileSync(join(packageDir, 'src', 'wasm-bytes.generated.ts'), 'utf8'),
    );
  }, 60_000);

  it('uses SIMD compares in the SIMD build and none in the plain build', () => {
    const simd = readFileSync(join(packageDir, 'wasm', 'scan.simd.wasm'));
    const plain = readFileSync(join(packageDir, 'wasm', 'scan.wasm'));
    const i8x16Eq = 0x23;
    const i8x16Bitmask = 0x64;
    expect(countOpcode(simd, 0xfd, i8x16Eq)).toBeGreaterThan(4);
    expect(countOpcode(simd, 0xfd, i8x16Bitmask)).toBeGreaterThan(2);
    expect(countOpcode(plain, 0xfd, i8x16Eq)).toBe(0);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(simd))).toEqual([]);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(plain))).toEqual([]);
  });
});
