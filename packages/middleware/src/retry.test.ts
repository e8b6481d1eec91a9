import {
  type JsonRpcErrorObject,
  type JsonRpcMessage,
  type JsonRpcRequest,
  McpError,
  McpErrorCode,
  RequestCancelledError,
  TransportClosedError,
} from '@pmcp/jsonrpc';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MiddlewareErrorCode } from './errors.ts';
import { FakeTransport, flush } from './fake-transport.test-helper.ts';
import { classify, type RetryContext, type RetryOptions, retry } from './retry.ts';

/** What the peer does with one attempt: reject the send, or answer with a result or an error. */
type Outcome = { reject: Error } | { result: Record<string, unknown> } | { error: JsonRpcErrorObject };

/** A transport whose answers follow a script, one outcome per attempt, answering after the send resolved. */
class ScriptedPeer extends FakeTransport {
  readonly script: Outcome[];
  readonly attempts: JsonRpcRequest[] = [];

  constructor(script: Outcome[]) {
    super();
    this.script = script;
  }

  override async send(message: JsonRpcMessage): Promise<void> {
    if (!('id' in message) || !('method' in message)) return super.send(message);
    this.attempts.push(message);
    const outcome = this.script.shift() ?? { result: {} };
    if ('reject' in outcome) throw outcome.reject;
    setTimeout(() => {
      this.deliver(
        'result' in outcome
          ? { jsonrpc: '2.0', id: message.id, result: outcome.result }
          : { jsonrpc: '2.0', id: message.id, error: outcome.error },
      );
    }, 0);
  }
}

const request = (method: string, id: number | string = 1): JsonRpcRequest => ({ jsonrpc: '2.0', id, method });
const fast: RetryOptions = { minTimeout: 1, maxTimeout: 1, randomize: false };
const rateLimited = (retryAfterMs = 0): Outcome => ({
  error: { code: MiddlewareErrorCode.RateLimited, message: 'Rate limit exceeded', data: { retryAfterMs } },
});
const httpFailure = (status: number, extra: Record<string, unknown> = {}): Outcome => ({
  reject: new McpError(McpErrorCode.InternalError, `HTTP ${status}`, {
    data: { httpStatus: status, ...extra },
  }),
});
const unreachable = (code?: string): Outcome => ({
  reject: new McpError(McpErrorCode.ConnectionClosed, 'Could not reach the MCP server', {
    cause: new TypeError(
      'fetch failed',
      code === undefined ? undefined : { cause: Object.assign(new Error(code), { code }) },
    ),
  }),
});

/** Sends through the decorator and collects what reaches the endpoint. */
async function run(
  peer: ScriptedPeer,
  options: RetryOptions,
  message: JsonRpcRequest = request('tools/list'),
) {
  const decorator = retry(options);
  const transport = decorator(peer);
  const delivered: JsonRpcMessage[] = [];
  transport.onmessage = (received) => delivered.push(received);
  const sent = await transport.send(message).then(
    () => undefined,
    (error: unknown) => error,
  );
  await flush();
  return { sent, delivered, stats: decorator.stats() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retry on error responses', () => {
  it('sends a rate-limited request again with the same id and delivers only the final response', async () => {
    const peer = new ScriptedPeer([rateLimited(), rateLimited(), { result: { tools: [] } }]);
    const { sent, delivered, stats } = await run(peer, fast, request('tools/call', 7));
    expect(sent).toBeUndefined();
    expect(peer.attempts.map((attempt) => attempt.id)).toEqual([7, 7, 7]);
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 7, result: { tools: [] } }]);
    expect(stats).toEqual({ requests: 1, retries: 2, recovered: 1, exhausted: 0 });
  });

  it("out of retries, delivers the peer's last error response", async () => {
    const peer = new ScriptedPeer([rateLimited(), rateLimited(), rateLimited()]);
    const { sent, delivered, stats } = await run(peer, { ...fast, retries: 2 });
    expect(sent).toBeUndefined();
    expect(peer.attempts).toHaveLength(3);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ id: 1, error: { code: MiddlewareErrorCode.RateLimited } });
    expect(stats).toEqual({ requests: 1, retries: 2, recovered: 0, exhausted: 1 });
  });

  it('passes any other error response through at once', async () => {
    const peer = new ScriptedPeer([{ error: { code: -32602, message: 'Unknown tool' } }]);
    const { delivered } = await run(peer, fast, request('tools/call'));
    expect(peer.attempts).toHaveLength(1);
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool' } }]);
  });

  it('retries the codes listed in retryCodes', async () => {
    const peer = new ScriptedPeer([{ error: { code: -32099, message: 'busy' } }, { result: { ok: true } }]);
    const { delivered } = await run(peer, { ...fast, retryCodes: [-32099] }, request('tools/call'));
    expect(peer.attempts).toHaveLength(2);
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 1, result: { ok: true } }]);
  });
});

