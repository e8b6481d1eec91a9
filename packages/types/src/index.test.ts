// The type entry stays free of zod, and its constants agree with the official schemas.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LATEST_PROTOCOL_VERSION,
  LOGGING_LEVELS,
  Method,
  Notification,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './index.ts';

const srcDir = dirname(fileURLToPath(import.meta.url));
const specDir = resolve(srcDir, '../../../spec');

/** Every module src/index.ts loads, following relative imports (type-only ones included, to be strict). */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (graph.has(file)) continue;
    // Comments go first: the JSDoc examples mention '@pmcp/types' and '@pmcp/types/schemas'.
    const source = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const specifiers = [
      ...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|\bimport\s+'([^']+)'/g),
    ].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
    graph.set(file, specifiers);
    for (const specifier of specifiers)
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
  }
  return graph;
}

function schemaDefinitions(
  revision: string,
): Record<string, { properties?: Record<string, { const?: unknown }> }> {
  const schema = JSON.parse(readFileSync(resolve(specDir, revision, 'schema.json'), 'utf8'));
  return schema.$defs ?? schema.definitions;
}

describe('@pmcp/types', () => {
  it('never loads zod: nothing src/index.ts imports, directly or not, is zod', () => {
    const graph = importGraph(resolve(srcDir, 'index.ts'));
    expect(graph.size).toBeGreaterThan(5);
    const bare = [...graph.values()].flat().filter((s) => !s.startsWith('.'));
    expect(bare).toEqual([]);
  });

  it('the import-graph check sees zod where it is imported', () => {
    const graph = importGraph(resolve(srcDir, 'schemas/index.ts'));
    expect([...graph.values()].flat()).toContain('zod');
  });

  it('lists exactly the revisions vendored in spec/, newest first', () => {
    const vendored = readdirSync(specDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d{4}-\d{2}-\d{2}$/.test(d.name))
      .map((d) => d.name)
      .sort()
      .reverse();
    expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual(vendored);
    expect(LATEST_PROTOCOL_VERSION).toBe(vendored[0]);
    expect(LATEST_LEGACY_PROTOCOL_VERSION).toBe(vendored[1]);
  });

  it('names every request and notification method of every revision, and nothing else', () => {
    const methods = new Set<string>();
    for (const revision of SUPPORTED_PROTOCOL_VERSIONS) {
      for (const [name, def] of Object.entries(schemaDefinitions(revision))) {
        const method = def.properties?.method?.const;
        if (typeof method === 'string' && (name.endsWith('Request') || name.endsWith('Notification')))
          methods.add(method);
      }
    }
    const constants = [...Object.values(Method), ...Object.values(Notification)];
    expect(new Set(constants)).toEqual(methods);
  });

  it('has the log levels of the schema, in increasing severity', () => {
    const level = schemaDefinitions('2026-07-28').LoggingLevel as unknown as { enum: string[] };
    expect([...LOGGING_LEVELS].sort()).toEqual([...level.enum].sort());
    expect(LOGGING_LEVELS.indexOf('debug')).toBe(0);
    expect(LOGGING_LEVELS.indexOf('emergency')).toBe(LOGGING_LEVELS.length - 1);
  });

  it('has every error code the 2026-07-28 schema pins', () => {
    const pinned = new Set<number>();
    JSON.stringify(schemaDefinitions('2026-07-28'), (key, value) => {
      if (key === 'code' && typeof value?.const === 'number') pinned.add(value.const);
      return value;
    });
    expect(pinned.size).toBeGreaterThan(5);
    const codes: number[] = Object.values(ErrorCode);
    for (const code of pinned) expect(codes).toContain(code);
  });
});
