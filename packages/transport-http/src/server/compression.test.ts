/**
 * Compression: JSON answers compressed when asked for (opt-in), SSE never; compressed request bodies decoded
 * with the size limit on the decoded bytes; the client's opt-in gzip of request bodies with a fallback on 415.
 */
import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClientTransport } from '../client/http-client-transport.ts';
import { listen } from '../node/listen.ts';
import { compressBytes, negotiateCoding, requestCoding } from '../shared/content-coding.ts';
import {
  expectSpecValid,
  fixtureServer,
  META,
  MODERN,
  modernHeaders,
  modernRequest,
  postRequest,
} from './__fixtures__/harness.ts';
import { readMessage } from './body.ts';
import { createHttpHandler, type HttpHandler } from './handler.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function track(handler: HttpHandler): HttpHandler {
  cleanups.push(() => handler.close());
  return handler;
}

const encoder = new TextEncoder();

/** A server whose tools/list is a few KB of JSON. */
function manyTools() {
  const server = createServer({ name: 'catalog', version: '1.0.0' });
  for (let index = 0; index < 40; index++) {
    server.tool(
      `tool_${index}`,
      { description: `Tool number ${index}, which does thing ${index} well` },
      () => 'ok',
    );
  }
  return server;
}

async function decoded(response: Response): Promise<unknown> {
  const coding = response.headers.get('content-encoding');
  const body = response.body!;
  const stream =
    coding === null ? body : body.pipeThrough(new DecompressionStream(coding as 'gzip' | 'deflate'));
  return JSON.parse(await new Response(stream).text());
}

function withEncoding(request: Request, acceptEncoding: string | undefined): Request {
  const headers = new Headers(request.headers);
  if (acceptEncoding !== undefined) headers.set('accept-encoding', acceptEncoding);
  return new Request(request, { headers });
}

describe('compressed answers (compression: true)', () => {
  it('gzips a JSON answer above the threshold, and it decodes to the uncompressed answer', async () => {
    const plain = track(createHttpHandler(manyTools()));
    const compressing = track(createHttpHandler(manyTools(), { compression: true }));
    const expected = await (await plain(modernRequest(1, 'tools/list'))).json();
    const response = await compressing(withEncoding(modernRequest(1, 'tools/list'), 'gzip, deflate, br'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toContain('Accept-Encoding');
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await decoded(response);
    expect(body).toEqual(expected);
    expectSpecValid(body, MODERN, 'tools/list');
  });

  it('is smaller on the wire than the same answer uncompressed', async () => {
    const compressing = track(createHttpHandler(manyTools(), { compression: true }));
    const gzipped = await compressing(withEncoding(modernRequest(1, 'tools/list'), 'gzip'));
    const identity = await compressing(withEncoding(modernRequest(1, 'tools/list'), 'identity'));
    const gzippedBytes = (await gzipped.arrayBuffer()).byteLength;
    const identityBytes = (await identity.arrayBuffer()).byteLength;
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(gzippedBytes).toBeLessThan(identityBytes / 3);
  });

  it('follows Accept-Encoding preferences and leaves small answers alone', async () => {
    const handler = track(createHttpHandler(manyTools(), { compression: true }));
    const codingFor = async (acceptEncoding: string | undefined) =>
      (await handler(withEncoding(modernRequest(1, 'tools/list'), acceptEncoding))).headers.get(
        'content-encoding',
      );
    expect(await codingFor('deflate')).toBe('deflate');
    expect(await codingFor('gzip;q=0, deflate;q=0.5')).toBe('deflate');
    expect(await codingFor('*')).toBe('gzip');
    expect(await codingFor('br')).toBeNull();
    expect(await codingFor(undefined)).toBeNull();
    const small = await handler(withEncoding(modernRequest(2, 'tools/call', { name: 'tool_0' }), 'gzip'));
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(small.headers.get('vary')).toContain('Accept-Encoding');
    expect(await small.json()).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: 'ok' }] } });
  });

  it('honours a custom threshold', async () => {
    const handler = track(createHttpHandler(manyTools(), { compression: { threshold: 0 } }));
    const small = await handler(withEncoding(modernRequest(2, 'tools/call', { name: 'tool_0' }), 'gzip'));
    expect(small.headers.get('content-encoding')).toBe('gzip');
    expect(await decoded(small)).toMatchObject({
      id: 2,
      result: { content: [{ type: 'text', text: 'ok' }] },
    });
  });

  it('never compresses an SSE stream, whose events must not wait for a compressor', async () => {
    const handler = track(createHttpHandler(fixtureServer().server, { compression: { threshold: 0 } }));
    const response = await handler(
      withEncoding(
        modernRequest(3, 'tools/call', { name: 'progress', _meta: { progressToken: 'p' } }),
        'gzip',
      ),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toContain('"done"');
  });

  it('is off by default', async () => {
    const handler = track(createHttpHandler(manyTools()));
    const response = await handler(withEncoding(modernRequest(1, 'tools/list'), 'gzip'));
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('vary') ?? '').not.toContain('Accept-Encoding');
  });

  it('rejects a bad compression option with a TypeError naming it', () => {
    expect(() => createHttpHandler(manyTools(), { compression: { threshold: -1 } })).toThrow(
      /compression\.threshold must be an integer of at least 0/,
    );
    expect(() => createHttpHandler(manyTools(), { compression: 'gzip' as never })).toThrow(
      /compression must be true, false or an object/,
    );
  });

  it('fetch (undici) asks for and decodes compressed answers over a real socket', async () => {
    const handler = track(createHttpHandler(manyTools(), { compression: true }));
    const running = await listen(handler);
    cleanups.push(() => running.close());
    const codings: (string | null)[] = [];
    const client = createClient({ name: 'c', version: '1' });
    const transport = httpClientTransport(running.url, {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        codings.push(response.headers.get('content-encoding'));
        return response;
      },
    });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(40);
    expect(codings).toContain('gzip');
  });
});

