import { isMcpError } from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRequestStateCodec,
  type RequestStateBinding,
  type RequestStateContent,
} from './request-state.ts';

const binding: RequestStateBinding = {
  method: 'tools/call',
  target: 'transfer',
  argumentsDigest: 'args',
  subject: undefined,
};

const codec = createRequestStateCodec({ keys: ['property-test-key-of-32-bytes!!!'], ttlMs: 600_000 });

const contentArbitrary: fc.Arbitrary<RequestStateContent> = fc.record({
  answers: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.record({ questionDigest: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 2 }) }),
    { maxKeys: 3 },
  ),
  asked: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), {
    maxKeys: 3,
  }),
  memory: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 3,
  }),
});

async function isRefused(token: string): Promise<boolean> {
  try {
    await codec.open(token, binding);
    return false;
  } catch (error) {
    return isMcpError(error) && error.code === -32602;
  }
}

/** Every way a client could change the bytes it was given. */
const modification = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    by: fc.integer({ min: 0x20, max: 0x7e }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), by: fc.constant(0) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), by: fc.integer({ min: 0x20, max: 0x7e }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), by: fc.constant(0) }),
);

function modify(token: string, change: { kind: string; at: number; by: number }): string {
  const at = change.at % (token.length + (change.kind === 'insert' ? 1 : 0));
  const char = String.fromCharCode(change.by);
  switch (change.kind) {
    case 'replace':
      return token.slice(0, at) + char + token.slice(at + 1);
    case 'delete':
      return token.slice(0, at) + token.slice(at + 1);
    case 'insert':
      return token.slice(0, at) + char + token.slice(at);
    default:
      return token.slice(0, at);
  }
}

describe('requestState integrity (property)', () => {
  it('opens every state it sealed', async () => {
    await fc.assert(
      fc.asyncProperty(contentArbitrary, async (content) => {
        const token = await codec.seal(binding, content);
        const opened = await codec.open(token, binding);
        expect(JSON.stringify(opened)).toBe(JSON.stringify(JSON.parse(JSON.stringify(content))));
      }),
      { numRuns: 100, interruptAfterTimeLimit: 10_000 },
    );
  });

  it('refuses any modification of its characters with -32602', async () => {
    await fc.assert(
      fc.asyncProperty(
        contentArbitrary,
        fc.array(modification, { minLength: 1, maxLength: 3 }),
        async (content, changes) => {
          const token = await codec.seal(binding, content);
          const modified = changes.reduce(modify, token);
          fc.pre(modified !== token);
          expect(await isRefused(modified)).toBe(true);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('refuses any single flipped bit of the decoded payload or signature', async () => {
    const token = await codec.seal(binding, {
      answers: { k: { questionDigest: 'd', value: 1 } },
      asked: {},
      memory: {},
    });
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const decode = (text: string): Uint8Array =>
      Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
    const encode = (bytes: Uint8Array): string =>
      btoa(String.fromCharCode(...bytes))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, '');
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (inPayload, at, bit) => {
        const bytes = decode(inPayload ? payload : mac);
        const index = at % bytes.length;
        bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
        const modified = inPayload
          ? `${version}.${encode(bytes)}.${mac}`
          : `${version}.${payload}.${encode(bytes)}`;
        expect(await isRefused(modified)).toBe(true);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
  });
});
