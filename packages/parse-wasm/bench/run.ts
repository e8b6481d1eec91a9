// Throughput of the SSE and NDJSON framing engines, bytes in to strings out, in one run.
//   pnpm --filter @pmcp/parse-wasm bench [-- --rounds 15 --warmup 3 --quick]
// Every sample parses a whole stream with a fresh decoder. Engines run interleaved round by round, so a
// burst of load on the machine hits all of them alike; the table shows the median of the rounds and the
// spread (lowest to highest). Results go to bench-results/parse-wasm-<timestamp>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createNdjsonDecoder } from '@pmcp/jsonrpc';
import { createParser } from 'eventsource-parser';
import { asciiFastPath } from '../src/ascii.ts';
import { createFrameDecoder, createSseDecoder } from '../src/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const quick = args.includes('--quick');
const rounds = option('rounds', quick ? 5 : 15);
// V8 needs several whole streams before every engine runs optimized code; fewer warm-up rounds measure the JIT.
const warmup = option('warmup', quick ? 2 : 10);
const targetBytes = option('bytes', quick ? 2_000_000 : 16_000_000);

const encoder = new TextEncoder();
let sink = 0;

// ---- workloads ----------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const chunkings = {
  '64 KB chunks': (input: Uint8Array): Uint8Array[] => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < input.length; at += 65536) chunks.push(input.slice(at, at + 65536));
    return chunks;
  },
  'random 1 B-4 KB chunks': (input: Uint8Array): Uint8Array[] => {
    const random = mulberry32(42);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < input.length; ) {
      const size = 1 + Math.floor(random() * 4096);
      chunks.push(input.slice(at, at + size));
      at += size;
    }
    return chunks;
  },
};

function payload(bytes: number, unicode: boolean): string {
  const head = '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"';
  const tail = '"}}';
  const filler = unicode ? 'ünïcødé ✓ 😀 ' : 'lorem ipsum dolor sit amet ';
  let body = '';
  while (encoder.encode(head + body + tail).length < bytes) body += filler;
  let text = head + body + tail;
  while (encoder.encode(text).length > bytes && body.length > 0) {
    body = body.slice(0, -1);
    text = head + body + tail;
  }
  return text;
}

interface Workload {
  name: string;
  eventBytes: number;
  stream: Uint8Array;
  count: number;
  // Where each message's bytes lie in the stream, as [start, end) pairs: what the per-event floor decodes.
  spans: Int32Array;
}

function workload(name: string, message: string, frame: (text: string, index: number) => string): Workload {
  const perEvent = encoder.encode(frame(message, 0)).length;
  const count = Math.max(8, Math.ceil(targetBytes / perEvent));
  const messageBytes = encoder.encode(message).length;
  const parts: string[] = [];
  const spans = new Int32Array(count * 2);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const text = frame(message, index);
    const start = offset + encoder.encode(text.slice(0, text.indexOf(message))).length;
    spans[index * 2] = start;
    spans[index * 2 + 1] = start + messageBytes;
    offset += encoder.encode(text).length;
    parts.push(text);
  }
  return { name, eventBytes: messageBytes, stream: encoder.encode(parts.join('')), count, spans };
}

const sseFrame = (text: string, index: number): string => `id: ${index}\ndata: ${text}\n\n`;
const ndjsonFrame = (text: string): string => `${text}\n`;
const messages: [string, string][] = [
  ['tiny (32 B)', payload(32, false).slice(0, 32)],
  ['1 KB', payload(1024, false)],
  ['1 KB non-ASCII', payload(1024, true)],
  ['64 KB', payload(65536, false)],
];

// ---- engines ------------------------------------------------------------------------------------------

type Runner = (chunks: readonly Uint8Array[], work: Workload) => number;

function sseRunner(engine: 'simd' | 'wasm' | 'js'): Runner {
  return (chunks) => {
    const decoder = createSseDecoder({ engine });
    let events = 0;
    for (const chunk of chunks) {
      for (const event of decoder.push(chunk)) {
        events++;
        sink += event.data.length;
      }
    }
    return events;
  };
}

// The floors: what it costs just to turn the bytes into JS strings, parsing nothing. A decoder that returns
// event data as JS strings either decodes what arrives chunk by chunk (and slices), or finds each event's
// bytes first and decodes those; it cannot be faster than doing only that. Each floor is measured with
// TextDecoder and, where the runtime has it, with Node's native ASCII copy (TextDecoder for non-ASCII
// bytes); the table shows the faster of the two, so the larger floor ratio in a row is the ceiling for
// every string-producing engine on this machine.
const FLOOR_CHUNK = 'decode per chunk (floor)';
const FLOOR_EVENT = 'decode per event (floor)';
const native = asciiFastPath();
const floorKinds = [FLOOR_CHUNK, FLOOR_EVENT] as const;
const floorVariants = (kind: string): string[] =>
  native === undefined ? [`${kind}: TextDecoder`] : [`${kind}: TextDecoder`, `${kind}: native ASCII`];
