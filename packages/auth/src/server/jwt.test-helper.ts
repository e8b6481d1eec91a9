/**
 * For the resource-server tests: an authorization server's signing keys, access tokens signed with them, and a
 * JWKS endpoint on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export const ISSUER = 'https://auth.example.com';
export const RESOURCE = 'https://mcp.example.com/mcp';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

export interface TokenOptions {
  /** Claims besides the defaults (iss, aud, sub, client_id, scope, iat, exp); `undefined` removes a default. */
  claims?: Record<string, unknown>;
  alg?: string;
  typ?: string;
  /** Seconds from now; negative for an expired token. Default one hour. */
  expiresIn?: number;
}

/** An access token as an authorization server would issue it for {@link RESOURCE}. */
export async function accessToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    aud: RESOURCE,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'notes:read',
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({
      alg: options.alg ?? key.publicJwk.alg ?? 'ES256',
      kid: key.kid,
      ...(options.typ === undefined ? {} : { typ: options.typ }),
    })
    .sign(key.privateKey);
}

export interface JwksServer {
  readonly url: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  /** What the endpoint answers next: the keys, or an HTTP status to fail with. */
  serve(answer: { keys: JWK[] } | number): void;
  close(): Promise<void>;
}

/** A JWKS endpoint on 127.0.0.1 (a random port). */
export async function jwksServer(keys: JWK[]): Promise<JwksServer> {
  let answer: { keys: JWK[] } | number = { keys };
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches++;
    if (typeof answer === 'number') {
      response.writeHead(answer).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetches() {
      return fetches;
    },
    serve(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
