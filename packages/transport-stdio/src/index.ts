/** @module stdio transport for MCP: serve on this process's stdin/stdout or spawn a server as a child process */
export {
  type StdioClientTransport,
  type StdioClientTransportOptions,
  stdioClientTransport,
} from './client-transport.ts';
export { getDefaultEnvironment } from './default-environment.ts';
export { type ServerProcessExit, ServerProcessExitError } from './errors.ts';
export { type StdioServerTransportOptions, stdioServerTransport } from './server-transport.ts';
export type { NodeReadableLike, NodeWritableLike, StreamListener } from './stream-types.ts';
