// Symbol.for, not Symbol(): two installed copies of this package must recognise each other's errors.
const TOOL_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('pmcp.ToolError');

/**
 * An error a tool handler throws on purpose: its message is shown to the client (and the model) as a
 * `tools/call` result with `isError: true`, so the model can read it and correct itself.
 * Any other thrown error is reported as `Tool "name" failed` without details, and goes to `server.onerror`.
 *
 * @example
 * ```ts
 * import { ToolError, createServer } from '@pmcp/server';
 *
 * const server = createServer({ name: 'files', version: '1.0.0' });
 * server.tool('read', { description: 'Read a file' }, () => {
 *   throw new ToolError('The file is empty; pick another one.');
 * });
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#error-handling
 */
export class ToolError extends Error {
  override name = 'ToolError';

  /** `message` is sent to the client as is; keep secrets out of it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, TOOL_ERROR_BRAND, { value: true });
  }

  /** Works across duplicate installs of this package, unlike `instanceof` alone. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`, maybe a user's subclass.
    if (this !== ToolError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && TOOL_ERROR_BRAND in value;
  }
}