describe('retry on rejected sends', () => {
  it('retries HTTP 429 and 503 for any method, tools/call included', async () => {
    const peer = new ScriptedPeer([httpFailure(503), httpFailure(429), { result: {} }]);
    const { sent, delivered } = await run(peer, fast, request('tools/call'));
    expect(sent).toBeUndefined();
    expect(peer.attempts).toHaveLength(3);
    expect(delivered).toHaveLength(1);
  });

  it('retries a failure that may have reached the server only for idempotent methods', async () => {
    const listing = new ScriptedPeer([httpFailure(502), unreachable('ECONNRESET'), { result: {} }]);
    expect((await run(listing, fast, request('tools/list'))).delivered).toHaveLength(1);
    expect(listing.attempts).toHaveLength(3);

    const calling = new ScriptedPeer([httpFailure(502)]);
    const { sent, delivered, stats } = await run(calling, fast, request('tools/call'));
    expect(calling.attempts).toHaveLength(1);
    expect(sent).toBeInstanceOf(McpError);
    expect((sent as McpError).data).toMatchObject({ httpStatus: 502 });
    expect(delivered).toEqual([]);
    expect(stats.exhausted).toBe(0);
  });

  it('retries a refused connection for any method', async () => {
    const peer = new ScriptedPeer([unreachable('ECONNREFUSED'), { result: {} }]);
    await run(peer, fast, request('tools/call'));
    expect(peer.attempts).toHaveLength(2);
  });

  it('never retries a closed transport or a client error', async () => {
    const failures = [{ reject: new TransportClosedError() }, httpFailure(400), httpFailure(401)] as {
      reject: Error;
    }[];
    for (const outcome of failures) {
      const peer = new ScriptedPeer([outcome]);
      const { sent } = await run(peer, fast, request('ping'));
      expect(peer.attempts).toHaveLength(1);
      expect(sent).toBe(outcome.reject);
    }
  });

  it('rejects with the last error when retries run out', async () => {
    const last = httpFailure(503, { n: 3 }) as { reject: Error };
    const peer = new ScriptedPeer([httpFailure(503), httpFailure(503), last]);
    const { sent, stats } = await run(peer, { ...fast, retries: 2 });
    expect(sent).toBe(last.reject);
    expect(stats).toMatchObject({ retries: 2, exhausted: 1, recovered: 0 });
  });

  it('forwards notifications and responses once, without retrying', async () => {
    const base = new FakeTransport();
    const transport = retry(fast)(base);
    base.failSends = (httpFailure(503) as { reject: Error }).reject;
    await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toBe(
      base.failSends,
    );
    await expect(transport.send({ jsonrpc: '2.0', id: 4, result: {} })).rejects.toBe(base.failSends);
    expect(base.sendCalls).toBe(2);
  });
});

describe('classify', () => {
  it('sorts failures into refused, uncertain and final', () => {
    const kinds = [
      new McpError(MiddlewareErrorCode.RateLimited, 'x'),
      (httpFailure(429) as { reject: Error }).reject,
      (httpFailure(503) as { reject: Error }).reject,
      (unreachable('ECONNREFUSED') as { reject: Error }).reject,
      (httpFailure(500) as { reject: Error }).reject,
      (httpFailure(504) as { reject: Error }).reject,
      (unreachable() as { reject: Error }).reject,
      (httpFailure(404) as { reject: Error }).reject,
      new TransportClosedError(),
      new Error('anything else'),
    ].map(classify);
    expect(kinds).toEqual([
      'refused',
      'refused',
      'refused',
      'refused',
      'uncertain',
      'uncertain',
      'uncertain',
      'final',
      'final',
      'final',
    ]);
  });
});

