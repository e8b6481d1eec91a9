import { isMcpError } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  createRequestStateCodec,
  digestJson,
  type RequestStateBinding,
  type RequestStateContent,
} from './request-state.ts';

const KEY = 'k'.repeat(32);
const OTHER_KEY = 'o'.repeat(32);

const binding: RequestStateBinding = {
  method: 'tools/call',
  target: 'book',
  argumentsDigest: 'digest-of-args',
  subject: undefined,
};

const content: RequestStateContent = {
  answers: { user_name: { questionDigest: 'q1', value: { action: 'accept', content: { name: 'Ada' } } } },
  asked: { confirm: 'q2' },
  memory: { orderId: 'o-17' },
};

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: number; message: string; reason: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (!isMcpError(error)) throw error;
    return { code: error.code, message: error.message, reason: (error.data as { reason?: unknown }).reason };
  }
  throw new Error('expected the state to be refused');
}

describe('createRequestStateCodec', () => {
  it('opens what it sealed, for the same request', async () => {
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    const token = await codec.seal(binding, content);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await codec.open(token, binding)).toEqual(content);
  });

  it('refuses a modified state with -32602 (tampered)', async () => {
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    const token = await codec.seal(binding, content);
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const forged = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/')));
    forged.m = 'tools/call';
    forged.r.user_name.v.content.name = 'Mallory';
    const forgedPayload = btoa(JSON.stringify(forged))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    const refused = await rejection(codec.open(`${version}.${forgedPayload}.${mac}`, binding));
    expect(refused).toMatchObject({ code: -32602, reason: 'tampered' });
    expect(refused.message).toContain('integrity check failed');
    expect(refused.message).toContain('without requestState');
  });

  it('refuses the conformance suite tampering (a suffix) and garbage as malformed or tampered', async () => {
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    const token = await codec.seal(binding, content);
    for (const bad of [`${token}-TAMPERED`, '', 'hello', 'v1..', `${token}.x`, 'v2.e30.AAAA']) {
      const refused = await rejection(codec.open(bad, binding));
      expect(refused.code).toBe(-32602);
      expect(['malformed', 'tampered']).toContain(refused.reason);
    }
  });

  it('refuses a state signed with another key, and accepts older keys after rotation', async () => {
    const old = createRequestStateCodec({ keys: [OTHER_KEY], ttlMs: 60_000 });
    const token = await old.seal(binding, content);
    const strict = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    expect(await rejection(strict.open(token, binding))).toMatchObject({ reason: 'tampered' });
    const rotated = createRequestStateCodec({ keys: [KEY, OTHER_KEY], ttlMs: 60_000 });
    expect(await rotated.open(token, binding)).toEqual(content);
    // The first key signs.
    expect(await strict.open(await rotated.seal(binding, content), binding)).toEqual(content);
  });

  it('refuses an expired state', async () => {
    let now = 1_000_000;
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 5_000, now: () => now });
    const token = await codec.seal(binding, content);
    now += 5_000;
    expect(await codec.open(token, binding)).toEqual(content);
    now += 1;
    const refused = await rejection(codec.open(token, binding));
    expect(refused).toMatchObject({ code: -32602, reason: 'expired' });
    expect(refused.message).toContain(new Date(1_005_000).toISOString());
  });

  it.each([
    ['another method', { method: 'prompts/get' }, 'issued for tools/call "book"'],
    ['another target', { target: 'cancel' }, 'not for tools/call "cancel"'],
    ['other arguments', { argumentsDigest: 'other' }, 'with other arguments'],
    ['another principal', { subject: 'eve' }, 'another principal'],
  ])('refuses a state presented for %s (foreign)', async (_label, change, fragment) => {
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    const token = await codec.seal(binding, content);
    const refused = await rejection(codec.open(token, { ...binding, ...change }));
    expect(refused).toMatchObject({ code: -32602, reason: 'foreign' });
    expect(refused.message).toContain(fragment);
  });

  it('binds the principal when there is one', async () => {
    const codec = createRequestStateCodec({ keys: [KEY], ttlMs: 60_000 });
    const token = await codec.seal({ ...binding, subject: 'alice' }, content);
    expect(await codec.open(token, { ...binding, subject: 'alice' })).toEqual(content);
    expect(await rejection(codec.open(token, binding))).toMatchObject({ reason: 'foreign' });
  });

  it('makes a random key when none is given: its own states open, another server cannot open them', async () => {
    const first = createRequestStateCodec({ keys: [], ttlMs: 60_000 });
    const second = createRequestStateCodec({ keys: [], ttlMs: 60_000 });
    const token = await first.seal(binding, content);
    expect(await first.open(token, binding)).toEqual(content);
    expect(await rejection(second.open(token, binding))).toMatchObject({ reason: 'tampered' });
  });

  it('refuses keys shorter than 32 bytes', () => {
    expect(() => createRequestStateCodec({ keys: ['short'], ttlMs: 1 })).toThrow(/at least 32 bytes/);
    expect(() => createRequestStateCodec({ keys: [new Uint8Array(31)], ttlMs: 1 })).toThrow(/got 31/);
    expect(() => createRequestStateCodec({ keys: [new Uint8Array(32)], ttlMs: 1 })).not.toThrow();
  });
});

describe('canonicalJson and digestJson', () => {
  it('ignore key order and undefined members', async () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(await digestJson({ x: 1, y: 2 })).toBe(await digestJson({ y: 2, x: 1 }));
    expect(await digestJson({ x: 1 })).not.toBe(await digestJson({ x: 2 }));
    expect(await digestJson({ x: 1 })).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
