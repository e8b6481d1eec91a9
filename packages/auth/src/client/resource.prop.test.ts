import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalResourceUri, isResourceAllowed } from './resource.ts';

const url = fc.webUrl({ withFragments: true, withQueryParameters: true, validSchemes: ['http', 'https'] });

describe('canonicalResourceUri (property)', () => {
  it('is idempotent, fragment-free, lower-case in scheme and host, without a trailing slash', () => {
    fc.assert(
      fc.property(url, (input) => {
        const canonical = canonicalResourceUri(input);
        expect(canonicalResourceUri(canonical)).toBe(canonical);
        const parsed = new URL(canonical);
        expect(parsed.hash).toBe('');
        expect(canonical.startsWith(`${parsed.protocol}//${parsed.host}`)).toBe(true);
        expect(parsed.host).toBe(parsed.host.toLowerCase());
        if (parsed.search === '') expect(canonical.endsWith('/')).toBe(false);
        // Same resource: origin, path (up to trailing slashes) and query survive.
        const original = new URL(input);
        expect(parsed.origin).toBe(original.origin);
        expect(parsed.pathname.replace(/\/+$/, '')).toBe(original.pathname.replace(/\/+$/, ''));
        expect(parsed.search).toBe(original.search);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 4_000 },
    );
  });

  it('makes a URI allowed for itself and for its own canonical form', () => {
    fc.assert(
      fc.property(url, (input) => {
        expect(isResourceAllowed(input, canonicalResourceUri(input))).toBe(true);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 4_000 },
    );
  });
});
