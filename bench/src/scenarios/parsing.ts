/**
 * Scenario 6: parsing. JSON-RPC decode + validation of one message text, the way each SDK's transports do it
 * (the floor is bare JSON.parse); and Server-Sent Events parsing of a stream cut into uneven chunks.
 */
import { createParser } from 'eventsource-parser';
import { createJsonRpcCorpus, createSseCorpus, INVALID_MESSAGES } from '../corpus.ts';
import { loadAdapter } from '../sdks/registry.ts';
import { importOptional, isUnavailable } from '../sdks/types.ts';
import {
  type BenchCase,
  type MetricSpec,
  type Scenario,
  type SdkId,
  type Unavailable,
  WrongResultError,
} from '../types.ts';

const MB = 1024 * 1024;
const MESSAGES_PER_SECOND: MetricSpec = {
  key: 'rate',
  label: 'messages/s',
  unit: 'msgs/s',
  better: 'higher',
};
const EVENTS_PER_SECOND: MetricSpec = { key: 'rate', label: 'events/s', unit: 'events/s', better: 'higher' };
const MEGABYTES_PER_SECOND: MetricSpec = {
  key: 'bandwidth',
  label: 'throughput',
  unit: 'MB/s',
  better: 'higher',
};

function decodeCase(corpusSize: number, passes: number): BenchCase {
  const corpus = createJsonRpcCorpus(corpusSize);
  const bytes = corpus.reduce((sum, entry) => sum + Buffer.byteLength(entry.text), 0);
  const withId = corpus.filter((entry) => entry.id !== undefined).length;
  return {
    id: 'parse-jsonrpc',
    title: `JSON-RPC decode + validation (${corpusSize.toLocaleString('en-US')} messages, ${(bytes / 1024).toFixed(0)} KB)`,
    metrics: [MESSAGES_PER_SECOND, MEGABYTES_PER_SECOND],
    async prepare(sdk) {
      const decode = await (await loadAdapter(sdk)).decoder();
      if (isUnavailable(decode)) return decode;
      const onePass = (): number => {
        let seen = 0;
        for (const entry of corpus) {
          if ((decode(entry.text) as { id?: unknown }).id !== undefined) seen++;
        }
        return seen;
      };
      return {
        ...(sdk === 'floor' ? { note: 'JSON.parse only' } : {}),
        async warmup() {
          for (const entry of corpus) {
            const decoded = decode(entry.text) as { id?: unknown; method?: unknown };
            if (decoded.id !== entry.id || decoded.method !== entry.method) {
              throw new WrongResultError(`decoded ${entry.text.slice(0, 80)} to id ${String(decoded.id)}`);
            }
          }
          if (sdk !== 'floor') {
            for (const text of INVALID_MESSAGES) {
              let rejected = false;
              try {
                decode(text);
              } catch {
                rejected = true;
              }
              if (!rejected) throw new WrongResultError(`accepted the invalid message ${text}`);
            }
          }
          for (let pass = 0; pass < passes; pass++) onePass();
        },
        async run() {
          const began = performance.now();
          for (let pass = 0; pass < passes; pass++) {
            if (onePass() !== withId) throw new WrongResultError('a message lost its id while decoding');
          }
          const seconds = (performance.now() - began) / 1000;
          return { rate: (corpusSize * passes) / seconds, bandwidth: (bytes * passes) / MB / seconds };
        },
        dispose: async () => {},
      };
    },
  };
}

/** A push parser of SSE bytes that reports each event's data. */
type SseParserFactory = (
  onData: (data: string) => void,
) => { feed(chunk: Uint8Array): void } | Promise<{ feed(chunk: Uint8Array): void }>;

/** The smallest correct-enough SSE parser: the floor. Handles `data:` lines and blank-line dispatch only. */
function floorSseParser(onData: (data: string) => void): { feed(chunk: Uint8Array): void } {
  const text = new TextDecoder();
  let buffered = '';
  return {
    feed(chunk) {
      buffered += text.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        let data = '';
        for (const line of block.split('\n')) if (line.startsWith('data: ')) data += line.slice(6);
        onData(data);
        end = buffered.indexOf('\n\n');
      }
    },
  };
}

/** eventsource-parser behind a streaming TextDecoder, as the official SDKs' HTTP clients run it. */
const eventsourceParser: SseParserFactory = (onData) => {
  const text = new TextDecoder();
  const parser = createParser({ onEvent: (event) => onData(event.data) });
  return { feed: (chunk) => parser.feed(text.decode(chunk, { stream: true })) };
};

