import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, encodeHeaderValue } from './header-values.ts';

describe('encodeHeaderValue', () => {
  it('encodes the examples of the spec table', () => {
    expect(encodeHeaderValue('us-west1')).toBe('us-west1');
    expect(encodeHeaderValue('Hello, 世界')).toBe('=?base64?SGVsbG8sIOS4lueVjA==?=');
    expect(encodeHeaderValue(' padded ')).toBe('=?base64?IHBhZGRlZCA=?=');
    expect(encodeHeaderValue('line1\nline2')).toBe('=?base64?bGluZTEKbGluZTI=?=');
    expect(encodeHeaderValue('=?base64?literal?=')).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
  });

  it('keeps inner spaces and the empty string plain, and encodes tabs and other control characters', () => {
    expect(encodeHeaderValue('us west 1')).toBe('us west 1');
    expect(encodeHeaderValue('')).toBe('');
    expect(encodeHeaderValue('\tindented')).toBe(`=?base64?${btoa('\tindented')}?=`);
    expect(encodeHeaderValue('a\tb')).toBe(`=?base64?${btoa('a\tb')}?=`);
    expect(encodeHeaderValue('del\x7f')).toBe(`=?base64?${btoa('del\x7f')}?=`);
    expect(encodeHeaderValue('=?base64?')).toBe('=?base64?');
  });

  it('writes integers as decimals and booleans as true/false, and refuses non-finite numbers', () => {
    expect(encodeHeaderValue(42)).toBe('42');
    expect(encodeHeaderValue(-7)).toBe('-7');
    expect(encodeHeaderValue(true)).toBe('true');
    expect(encodeHeaderValue(false)).toBe('false');
    expect(() => encodeHeaderValue(Number.NaN)).toThrow(RangeError);
    expect(() => encodeHeaderValue(Number.POSITIVE_INFINITY)).toThrow(/no JSON form/);
  });

  it('turns a lone surrogate into U+FFFD (UTF-8 cannot carry it)', () => {
    expect(decodeHeaderValue(encodeHeaderValue('a\uD800b'))).toEqual({ ok: true, value: 'a\uFFFDb' });
  });
});

describe('decodeHeaderValue', () => {
  it('decodes the sentinel and passes plain values through', () => {
    expect(decodeHeaderValue('=?base64?SGVsbG8sIOS4lueVjA==?=')).toEqual({ ok: true, value: 'Hello, 世界' });
    expect(decodeHeaderValue('=?base64?SGk?=')).toEqual({ ok: true, value: 'Hi' });
    expect(decodeHeaderValue('=?base64??=')).toEqual({ ok: true, value: '' });
    expect(decodeHeaderValue('us-west1')).toEqual({ ok: true, value: 'us-west1' });
    expect(decodeHeaderValue('=?base64?')).toEqual({ ok: true, value: '=?base64?' });
  });

  it('rejects malformed Base64, invalid UTF-8 and unsafe plain characters, saying why', () => {
    const badBase64 = decodeHeaderValue('=?base64?%%%?=');
    expect(badBase64.ok).toBe(false);
    expect(!badBase64.ok && badBase64.reason).toContain('not valid Base64');
    expect(decodeHeaderValue('=?base64?SGVsbG8=x?=').ok).toBe(false);
    expect(decodeHeaderValue('=?base64?S?=').ok).toBe(false);
    const invalidUtf8 = decodeHeaderValue(`=?base64?${btoa('\xff\xfe')}?=`);
    expect(!invalidUtf8.ok && invalidUtf8.reason).toContain('not valid UTF-8');
    const control = decodeHeaderValue('a\u0001b');
    expect(!control.ok && control.reason).toContain('U+0001');
    const nonAscii = decodeHeaderValue('Zürich');
    expect(!nonAscii.ok && nonAscii.reason).toContain('U+00FC');
  });
});
