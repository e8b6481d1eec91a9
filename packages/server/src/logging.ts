/**
 * Log levels and who gets `notifications/message`. Legacy sessions choose a minimum with `logging/setLevel`
 * (until then every level goes out: the spec makes `setLevel` optional and sets no default); a modern request opts
 * in with `_meta["io.modelcontextprotocol/logLevel"]` and gets messages only on its own response stream.
 */
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode, LOGGING_LEVELS, type LoggingLevel, MetaKey } from '@pmcp/types';
import type { Connection, MethodSpec } from './dispatch.ts';
import { describeJsonType } from './schema.ts';

/** True for one of the eight RFC 5424 level names MCP uses. */
export function isLoggingLevel(value: unknown): value is LoggingLevel {
  return (LOGGING_LEVELS as readonly unknown[]).includes(value);
}

/** Whether a message at `level` passes a minimum of `threshold`. */
export function levelAllows(threshold: LoggingLevel, level: LoggingLevel): boolean {
  return LOGGING_LEVELS.indexOf(level) >= LOGGING_LEVELS.indexOf(threshold);
}

function invalidLevel(where: string, value: unknown): McpError {
  return new McpError(
    ErrorCode.InvalidParams,
    `Invalid params: ${where} must be one of ${LOGGING_LEVELS.join(', ')}, got ${
      typeof value === 'string' ? JSON.stringify(value) : describeJsonType(value)
    }`,
  );
}

/** The log level a modern request asked for; `-32602` when it is not a level. */
export function readRequestLogLevel(meta: Record<string, unknown>): LoggingLevel | undefined {
  const level = meta[MetaKey.LogLevel];
  if (level === undefined) return undefined;
  if (!isLoggingLevel(level)) throw invalidLevel(`params._meta["${MetaKey.LogLevel}"]`, level);
  return level;
}

/** Checks the arguments of `ctx.log` and `server.log` (programmer errors, so they throw). */
export function checkLogCall(caller: string, level: unknown, logger: unknown): asserts level is LoggingLevel {
  if (!isLoggingLevel(level)) {
    throw new TypeError(
      `${caller}(level, data): level must be one of ${LOGGING_LEVELS.join(', ')}, got ${String(level)}`,
    );
  }
  if (logger !== undefined && typeof logger !== 'string') {
    throw new TypeError(`${caller}(level, data, logger): logger must be a string, got a ${typeof logger}`);
  }
}

/** The params of a `notifications/message`. */
export function logParams(
  level: LoggingLevel,
  data: unknown,
  logger: string | undefined,
): Record<string, unknown> {
  // `data` is required on the wire; an undefined value would vanish from the JSON.
  const params: Record<string, unknown> = { level, data: data === undefined ? null : data };
  if (logger !== undefined) params.logger = logger;
  return params;
}

/** `logging/setLevel` (legacy): the session's minimum level for every later message. */
export const SET_LEVEL_METHOD: MethodSpec = {
  eras: ['legacy'],
  capability: 'logging',
  handle(params, { connection }) {
    const { level } = params;
    if (!isLoggingLevel(level)) throw invalidLevel('"level" of logging/setLevel', level);
    if (connection.session !== undefined) connection.session.logLevel = level;
    return {};
  },
};

/** Sends `notifications/message` to every initialized legacy session whose level lets it through. */
export async function broadcastLog(
  connections: Iterable<Connection>,
  level: LoggingLevel,
  params: Record<string, unknown>,
  reportError: (error: Error) => void,
): Promise<void> {
  const sends: Promise<void>[] = [];
  for (const connection of connections) {
    const session = connection.session;
    if (!session?.initialized) continue;
    if (session.logLevel !== undefined && !levelAllows(session.logLevel, level)) continue;
    sends.push(
      connection.engine
        .notify('notifications/message', params)
        .catch((error: unknown) => reportError(error instanceof Error ? error : new Error(String(error)))),
    );
  }
  await Promise.all(sends);
}