const floors = new Set(floorKinds.flatMap(floorVariants));

function decodePerChunk(useNative: boolean): Runner {
  return (chunks) => {
    const text = new TextDecoder();
    let textIdle = true;
    for (const chunk of chunks) {
      if (useNative && textIdle && native?.isAscii(chunk)) {
        sink += native.decodeAscii(chunk).length;
      } else {
        sink += text.decode(chunk, { stream: true }).length;
        textIdle = chunk[chunk.length - 1]! < 0x80;
      }
    }
    return -1;
  };
}
// Each event's data bytes, located for free (offsets computed when the stream was built), decoded once.
function decodePerEvent(useNative: boolean): Runner {
  return (_chunks, work) => {
    const text = new TextDecoder('utf-8', { ignoreBOM: true });
    const { stream, spans } = work;
    for (let index = 0; index < spans.length; index += 2) {
      const bytes = stream.subarray(spans[index], spans[index + 1]);
      sink += (useNative && native?.isAscii(bytes) ? native.decodeAscii(bytes) : text.decode(bytes)).length;
    }
    return -1;
  };
}
const floorRunners: Record<string, Runner> = Object.fromEntries(
  floorKinds.flatMap((kind) =>
    floorVariants(kind).map((name) => {
      const useNative = name.endsWith('native ASCII');
      return [name, kind === FLOOR_CHUNK ? decodePerChunk(useNative) : decodePerEvent(useNative)];
    }),
  ),
);

const sseEngines: Record<string, Runner> = {
  'SIMD wasm': sseRunner('simd'),
  'plain wasm': sseRunner('wasm'),
  'JS fallback': sseRunner('js'),
  'eventsource-parser': (chunks) => {
    // As a client runs it: a streaming TextDecoder turns the bytes into text first.
    const text = new TextDecoder();
    let events = 0;
    const parser = createParser({
      onEvent: (event) => {
        events++;
        sink += event.data.length;
      },
    });
    for (const chunk of chunks) parser.feed(text.decode(chunk, { stream: true }));
    return events;
  },
  ...floorRunners,
};

function frameRunner(make: () => { push(chunk: Uint8Array): { ok: boolean; text?: string }[] }): Runner {
  return (chunks) => {
    const decoder = make();
    let frames = 0;
    for (const chunk of chunks) {
      for (const frame of decoder.push(chunk)) {
        frames++;
        if (frame.ok) sink += frame.text!.length;
      }
    }
    return frames;
  };
}

const frameEngines: Record<string, Runner> = {
  'SIMD wasm': frameRunner(() => createFrameDecoder({ engine: 'simd' })),
  'plain wasm': frameRunner(() => createFrameDecoder({ engine: 'wasm' })),
  'createNdjsonDecoder (JS)': frameRunner(() => createNdjsonDecoder()),
  'indexOf splitter': (chunks) => {
    // The obvious way: decode to text, split on "\n". No size limit, no UTF-8 error reporting.
    const text = new TextDecoder();
    let pending = '';
    let frames = 0;
    for (const chunk of chunks) {
      const buffer = pending + text.decode(chunk, { stream: true });
      // Lines are returned per chunk, as a decoder's push() would.
      const lines: string[] = [];
      let start = 0;
      let lf = buffer.indexOf('\n');
      while (lf !== -1) {
        if (lf > start) lines.push(buffer.slice(start, lf));
        start = lf + 1;
        lf = buffer.indexOf('\n', start);
      }
      pending = buffer.slice(start);
      for (const line of lines) {
        frames++;
        sink += line.length;
      }
    }
    return frames;
  },
  ...floorRunners,
};

// ---- measurement --------------------------------------------------------------------------------------

