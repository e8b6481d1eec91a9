/**
 * The identical work every SDK does: one `add` tool that is called, padded with filler tools to reach the
 * registered tool count, and the checks that decide whether an answer is right.
 */
import { WrongResultError } from './types.ts';

/** The tool every scenario calls. */
export const ADD_TOOL = 'add';

/** Registered only in memory-scenario servers: runs a measured gc and reports the process's memory. */
export const MEMORY_PROBE_TOOL = 'memory_probe';

/** Description of the called tool, the same text in every SDK. */
export const ADD_DESCRIPTION = 'Add two numbers and return the sum as text';

/** JSON Schema of the `add` arguments, for SDKs (the floor) that take JSON Schema instead of zod. */
export const ADD_INPUT_JSON_SCHEMA: Readonly<Record<string, unknown>> = {
  type: 'object',
  properties: { a: { type: 'number' }, b: { type: 'number' } },
  required: ['a', 'b'],
  additionalProperties: false,
};

/** JSON Schema of every filler tool's arguments. */
export const FILLER_INPUT_JSON_SCHEMA: Readonly<Record<string, unknown>> = {
  type: 'object',
  properties: {
    query: { type: 'string', description: 'What to look for' },
    limit: { type: 'integer', minimum: 1, maximum: 100, description: 'At most this many results' },
  },
  required: ['query'],
  additionalProperties: false,
};

/** The filler tools registered besides `add`, so that `toolCount` tools exist in all. */
export function fillerToolNames(toolCount: number): string[] {
  return Array.from(
    { length: Math.max(0, toolCount - 1) },
    (_, index) => `filler_${String(index).padStart(4, '0')}`,
  );
}

/** The description of a filler tool: realistic length, unique per tool. */
export function fillerDescription(name: string): string {
  return `Search the ${name} index for records that match a free-text query`;
}

/** The names `tools/list` must return, in any order. */
export function expectedToolNames(toolCount: number): string[] {
  return [ADD_TOOL, ...fillerToolNames(toolCount)];
}

/** Arguments of call number `index`: they differ per call, so a cached or constant answer cannot pass. */
export function addArguments(index: number): { a: number; b: number } {
  return { a: index, b: 7 };
}

/** The text the `add` tool must answer for call number `index`. */
export function expectedAddText(index: number): string {
  return String(index + 7);
}

/** What every SDK's `add` handler computes. */
export function addText(a: number, b: number): string {
  return String(a + b);
}

/** The text of a filler tool's answer (never called in the timed loops, but registered with a real handler). */
export function fillerText(name: string, query: string): string {
  return `${name}: no records match "${query}"`;
}

/** Throws WrongResultError unless `result` is the CallToolResult of `add` for call `index`. */
export function checkAddResult(result: unknown, index: number): void {
  const expected = expectedAddText(index);
  const content = (result as { content?: unknown } | null | undefined)?.content;
  const first = Array.isArray(content)
    ? (content[0] as { type?: unknown; text?: unknown } | undefined)
    : undefined;
  if (
    (result as { isError?: unknown }).isError === true ||
    first?.type !== 'text' ||
    first.text !== expected
  ) {
    throw new WrongResultError(
      `tools/call add #${index} returned ${preview(result)}, expected a text block "${expected}"`,
    );
  }
}

/** Throws WrongResultError unless `names` is exactly the registered tool set. */
export function checkToolNames(names: readonly string[], toolCount: number): void {
  const expected = new Set(expectedToolNames(toolCount));
  const unexpected = names.filter((name) => !expected.has(name) && name !== MEMORY_PROBE_TOOL);
  const seen = new Set(names);
  const missing = [...expected].filter((name) => !seen.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new WrongResultError(
      `tools/list returned ${names.length} tools; missing ${missing.length} (${missing.slice(0, 3).join(', ')}), ` +
        `unexpected ${unexpected.length} (${unexpected.slice(0, 3).join(', ')})`,
    );
  }
}

/** Memory figures reported by a server process, in bytes. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

/** Runs a full gc (when --expose-gc is on) and reads this process's memory. */
export function readMemory(): MemoryReading {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

/** Parses the memory probe's text answer, throwing WrongResultError when it is not one. */
export function parseMemoryReading(result: unknown): MemoryReading {
  const content = (result as { content?: unknown } | null | undefined)?.content;
  const first = Array.isArray(content) ? (content[0] as { text?: unknown } | undefined) : undefined;
  const parsed: unknown = typeof first?.text === 'string' ? JSON.parse(first.text) : undefined;
  const reading = parsed as Partial<MemoryReading> | undefined;
  if (typeof reading?.rss !== 'number' || typeof reading.heapUsed !== 'number') {
    throw new WrongResultError(`memory probe returned ${preview(result)}`);
  }
  return { rss: reading.rss, heapUsed: reading.heapUsed };
}

/** A short printable form of any value, for error messages. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