describe('compressed request bodies', () => {
  async function compressedRequest(
    body: unknown,
    coding: 'gzip' | 'deflate',
    extra: Record<string, string> = {},
  ) {
    const bytes = await compressBytes(encoder.encode(JSON.stringify(body)), coding);
    return new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: {
        ...modernHeaders('tools/call', { 'mcp-name': 'echo' }),
        'content-encoding': coding,
        ...extra,
      },
      body: bytes,
    });
  }
  const echo = {
    jsonrpc: '2.0',
    id: 7,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'squeezed' }, _meta: META },
  };

  it.each(['gzip', 'deflate'] as const)('decodes a %s body', async (coding) => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const expected = await (
      await handler(modernRequest(7, 'tools/call', { name: 'echo', arguments: { text: 'squeezed' } }))
    ).json();
    expect(expected).toMatchObject({ result: { content: [{ type: 'text', text: 'squeezed' }] } });
    const response = await handler(await compressedRequest(echo, coding));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
  });

  it('answers a corrupt body with 400 -32700 that names the coding', async () => {
    const handler = track(createHttpHandler(fixtureServer().server));
    const response = await handler(
      postRequest('definitely not gzip', { ...modernHeaders('ping'), 'content-encoding': 'gzip' }),
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe(-32700);
    expect(body.error.message).toContain('not valid gzip data');
  });

  it.each(['br', 'gzip, gzip', 'zstd'])(
    'answers Content-Encoding %s with 415 and the codings it accepts',
    async (coding) => {
      const handler = track(createHttpHandler(fixtureServer().server));
      const response = await handler(
        postRequest('{}', { ...modernHeaders('ping'), 'content-encoding': coding }),
      );
      expect(response.status).toBe(415);
      expect(response.headers.get('accept-encoding')).toBe('gzip, deflate');
      expect((await response.json()).error.message).toContain('Content-Encoding gzip or deflate');
    },
  );

  it('applies maxBodyBytes to the decoded size: a small bomb gets 413', async () => {
    const handler = track(createHttpHandler(fixtureServer().server, { maxBodyBytes: 64 * 1024 }));
    // 16 MiB of spaces gzip to about 16 KB.
    const bomb = await compressBytes(new Uint8Array(16 * 1024 * 1024).fill(32), 'gzip');
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const response = await handler(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { ...modernHeaders('ping'), 'content-encoding': 'gzip' },
        body: bomb,
      }),
    );
    expect(response.status).toBe(413);
  });

  it('decodes the same message however the compressed body is chunked (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.constantFrom<'gzip' | 'deflate'>('gzip', 'deflate'),
        fc.array(fc.nat({ max: 64 }), { maxLength: 8 }),
        async (value, coding, cuts) => {
          const message = {
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'x', arguments: { value } },
          };
          const bytes = await compressBytes(encoder.encode(JSON.stringify(message)), coding);
          const points = [...new Set(cuts.map((cut) => Math.min(cut, bytes.byteLength)))].sort(
            (a, b) => a - b,
          );
          const pieces: Uint8Array[] = [];
          let start = 0;
          for (const point of [...points, bytes.byteLength]) {
            pieces.push(bytes.subarray(start, point));
            start = point;
          }
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const piece of pieces) if (piece.byteLength > 0) controller.enqueue(piece);
              controller.close();
            },
          });
          const request = new Request('http://127.0.0.1/mcp', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-encoding': coding },
            body,
            duplex: 'half',
          } as RequestInit);
          const result = await readMessage(request, 1024 * 1024);
          expect(result.ok && result.message).toEqual(JSON.parse(JSON.stringify(message)));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('coding negotiation', () => {
  it('reads Accept-Encoding with qualities and wildcards, and Content-Encoding lists', () => {
    expect(negotiateCoding('gzip')).toBe('gzip');
    expect(negotiateCoding('x-gzip')).toBe('gzip');
    expect(negotiateCoding('deflate, gzip')).toBe('gzip');
    expect(negotiateCoding('gzip;q=0')).toBeUndefined();
    expect(negotiateCoding('*;q=0.1')).toBe('gzip');
    expect(negotiateCoding('*, gzip;q=0')).toBe('deflate');
    expect(negotiateCoding('identity')).toBeUndefined();
    expect(negotiateCoding('')).toBeUndefined();
    expect(requestCoding(null)).toBe('identity');
    expect(requestCoding('identity')).toBe('identity');
    expect(requestCoding('GZIP')).toBe('gzip');
    expect(requestCoding('deflate')).toBe('deflate');
    expect(requestCoding('br')).toBeUndefined();
    expect(requestCoding('gzip, deflate')).toBeUndefined();
  });
});