interface Result {
  suite: 'sse' | 'framing';
  workload: string;
  chunking: string;
  engine: string;
  bytes: number;
  events: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  mbPerSecond: number;
  mbPerSecondRange: [number, number];
  eventsPerSecond: number;
  ratio: number;
  baseline: string;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function measure(
  suite: 'sse' | 'framing',
  engines: Record<string, Runner>,
  baseline: string,
  work: Workload,
  chunking: string,
  chunks: readonly Uint8Array[],
): Result[] {
  const names = Object.keys(engines);
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  const counts = new Map<string, number>();
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of names) {
      const start = performance.now();
      const events = engines[name]!(chunks, work);
      const elapsed = performance.now() - start;
      if (round >= warmup) samples.get(name)!.push(elapsed);
      counts.set(name, events);
    }
  }
  const expected = counts.get(baseline);
  const results = names.map((name): Result => {
    const times = samples.get(name)!;
    if (!floors.has(name) && counts.get(name) !== expected) {
      throw new Error(
        `${suite}/${work.name}: ${name} found ${counts.get(name)} events, ${baseline} ${expected}`,
      );
    }
    const medianMs = median(times);
    const minMs = Math.min(...times);
    const maxMs = Math.max(...times);
    const mb = work.stream.length / 1e6;
    return {
      suite,
      workload: work.name,
      chunking,
      engine: name,
      bytes: work.stream.length,
      events: floors.has(name) ? 0 : counts.get(name)!,
      medianMs,
      minMs,
      maxMs,
      mbPerSecond: mb / (medianMs / 1000),
      mbPerSecondRange: [mb / (maxMs / 1000), mb / (minMs / 1000)],
      eventsPerSecond: floors.has(name) ? 0 : counts.get(name)! / (medianMs / 1000),
      ratio: 0,
      baseline,
    };
  });
  const base = results.find((result) => result.engine === baseline)!;
  for (const result of results) result.ratio = base.medianMs / result.medianMs;
  return results;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

const results: Result[] = [];
const machine = {
  node: process.version,
  v8: process.versions.v8,
  cpu: cpuModel(),
  cores: cpus().length,
  nativeAsciiDecode: native !== undefined,
  loadAverageAtStart: loadavg(),
};
console.log(
  `node ${machine.node} (V8 ${machine.v8}), ${machine.cpu}, ${machine.cores} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`native ASCII decode: ${native === undefined ? 'no (TextDecoder only)' : 'yes'}`);
console.log(`${rounds} rounds after ${warmup} warm-up, ~${(targetBytes / 1e6).toFixed(1)} MB per stream\n`);

const suites = [
  { suite: 'sse' as const, engines: sseEngines, baseline: 'eventsource-parser', frame: sseFrame },
  { suite: 'framing' as const, engines: frameEngines, baseline: 'indexOf splitter', frame: ndjsonFrame },
];
for (const { suite, engines, baseline, frame } of suites) {
  for (const [name, message] of messages) {
    const work = workload(name, message, frame);
    for (const [chunking, split] of Object.entries(chunkings)) {
      const measured = measure(suite, engines, baseline, work, chunking, split(work.stream));
      results.push(...measured);
      console.log(`${suite} · ${name} events · ${chunking}`);
      for (const result of measured) {
        console.log(
          `  ${result.engine.padEnd(26)} ${result.mbPerSecond.toFixed(0).padStart(6)} MB/s (${result.mbPerSecondRange[0].toFixed(0)}-${result.mbPerSecondRange[1].toFixed(0)})  ${(result.eventsPerSecond / 1e6).toFixed(3).padStart(7)} M events/s  ×${result.ratio.toFixed(2)} vs ${baseline}`,
        );
      }
    }
  }
}

// The README table: one row per workload and chunking, median MB/s per engine with the ratio.
const table: string[] = [];
for (const { suite, engines, baseline } of suites) {
  const parsers = Object.keys(engines).filter((name) => !floors.has(name));
  const names = [...parsers, ...floorKinds];
  table.push(
    '',
    `${suite === 'sse' ? 'SSE' : 'NDJSON framing'} (median MB/s · M events/s · ×${baseline}):`,
    '',
  );
  table.push(`| events | chunks | ${names.join(' | ')} |`, `|---|---|${names.map(() => '---:').join('|')}|`);
  for (const [name] of messages) {
    for (const chunking of Object.keys(chunkings)) {
      const row = names.map((engine) => {
        const candidates = results.filter(
          (entry) =>
            entry.suite === suite &&
            entry.workload === name &&
            entry.chunking === chunking &&
            (entry.engine === engine || entry.engine.startsWith(`${engine}: `)),
        );
        // A floor is its faster variant.
        const result = candidates.reduce((best, entry) =>
          entry.mbPerSecond > best.mbPerSecond ? entry : best,
        );
        const perSecond = floors.has(result.engine) ? '–' : (result.eventsPerSecond / 1e6).toFixed(2);
        const variant = floors.has(result.engine)
          ? result.engine.endsWith('native ASCII')
            ? ' (n)'
            : ' (t)'
          : '';
        return `${result.mbPerSecond.toFixed(0)} · ${perSecond} · ×${result.ratio.toFixed(2)}${variant}`;
      });
      table.push(`| ${name} | ${chunking} | ${row.join(' | ')} |`);
    }
  }
}
console.log(table.join('\n'));
console.log('\nfloors: (t) TextDecoder was faster, (n) the native ASCII copy was faster');

const outDir = join(import.meta.dirname, '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `parse-wasm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    { machine, rounds, warmup, targetBytes, loadAverageAtEnd: loadavg(), results, sink: sink > 0 },
    null,
    2,
  ),
);
console.log(`\nwrote ${file}`);
