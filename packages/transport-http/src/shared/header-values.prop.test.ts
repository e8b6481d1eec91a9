import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, encodeHeaderValue } from './header-values.ts';

/** No lone surrogates (`String.prototype.isWellFormed` is ES2024, newer than the compile target). */
function isWellFormed(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

const RUNS = { numRuns: 500, interruptAfterTimeLimit: 5000 };
// Strings the encoder must be exact for: any well-formed UTF-16 (lone surrogates have no UTF-8 form).
const text = fc.string({ unit: 'binary', maxLength: 64 }).filter(isWellFormed);
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
});

describe('header value encoding (properties)', () => {
  it('round-trips every well-formed string', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(decodeHeaderValue(encodeHeaderValue(value))).toEqual({ ok: true, value });
      }),
      RUNS,
    );
  });

  it('always produces a value a Headers object carries unchanged', () => {
    fc.assert(
      fc.property(text, (value) => {
        const encoded = encodeHeaderValue(value);
        expect(encoded).toMatch(/^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/);
        const headers = new Headers({ 'Mcp-Param-X': encoded });
        expect(headers.get('mcp-param-x')).toBe(encoded);
      }),
      RUNS,
    );
  });

  it('leaves visible ASCII without edge spaces or the sentinel shape untouched, and encodes everything else', () => {
    fc.assert(
      fc.property(fc.oneof(printable, text), (value) => {
        const plain =
          /^[\x20-\x7e]*$/.test(value) &&
          !value.startsWith(' ') &&
          !value.endsWith(' ') &&
          !(value.startsWith('=?base64?') && value.endsWith('?=') && value.length >= 11);
        expect(encodeHeaderValue(value) === value).toBe(plain);
      }),
      RUNS,
    );
  });

  it('round-trips safe integers and booleans through their decimal and true/false forms', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.boolean()), (value) => {
        expect(decodeHeaderValue(encodeHeaderValue(value))).toEqual({ ok: true, value: String(value) });
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary header input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          printable.map((value) => `=?base64?${value}?=`),
        ),
        (raw) => {
          const decoded = decodeHeaderValue(raw);
          expect(typeof decoded.ok).toBe('boolean');
        },
      ),
      RUNS,
    );
  });
});