describe('delays', () => {
  it("waits out the peer's retryAfterMs when it is longer than the backoff", async () => {
    vi.useFakeTimers();
    const peer = new ScriptedPeer([rateLimited(1_000), { result: {} }]);
    const transport = retry({ minTimeout: 10, randomize: false })(peer);
    const delivered: JsonRpcMessage[] = [];
    transport.onmessage = (message) => delivered.push(message);
    const sending = transport.send(request('tools/call'));
    await vi.advanceTimersByTimeAsync(999);
    expect(peer.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(peer.attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await sending;
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
  });

  it('honours HTTP Retry-After carried as data.retryAfterMs on a rejected send', async () => {
    vi.useFakeTimers();
    const peer = new ScriptedPeer([httpFailure(429, { retryAfterMs: 3_000 }), { result: {} }]);
    const transport = retry({ minTimeout: 10, randomize: false })(peer);
    const sending = transport.send(request('tools/call'));
    await vi.advanceTimersByTimeAsync(2_990);
    expect(peer.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(peer.attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await sending;
  });

  it('does not retry when the wait the peer asks for ends past maxRetryTime', async () => {
    const peer = new ScriptedPeer([rateLimited(60_000)]);
    const { delivered, stats } = await run(peer, { ...fast, maxRetryTime: 30_000 });
    expect(peer.attempts).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ error: { code: MiddlewareErrorCode.RateLimited } });
    expect(stats.exhausted).toBe(1);
  });

  it('backs off exponentially from minTimeout by factor, capped at maxTimeout', async () => {
    const delays: number[] = [];
    const peer = new ScriptedPeer([httpFailure(503), httpFailure(503), httpFailure(503), httpFailure(503)]);
    await run(peer, {
      retries: 4,
      minTimeout: 2,
      factor: 3,
      maxTimeout: 10,
      randomize: false,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    expect(delays).toEqual([2, 6, 10, 10]);
  });
});

describe('stopping a retry sequence', () => {
  it("stops when the caller's signal aborts during the backoff", async () => {
    vi.useFakeTimers();
    const peer = new ScriptedPeer([httpFailure(503), { result: {} }]);
    const transport = retry({ minTimeout: 1_000, randomize: false })(peer);
    const controller = new AbortController();
    const sending = transport
      .send(request('tools/call'), { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const reason = new Error('timed out');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await sending).toBe(reason);
    expect(peer.attempts).toHaveLength(1);
  });

  it('stops when the request is cancelled by notification, and forwards the cancellation', async () => {
    vi.useFakeTimers();
    const peer = new ScriptedPeer([rateLimited(), { result: {} }]);
    const transport = retry({ minTimeout: 1_000, randomize: false })(peer);
    const delivered: JsonRpcMessage[] = [];
    transport.onmessage = (message) => delivered.push(message);
    const sending = transport.send(request('tools/call', 'a')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    const cancel: JsonRpcMessage = {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'a' },
    };
    await transport.send(cancel);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await sending).toBeInstanceOf(RequestCancelledError);
    expect(peer.attempts).toHaveLength(1);
    expect(peer.sent.map(({ message }) => message)).toContainEqual(cancel);
    expect(delivered).toEqual([]);
  });

  it('rejects with TransportClosedError when the connection closes during the backoff', async () => {
    vi.useFakeTimers();
    const peer = new ScriptedPeer([httpFailure(503)]);
    const transport = retry({ minTimeout: 1_000, randomize: false })(peer);
    let closed = 0;
    transport.onclose = () => closed++;
    const sending = transport.send(request('ping')).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    await transport.close();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await sending).toBeInstanceOf(TransportClosedError);
    expect(peer.attempts).toHaveLength(1);
    expect(closed).toBe(1);
  });
});

describe('policy hooks', () => {
  it('shouldRetry replaces the default decision and sees it as retryByDefault', async () => {
    const seen: RetryContext[] = [];
    const peer = new ScriptedPeer([httpFailure(502), { result: {} }]);
    const { delivered } = await run(
      peer,
      {
        ...fast,
        shouldRetry: (context) => {
          seen.push(context);
          return context.kind !== 'final';
        },
      },
      request('tools/call'),
    );
    expect(delivered).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: 'uncertain',
      retryByDefault: false,
      attemptNumber: 1,
      retriesLeft: 3,
    });
    expect(seen[0]?.request.method).toBe('tools/call');
  });

  it('retries calls of tools the server annotated read-only or idempotent, learned from tools/list', async () => {
    const listing: Outcome = {
      result: {
        tools: [
          { name: 'read', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
          { name: 'put', inputSchema: { type: 'object' }, annotations: { idempotentHint: true } },
          { name: 'charge', inputSchema: { type: 'object' }, annotations: { destructiveHint: true } },
          { name: 'plain', inputSchema: { type: 'object' } },
        ],
      },
    };
    const call = (id: number, name: string): JsonRpcRequest => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: {} },
    });
    for (const trust of [true, false]) {
      const peer = new ScriptedPeer([listing]);
      const transport = retry({ ...fast, trustToolAnnotations: trust })(peer);
      transport.onmessage = () => {};
      await transport.send(request('tools/list', 1));
      await flush();
      const attemptsPer: Record<string, number> = {};
      for (const [index, name] of ['read', 'put', 'charge', 'plain'].entries()) {
        peer.script.push(httpFailure(502), { result: {} });
        const before = peer.attempts.length;
        await transport.send(call(10 + index, name)).catch(() => undefined);
        attemptsPer[name] = peer.attempts.length - before;
        peer.script.length = 0;
      }
      expect(attemptsPer, `trustToolAnnotations: ${trust}`).toEqual(
        trust ? { read: 2, put: 2, charge: 1, plain: 1 } : { read: 1, put: 1, charge: 1, plain: 1 },
      );
    }
  });

  it('idempotentMethods widens what is retried after an uncertain failure', async () => {
    const peer = new ScriptedPeer([httpFailure(500), { result: {} }]);
    await run(peer, { ...fast, idempotentMethods: ['tools/call'] }, request('tools/call'));
    expect(peer.attempts).toHaveLength(2);
  });

  it('rejects invalid options with a RangeError that names the option', () => {
    expect(() => retry({ retries: -1 })).toThrow(/retries must be a whole number/);
    expect(() => retry({ minTimeout: Number.NaN })).toThrow(/minTimeout must be a number of milliseconds/);
    expect(() => retry({ factor: 0.5 })).toThrow(/factor must be ≥ 1/);
    expect(() =>
      retry({ retries: Number.POSITIVE_INFINITY, maxRetryTime: Number.POSITIVE_INFINITY }),
    ).toThrow(/cannot both be Infinity/);
  });
});

