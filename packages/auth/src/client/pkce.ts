/** PKCE (RFC 7636) with S256, on Web Crypto. */

/**
 * A PKCE pair: the secret `verifier` kept by the client and the `challenge` sent in the authorization request.
 *
 * @example
 * ```ts
 * import { createPkcePair, type PkcePair } from '@pmcp/auth';
 *
 * const pair: PkcePair = await createPkcePair();
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4
 */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/**
 * Base64url without padding (RFC 4648 §5), the encoding of PKCE values, `state` and CIMD-free client secrets.
 *
 * @example
 * ```ts
 * import { base64url } from '@pmcp/auth';
 *
 * base64url(new Uint8Array([251, 255])); // '-_8'
 * ```
 */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The S256 code challenge of a verifier: `BASE64URL(SHA256(ASCII(verifier)))`.
 *
 * @example
 * ```ts
 * import { s256CodeChallenge } from '@pmcp/auth';
 *
 * await s256CodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' (RFC 7636 appendix B)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function s256CodeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * A fresh PKCE pair: a 43-character verifier from 32 random bytes (256 bits, the RFC's recommendation) and its
 * S256 challenge.
 *
 * @example
 * ```ts
 * import { createPkcePair } from '@pmcp/auth';
 *
 * const { verifier, challenge } = await createPkcePair();
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomToken();
  return { verifier, challenge: await s256CodeChallenge(verifier), method: 'S256' };
}

/** 32 random bytes, base64url: a PKCE verifier or an unguessable `state`. */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}
