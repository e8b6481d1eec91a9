/**
 * A realistic, deterministic corpus of MCP traffic: tools/call requests carrying modern `_meta`, results of
 * very different sizes, progress notifications, errors and a few tools/list results — as NDJSON lines and as
 * a Server-Sent Events stream cut into uneven chunks.
 */

/** One corpus message: its text plus what a correct decoder must find in it. */
export interface CorpusEntry {
  text: string;
  id: string | number | undefined;
  method: string | undefined;
}

/** A small deterministic PRNG (mulberry32), so every run and every SDK sees the same corpus. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'weather',
  'Lisbon',
  'forecast',
  'résumé',
  'naïve',
  '東京',
  'Zürich',
  'cache',
  'index',
  'query',
  'tokens',
  'π≈3.14159',
  'emoji 🚀',
  'quote "x"',
  'tab\tsep',
  'line\nbreak',
  'path/to/file.ts',
  'SELECT * FROM t',
];

function words(random: () => number, count: number): string {
  return Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)] as string).join(' ');
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
  'io.modelcontextprotocol/clientInfo': { name: 'bench-client', version: '1.0.0' },
};

function message(random: () => number, index: number): Record<string, unknown> {
  const kind = random();
  const id = index % 7 === 0 ? `req-${index}` : index;
  if (kind < 0.4) {
    const shape = random();
    const args =
      shape < 0.4
        ? { a: Math.floor(random() * 1e6), b: random() * 100 }
        : shape < 0.8
          ? { query: words(random, 3 + Math.floor(random() * 12)), limit: 1 + Math.floor(random() * 50) }
          : {
              filters: Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => ({
                field: `f${i}`,
                op: random() < 0.5 ? 'eq' : 'in',
                value: random() < 0.5 ? words(random, 2) : [1, 2, 3].map((n) => n * i),
              })),
              options: { sort: 'desc', cursor: null, dryRun: random() < 0.5 },
            };
    return {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: `tool_${index % 13}`, arguments: args, _meta: META },
    };
  }
  if (kind < 0.8) {
    const size = random();
    const text = words(random, size < 0.6 ? 4 : size < 0.9 ? 60 : 400);
    const result: Record<string, unknown> = { content: [{ type: 'text', text }], resultType: 'complete' };
    if (random() < 0.3) {
      result.structuredContent = { city: 'Lisbon', highs: [21, 23, 22.5], updated: '2026-11-23T10:00:00Z' };
    }
    return { jsonrpc: '2.0', id, result };
  }
  if (kind < 0.9) {
    return {
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: `tok-${index}`, progress: index % 100, total: 100, message: words(random, 3) },
    };
  }
  if (kind < 0.95) {
    return { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool: ${words(random, 1)}` } };
  }
  const tools = Array.from({ length: 5 + Math.floor(random() * 15) }, (_, i) => ({
    name: `tool_${i}`,
    description: words(random, 8),
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  }));
  return { jsonrpc: '2.0', id, result: { tools, resultType: 'complete', ttlMs: 60_000 } };
}

/** `size` messages as JSON texts, with the id and method a decoder must report. */
export function createJsonRpcCorpus(size: number, seed = 6): CorpusEntry[] {
  const random = createRandom(seed);
  return Array.from({ length: size }, (_, index) => {
    const value = message(random, index) as { id?: string | number; method?: string };
    return { text: JSON.stringify(value), id: value.id, method: value.method };
  });
}

/** Texts every validating decoder must reject; the floor (no validation) is not asked. */
export const INVALID_MESSAGES: readonly string[] = [
  '{"jsonrpc":"2.0","id":1,"method":"tools/call"',
  '{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{}}',
  '{"jsonrpc":"2.0","id":1}',
  '{"jsonrpc":"2.0","id":1,"method":42}',
  '[1,2,3]',
];

/** An SSE stream of `events` JSON-RPC messages, cut into uneven byte chunks (as a network would, mid-line and mid-character). */
export interface SseCorpus {
  chunks: Uint8Array[];
  bytes: number;
  events: number;
  /** Sum of the lengths of every event's data, to check a parser saw all of it. */
  dataLength: number;
}

/** Builds an SSE corpus from the JSON-RPC corpus. */
export function createSseCorpus(events: number, seed = 7): SseCorpus {
  const messages = createJsonRpcCorpus(events, seed);
  const stream = new TextEncoder().encode(
    messages.map((entry, index) => `event: message\nid: ${index}\ndata: ${entry.text}\n\n`).join(''),
  );
  const random = createRandom(seed + 1);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < stream.byteLength; ) {
    const size = 16 + Math.floor(random() * 4080);
    chunks.push(stream.slice(offset, offset + size));
    offset += size;
  }
  return {
    chunks,
    bytes: stream.byteLength,
    events,
    dataLength: messages.reduce((sum, entry) => sum + entry.text.length, 0),
  };
}
