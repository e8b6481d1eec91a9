/**
 * The environment a spawned MCP server gets unless told otherwise: the few variables a program needs to run
 * (where home is, what PATH to search, who the user is), and nothing else from this process — API keys and
 * tokens in the parent's environment do not leak into a third-party server.
 *
 * Values that start with `()` are dropped: they are exported shell functions, a known injection vector.
 *
 * @param source the environment to pick from; default `process.env`
 * @param platform decides between the POSIX and the Windows variable names; default `process.platform`
 *
 * @example
 * ```ts
 * import { getDefaultEnvironment } from '@pmcp/transport-stdio';
 *
 * // What a server spawned by stdioClientTransport sees, before its `env` option is merged in.
 * console.error(Object.keys(getDefaultEnvironment())); // [ 'HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER' ]
 * ```
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/stdio
 */
export function getDefaultEnvironment(
  source: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
): Record<string, string> {
  const names =
    platform === 'win32'
      ? [
          'APPDATA',
          'HOMEDRIVE',
          'HOMEPATH',
          'LOCALAPPDATA',
          'PATH',
          'PROCESSOR_ARCHITECTURE',
          'PROGRAMFILES',
          'SYSTEMDRIVE',
          'SYSTEMROOT',
          'TEMP',
          'USERNAME',
          'USERPROFILE',
        ]
      : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
  const environment: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (value === undefined || value.startsWith('()')) continue;
    environment[name] = value;
  }
  return environment;
}
