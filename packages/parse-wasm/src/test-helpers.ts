/**
 * Test oracles and generators shared by the SSE and framing tests (not part of the package build).
 */
import type { Frame, FrameDecoder, SseDecoder, SseEvent } from '@pmcp/jsonrpc';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';

export const encoder: TextEncoder = new TextEncoder();

export function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const encoded = parts.map((part) =>
    typeof part === 'string'
      ? encoder.encode(part)
      : part instanceof Uint8Array
        ? part
        : new Uint8Array(part),
  );
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Splits at the given offsets (any order, duplicates and out-of-range values allowed). */
export function splitAt(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => Math.min(Math.max(cut, 0), input.length)))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, input.length]) {
    chunks.push(input.slice(start, point));
    start = point;
  }
  return chunks;
}

export interface SseRun {
  /** The events of each push, then of end(), in order. */
  perPush: SseEvent[][];
  events: SseEvent[];
  lastEventId: string;
  retry: number | undefined;
}

export function runSse(decoder: SseDecoder, chunks: readonly Uint8Array[]): SseRun {
  const perPush = chunks.map((chunk) => decoder.push(chunk));
  perPush.push(decoder.end());
  return { perPush, events: perPush.flat(), lastEventId: decoder.lastEventId, retry: decoder.retry };
}

/**
 * A direct transcription of the WHATWG event-stream interpretation over the whole decoded stream: the
 * simplest correct parser, to hold the streaming ones to.
 */
export function specSse(input: Uint8Array): Omit<SseRun, 'perPush'> {
  const text = new TextDecoder().decode(input);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the last piece has no line end: discarded at end of stream
  const events: SseEvent[] = [];
  let data = '';
  let type = '';
  let idBuffer = '';
  let lastEventId = '';
  let retry: number | undefined;
  let blockRetry: number | undefined;
  for (const line of lines) {
    if (line === '') {
      lastEventId = idBuffer;
      if (data !== '') {
        const event: SseEvent = { event: type || 'message', data: data.slice(0, -1), id: idBuffer };
        if (blockRetry !== undefined) event.retry = blockRetry;
        events.push(event);
      }
      data = '';
      type = '';
      blockRetry = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data += `${value}\n`;
    else if (field === 'id') {
      if (!value.includes('\0')) idBuffer = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) {
      retry = Number.parseInt(value, 10);
      blockRetry = retry;
    }
  }
  return { events, lastEventId, retry };
}

/**
 * eventsource-parser as a client runs it: a streaming TextDecoder in front. Its events carry `id` only when
 * the event's own block set one (the caller keeps the last one), and retry values arrive through onRetry.
 */
export function eventsourceParserSse(chunks: readonly Uint8Array[]): {
  events: { event: string; data: string; id: string | undefined }[];
  retries: number[];
} {
  const events: { event: string; data: string; id: string | undefined }[] = [];
  const retries: number[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ event: event.event ?? 'message', data: event.data, id: event.id }),
    onRetry: (retry) => retries.push(retry),
  });
  const decoder = new TextDecoder();
  for (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') parser.feed(text);
  }
  return { events, retries };
}

// ---- generators ---------------------------------------------------------------------------------------

const valuePiece = fc.constantFrom(
  'a',
  'x y',
  'é',
  '€',
  '😀',
  ':',
  ' ',
  '  ',
  '\0',
  '{"jsonrpc":"2.0","id":1}',
  'data',
  'id',
  '\uFEFF',
  '12',
  'message',
);
const value = fc.array(valuePiece, { maxLength: 6 }).map((pieces) => pieces.join(''));

/** One SSE line (without its line end), covering every rule: fields with and without colon or space. */
export const sseLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: value.map((v) => `data: ${v}`) },
  { weight: 2, arbitrary: value.map((v) => `data:${v}`) },
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: value.map((v) => `event: ${v}`) },
  { weight: 2, arbitrary: value.map((v) => `id: ${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('id: a\0b', 'id', 'id:', 'data', 'event', 'event:', 'retry') },
  { weight: 2, arbitrary: fc.oneof(fc.nat({ max: 100_000 }).map(String), value).map((v) => `retry: ${v}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'retry:1000',
      'retry: 12a',
      'retry: ',
      'retry:  5',
      'retry: 99999999999999999999',
    ),
  },
  { weight: 1, arbitrary: value.map((v) => `:${v}`) },
  { weight: 1, arbitrary: value.map((v) => `foo: ${v}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('dat: x', 'datax: y', 'Data: z', 'ids: 1', 'events: e', ' data: x'),
  },
);

export const lineEnd: fc.Arbitrary<string> = fc.constantFrom('\n', '\r', '\r\n');

/** A well-formed-looking event stream: lines with random line ends, sometimes a BOM first. */
export const sseStream: fc.Arbitrary<Uint8Array> = fc
  .record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(sseLine, lineEnd), { maxLength: 40 }),
    tail: fc.oneof(fc.constant(''), sseLine),
  })
  .map(({ bom, lines, tail }) =>
    encoder.encode(`${bom ? '\uFEFF' : ''}${lines.map(([line, end]) => line + end).join('')}${tail}`),
  );

/** Raw bytes biased towards SSE syntax, with invalid and split UTF-8 and stray BOM bytes. */
export const byteSoup: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.constantFrom(
      'data',
      'data:',
      'data: ',
      'event:',
      'id:',
      'retry:',
      ':',
      ' ',
      '\r',
      '\n',
      '\r\n',
      'x',
      '7',
      '\0',
      'é',
      '😀',
      [0xef, 0xbb, 0xbf],
      [0xef, 0xbb],
      [0xc3],
      [0xa9],
      [0xf0, 0x9f],
      [0x98, 0x80],
      [0xff],
      [0x80],
      '\t',
      '{"a":1}',
    ),
    { maxLength: 80 },
  )
  .map((parts) => bytes(...parts));

/** Cut points for splitting a stream of up to a few hundred bytes into chunks anywhere. */
export const cuts: fc.Arbitrary<number[]> = fc.array(fc.nat({ max: 600 }), { maxLength: 30 });

// ---- frames -------------------------------------------------------------------------------------------

export type ComparableFrame = { ok: true; text: string } | { ok: false; code: number; message: string };

export function comparable(frames: Frame[]): ComparableFrame[] {
  return frames.map((frame) =>
    frame.ok ? frame : { ok: false, code: frame.error.code, message: frame.error.message },
  );
}

export function runFrames(decoder: FrameDecoder, chunks: readonly Uint8Array[]): ComparableFrame[][] {
  const perPush = chunks.map((chunk) => comparable(decoder.push(chunk)));
  perPush.push(comparable(decoder.end()));
  return perPush;
}

/** NDJSON lines: JSON-ish text, blanks, spaces, CRs, non-ASCII, BOMs and invalid UTF-8. */
export const ndjsonSoup: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.constantFrom(
      '{"jsonrpc":"2.0","method":"ping"}',
      '{"p":"é😀"}',
      'x',
      ' ',
      '\t',
      '\r',
      '\n',
      '\r\n',
      '\n\n',
      '€',
      [0xef, 0xbb, 0xbf],
      [0xff],
      [0xc3],
      [0xa9],
    ),
    { maxLength: 60 },
  )
  .map((parts) => bytes(...parts));