type PmcpSseDecoder = { push(chunk: Uint8Array): { data: string }[] };
type PmcpEngine = 'js' | 'simd' | 'wasm';
type CreateSseDecoder = (options: { engine: PmcpEngine }) => PmcpSseDecoder;

async function pmcpSseParser(path: 'js' | 'wasm'): Promise<SseParserFactory | Unavailable> {
  const module = await importOptional('@pmcp/parse-wasm', () => import('@pmcp/parse-wasm'));
  if (isUnavailable(module)) return module;
  const create = module.createSseDecoder as CreateSseDecoder | undefined;
  const ready = module.ready as ((options: { engine: PmcpEngine }) => Promise<unknown>) | undefined;
  const detect = module.detectEngine as (() => PmcpEngine) | undefined;
  if (typeof create !== 'function' || typeof ready !== 'function' || typeof detect !== 'function') {
    return {
      unavailable: 'not available yet: @pmcp/parse-wasm lacks createSseDecoder, ready or detectEngine',
    };
  }
  // The wasm path is the best wasm build this runtime runs (SIMD where supported); the JS path is forced,
  // so the row shows both whatever `auto` would pick.
  const engine: PmcpEngine = path === 'js' ? 'js' : detect() === 'simd' ? 'simd' : 'wasm';
  if (path === 'wasm' && detect() === 'js') return { unavailable: 'this runtime has no WebAssembly' };
  // Compiled up front, so wasm compilation is not charged to the first pass.
  await ready({ engine });
  return (onData) => {
    const decoder = create({ engine });
    return {
      feed(chunk) {
        for (const event of decoder.push(chunk)) onData(event.data);
      },
    };
  };
}

async function sseParserOf(sdk: SdkId, path: 'js' | 'wasm'): Promise<SseParserFactory | Unavailable> {
  if (sdk === 'floor') return floorSseParser;
  if (sdk === 'pmcp') return pmcpSseParser(path);
  return eventsourceParser;
}

function sseCase(events: number, passes: number, path: 'js' | 'wasm'): BenchCase {
  const corpus = createSseCorpus(events);
  return {
    id: `parse-sse-${path}`,
    title: `SSE parse, pmcp ${path === 'js' ? 'JS' : 'wasm'} path (${events.toLocaleString('en-US')} events, ${(corpus.bytes / MB).toFixed(1)} MB)`,
    metrics: [EVENTS_PER_SECOND, MEGABYTES_PER_SECOND],
    async prepare(sdk) {
      const factory = await sseParserOf(sdk, path);
      if (isUnavailable(factory)) return factory;
      const onePass = async (): Promise<void> => {
        let count = 0;
        let length = 0;
        const parser = await factory((data) => {
          count++;
          length += data.length;
        });
        for (const chunk of corpus.chunks) parser.feed(chunk);
        if (count !== corpus.events || length !== corpus.dataLength) {
          throw new WrongResultError(
            `parsed ${count} events with ${length} data chars; expected ${corpus.events} and ${corpus.dataLength}`,
          );
        }
      };
      return {
        ...(sdk === 'official-v1' || sdk === 'official-v2'
          ? { note: 'eventsource-parser 3.x behind a TextDecoder (the SDK’s own)' }
          : sdk === 'pmcp'
            ? { note: `@pmcp/parse-wasm, engine ${path === 'js' ? 'js' : 'simd (or plain wasm)'}` }
            : {}),
        async warmup() {
          await onePass();
        },
        async run() {
          const began = performance.now();
          for (let pass = 0; pass < passes; pass++) await onePass();
          const seconds = (performance.now() - began) / 1000;
          return {
            rate: (corpus.events * passes) / seconds,
            bandwidth: (corpus.bytes * passes) / MB / seconds,
          };
        },
        dispose: async () => {},
      };
    },
  };
}

/** Scenario 6. */
export const parsingScenario: Scenario = {
  id: '6',
  title: 'parsing',
  cases: (profile) => [
    decodeCase(profile.parseCorpusSize, profile.parsePasses),
    sseCase(profile.sseEvents, profile.parsePasses, 'js'),
    sseCase(profile.sseEvents, profile.parsePasses, 'wasm'),
  ],
};
