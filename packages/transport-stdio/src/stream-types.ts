/**
 * The few stream members the transports use, as structural types: `process.stdin`/`process.stdout`,
 * child-process pipes, `PassThrough` and hand-written fakes all fit without adapters.
 */

/**
 * An event listener as the transports register it: they check what they receive instead of trusting it.
 *
 * @example
 * ```ts
 * import type { StreamListener } from '@pmcp/transport-stdio';
 *
 * const onData: StreamListener = (chunk) => {
 *   if (chunk instanceof Uint8Array) console.error(`${chunk.length} bytes`);
 * };
 * ```
 */
export type StreamListener = (...args: unknown[]) => void;

/**
 * The part of a Node.js readable stream (`process.stdin`, a `PassThrough`, a socket) that
 * {@link stdioServerTransport} reads from.
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { stdioServerTransport, type NodeReadableLike } from '@pmcp/transport-stdio';
 *
 * const input: NodeReadableLike = new PassThrough();
 * const transport = stdioServerTransport({ stdin: input });
 * ```
 */
export interface NodeReadableLike {
  on(event: string, listener: StreamListener): unknown;
  off(event: string, listener: StreamListener): unknown;
  pause(): unknown;
  resume(): unknown;
  listenerCount?(event: string): number;
}

/**
 * The part of a Node.js writable stream (`process.stdout`, a `PassThrough`, a socket) that
 * {@link stdioServerTransport} writes to: `write` returning `false` means "wait for `drain`".
 *
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { stdioServerTransport, type NodeWritableLike } from '@pmcp/transport-stdio';
 *
 * const output: NodeWritableLike = new PassThrough();
 * const transport = stdioServerTransport({ stdout: output });
 * ```
 */
export interface NodeWritableLike {
  write(chunk: string): boolean;
  on(event: string, listener: StreamListener): unknown;
  off(event: string, listener: StreamListener): unknown;
  listenerCount?(event: string): number;
}