describe('client: compressRequests', () => {
  it('gzips large POST bodies for a pmcp server, which answers them', async () => {
    const handler = track(createHttpHandler(manyTools()));
    const running = await listen(handler);
    cleanups.push(() => running.close());
    const sent: (string | null)[] = [];
    const transport = httpClientTransport(running.url, {
      compressRequests: { threshold: 0 },
      fetch: (input, init) => {
        if (init?.method === 'POST') sent.push(new Headers(init.headers).get('content-encoding'));
        return fetch(input, init);
      },
    });
    const client = createClient({ name: 'c', version: '1' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools).toHaveLength(40);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((coding) => coding === 'gzip')).toBe(true);
  });

  it('after a 415 to a compressed body, sends it again uncompressed and stops compressing', async () => {
    const handler = track(createHttpHandler(manyTools()));
    const sent: (string | null)[] = [];
    const running = await listen(async (request) => {
      sent.push(request.headers.get('content-encoding'));
      // A server that does not decode request bodies.
      if (request.headers.has('content-encoding')) return new Response('no codings here', { status: 415 });
      return handler(request);
    });
    cleanups.push(() => running.close());
    const warnings: Error[] = [];
    const transport = httpClientTransport(running.url, { compressRequests: { threshold: 0 }, era: 'modern' });
    const client = createClient({ name: 'c', version: '1' });
    client.onerror = (error) => warnings.push(error);
    await client.connect(transport);
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools).toHaveLength(40);
    expect((await client.callTool('tool_0', {})).content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(sent[0]).toBe('gzip');
    expect(sent.slice(1).every((coding) => coding === null)).toBe(true);
    expect(sent.filter((coding) => coding === 'gzip')).toHaveLength(1);
    expect(warnings.map((warning) => warning.message).join('\n')).toContain(
      'refused a gzip-compressed request body',
    );
  });

  it('rejects a bad compressRequests option', () => {
    expect(() =>
      httpClientTransport('http://127.0.0.1/mcp', { compressRequests: { threshold: -1 } }),
    ).toThrow(/compressRequests must be true, false or \{ threshold \}/);
  });
});
