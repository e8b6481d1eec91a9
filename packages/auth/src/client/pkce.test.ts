import { describe, expect, it } from 'vitest';
import { base64url, createPkcePair, s256CodeChallenge } from './pkce.ts';

describe('PKCE S256', () => {
  it('matches the RFC 7636 appendix B test vector', async () => {
    expect(await s256CodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates 43-character unreserved verifiers whose challenge is their S256 hash, fresh each time', async () => {
    const first = await createPkcePair();
    const second = await createPkcePair();
    expect(first.verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(first.method).toBe('S256');
    expect(first.challenge).toBe(await s256CodeChallenge(first.verifier));
    expect(second.verifier).not.toBe(first.verifier);
  });

  it('encodes base64url without padding', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64url(new Uint8Array([]))).toBe('');
  });
});