describe('every request ends exactly once', () => {
  const outcome = fc.oneof(
    fc.constant<Outcome>({ result: {} }),
    fc.constant(rateLimited()),
    fc.constant<Outcome>({ error: { code: -32602, message: 'bad' } }),
    fc.constantFrom(503, 429, 502, 500, 400).map((status) => httpFailure(status)),
    fc.constantFrom('ECONNREFUSED', 'ECONNRESET').map((code) => unreachable(code)),
  );

  it('with one final outcome, after the attempts the policy allows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcome, { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 4 }),
        fc.constantFrom('tools/call', 'tools/list'),
        async (script, retries, method) => {
          const peer = new ScriptedPeer([...script]);
          const { sent, delivered } = await run(peer, { ...fast, minTimeout: 0, retries }, request(method));
          // The expected number of attempts: up to the first outcome the policy does not retry.
          let expected = 0;
          for (const step of [...script, { result: {} } as Outcome]) {
            expected++;
            const retryable =
              ('error' in step && step.error.code === MiddlewareErrorCode.RateLimited) ||
              ('reject' in step &&
                (classify(step.reject) === 'refused' ||
                  (classify(step.reject) === 'uncertain' && method === 'tools/list')));
            if (!retryable || expected === retries + 1) break;
          }
          expect(peer.attempts).toHaveLength(expected);
          // Exactly one of: a delivered response, a rejected send.
          expect(delivered.length + (sent === undefined ? 0 : 1)).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
