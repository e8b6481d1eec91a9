// Byte scanners for Server-Sent Events and NDJSON framing, compiled twice by scripts/build-wasm.ts:
// with `--enable simd` (line ends found 16 bytes at a time with v128 compares) and without (8 bytes at a
// time with SWAR on u64). One instance serves one decoder; the JS side (src/wasm-*.ts) copies each chunk
// into linear memory, calls feed, and reads fixed-size records that point at bytes to decode.
//
// No AssemblyScript runtime objects are used: all state lives in globals and in raw regions taken from a
// bump allocator, so the module needs no imports and no GC.

const LF: u8 = 10;
const CR: u8 = 13;
const COLON: u8 = 58;
const SPACE: u8 = 32;

// Records are 8 i32 each; a run stops and asks to be resumed when the table is full, which bounds memory
// for inputs made of thousands of tiny events.
const RECORD_WORDS: i32 = 8;
const RECORD_CAPACITY: i32 = 1024;
// SIMD and SWAR loads may read this far past the end of the bytes in use.
const SLACK: usize = 64;

const KIND_EVENT: i32 = 1;
const KIND_ID: i32 = 2;
const KIND_RETRY: i32 = 3;
const KIND_FRAME: i32 = 1;
const KIND_OVERSIZE: i32 = 2;

const TYPE_MESSAGE: i32 = -1;
const TYPE_SAME: i32 = -2;
const UNCHANGED: i32 = -1;

const RESULT_MORE: i32 = 0x10000;
const RESULT_OUT_OF_MEMORY: i32 = -1;

// ---- memory -------------------------------------------------------------------------------------------

let heapTop: usize = 0;

// Regions are never freed: one that must grow moves to the top of the heap and leaves its old bytes
// behind. Growth doubles, so the abandoned space is at most the size of the live regions, and records that
// still point into an abandoned region stay readable until the JS side has consumed them.
function allocate(size: usize): usize {
  if (heapTop == 0) heapTop = (__heap_base + 15) & ~(<usize>15);
  const start = heapTop;
  const end = start + ((size + SLACK + 15) & ~(<usize>15));
  const pagesNeeded = <i32>((end + 0xffff) >>> 16);
  const pagesNow = memory.size();
  if (pagesNeeded > pagesNow && memory.grow(pagesNeeded - pagesNow) < 0) return 0;
  heapTop = end;
  return start;
}

function grownCapacity(current: usize, needed: usize): usize {
  let capacity = current < 256 ? <usize>256 : current;
  while (capacity < needed) capacity <<= 1;
  return capacity;
}

// ---- scanning -----------------------------------------------------------------------------------------

// First CR or LF in [from, end), or end.
function findLineEnd(from: usize, end: usize): usize {
  let p = from;
  if (ASC_FEATURE_SIMD) {
    const lf = i8x16.splat(LF);
    const cr = i8x16.splat(CR);
    // 64 bytes per iteration while nothing matches: long data lines are the common case for 1 KB+ events.
    while (p + 64 <= end) {
      const a = v128.load(p);
      const b = v128.load(p, 16);
      const c = v128.load(p, 32);
      const d = v128.load(p, 48);
      const any = v128.or(
        v128.or(v128.or(i8x16.eq(a, lf), i8x16.eq(a, cr)), v128.or(i8x16.eq(b, lf), i8x16.eq(b, cr))),
        v128.or(v128.or(i8x16.eq(c, lf), i8x16.eq(c, cr)), v128.or(i8x16.eq(d, lf), i8x16.eq(d, cr))),
      );
      if (v128.any_true(any)) break;
      p += 64;
    }
    while (p < end) {
      const v = v128.load(p);
      const mask = i8x16.bitmask(v128.or(i8x16.eq(v, lf), i8x16.eq(v, cr)));
      if (mask != 0) {
        const at = p + <usize>ctz(mask);
        return at < end ? at : end;
      }
      p += 16;
    }
    return end;
  } else {
    while (p + 8 <= end) {
      const word = load<u64>(p);
      const lfBits = word ^ 0x0a0a0a0a0a0a0a0a;
      const crBits = word ^ 0x0d0d0d0d0d0d0d0d;
      // The lowest flagged byte of the classic has-zero-byte test is always a true match, which is all a
      // search for the first line end needs.
      const hits =
        ((lfBits - 0x0101010101010101) & ~lfBits & 0x8080808080808080) |
        ((crBits - 0x0101010101010101) & ~crBits & 0x8080808080808080);
      if (hits != 0) return p + <usize>(ctz(hits) >> 3);
      p += 8;
    }
    while (p < end) {
      const byte = load<u8>(p);
      if (byte == LF || byte == CR) return p;
      p++;
    }
    return end;
  }
}

// First LF in [from, end), or end.
function findLf(from: usize, end: usize): usize {
  let p = from;
  if (ASC_FEATURE_SIMD) {
    const lf = i8x16.splat(LF);
    while (p + 64 <= end) {
      const any = v128.or(
        v128.or(i8x16.eq(v128.load(p), lf), i8x16.eq(v128.load(p, 16), lf)),
        v128.or(i8x16.eq(v128.load(p, 32), lf), i8x16.eq(v128.load(p, 48), lf)),
      );
      if (v128.any_true(any)) break;
      p += 64;
    }
    while (p < end) {
      const mask = i8x16.bitmask(i8x16.eq(v128.load(p), lf));
      if (mask != 0) {
        const at = p + <usize>ctz(mask);
        return at < end ? at : end;
      }
      p += 16;
    }
    return end;
  } else {
    while (p + 8 <= end) {
      const bits = load<u64>(p) ^ 0x0a0a0a0a0a0a0a0a;
      const hits = (bits - 0x0101010101010101) & ~bits & 0x8080808080808080;
      if (hits != 0) return p + <usize>(ctz(hits) >> 3);
      p += 8;
    }
    while (p < end) {
      if (load<u8>(p) == LF) return p;
      p++;
    }
    return end;
  }
}

function containsNul(from: usize, end: usize): bool {
  let p = from;
  if (ASC_FEATURE_SIMD) {
    const zero = i8x16.splat(0);
    while (p < end) {
      const mask = i8x16.bitmask(i8x16.eq(v128.load(p), zero));
      if (mask != 0) return p + <usize>ctz(mask) < end;
      p += 16;
    }
    return false;
  } else {
    while (p < end) {
      if (load<u8>(p) == 0) return true;
      p++;
    }
    return false;
  }
}

/** Whether [from, from + length) holds only ASCII bytes: then byte offsets are UTF-16 offsets too. */
export function isAscii(from: usize, length: usize): bool {
  let p = from;
  const end = from + length;
  if (ASC_FEATURE_SIMD) {
    let seen = i8x16.splat(0);
    while (p + 64 <= end) {
      seen = v128.or(
        seen,
        v128.or(v128.or(v128.load(p), v128.load(p, 16)), v128.or(v128.load(p, 32), v128.load(p, 48))),
      );
      p += 64;
    }
    while (p + 16 <= end) {
      seen = v128.or(seen, v128.load(p));
      p += 16;
    }
    if (i8x16.bitmask(seen) != 0) return false;
  } else {
    while (p + 8 <= end) {
      if ((load<u64>(p) & 0x8080808080808080) != 0) return false;
      p += 8;
    }
  }
  while (p < end) {
    if (load<u8>(p) >= 0x80) return false;
    p++;
  }
  return true;
}

function allDigits(from: usize, end: usize): bool {
  if (from == end) return false;
  for (let p = from; p < end; p++) {
    const byte = load<u8>(p);
    if (byte < 48 || byte > 57) return false;
  }
  return true;
}

function startsWithBom(from: usize, end: usize): bool {
  return end - from >= 3 && load<u8>(from) == 0xef && load<u8>(from, 1) == 0xbb && load<u8>(from, 2) == 0xbf;
}

// ---- shared input and record state ---------------------------------------------------------------------

let input: usize = 0;
let inputCapacity: usize = 0;
// Bytes of an unfinished line kept for the next feed; they start at `carryFrom` until the next reserve
// moves them to the front (not earlier: records of the last run may still point at the bytes before them).
let carryFrom: usize = 0;
let carryLength: usize = 0;
let inputEnd: usize = 0;
let lineStart: usize = 0;
let scanFrom: usize = 0;

let records: usize = 0;
let recordCount: i32 = 0;

function writeRecord(kind: i32, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32): void {
  const at = records + ((<usize>recordCount * <usize>RECORD_WORDS) << 2);
  store<i32>(at, kind);
  store<i32>(at, a, 4);
  store<i32>(at, b, 8);
  store<i32>(at, c, 12);
  store<i32>(at, d, 16);
  store<i32>(at, e, 20);
  store<i32>(at, f, 24);
  recordCount++;
}

function initShared(): bool {
  if (records != 0) return true;
  records = allocate(<usize>(RECORD_CAPACITY * RECORD_WORDS * 4));
  if (records == 0) return false;
  inputCapacity = 65536;
  input = allocate(inputCapacity);
  return input != 0;
}

/** Address of the record table (fixed for the life of the instance). */
export function recordTable(): usize {
  return records;
}

// Makes room for `length` new bytes after the carried partial line; returns where to write them, 0 when
// memory cannot grow.
export function reserve(length: i32): usize {
  if (!initShared()) return 0;
  if (carryLength > 0 && carryFrom != input) memory.copy(input, carryFrom, carryLength);
  carryFrom = input;
  const needed = carryLength + <usize>length;
  if (needed > inputCapacity) {
    const capacity = grownCapacity(inputCapacity, needed);
    const moved = allocate(capacity);
    if (moved == 0) return 0;
    memory.copy(moved, input, carryLength);
    input = moved;
    carryFrom = moved;
    inputCapacity = capacity;
  }
  return input + carryLength;
}

function beginFeed(length: i32): void {
  lineStart = input;
  scanFrom = input + carryLength;
  inputEnd = input + carryLength + <usize>length;
  carryLength = 0;
}

function endFeed(): void {
  carryFrom = lineStart;
  carryLength = inputEnd - lineStart;
}

// ---- SSE ----------------------------------------------------------------------------------------------

// WHATWG HTML "event stream interpretation", over bytes. Field names are matched as prefixes ("data" then
// ':' or end of line), so no separate search for the colon is needed: every field this parser acts on has
// a known name, and any other line is ignored whatever its colon says.
//
// The data of every event dispatched in a run is laid out back to back in the arena, each followed by a
// CR (a byte no data can contain, since CR ends a line), so the JS side decodes all of them with one
// TextDecoder call and cuts the text at the CRs: a call per event costs more than the decoding itself for
// small events. Decoding across the CRs gives the same text as decoding each event alone, because a
// UTF-8 decoder meeting an ASCII byte ends any unfinished sequence there.

let sseStarted: bool = false;
let pendingCr: bool = false;
let firstLine: bool = true;

let arena: usize = 0;
let arenaCapacity: usize = 0;
const arenaUsed: usize = 0;
// The data buffer of the event being read: always the last bytes of the arena.
let dataLines: i32 = 0;
let dataStart: usize = 0;
let dataLength: usize = 0;

let typeBuffer: usize = 0;
let typeCapacity: usize = 0;
let typeLength: usize = 0;
let lastTypeBuffer: usize = 0;
let lastTypeCapacity: usize = 0;
let lastTypeLength: i32 = -1;

let idBuffer: usize = 0;
let idCapacity: usize = 0;
let idLength: usize = 0;
let idChanged: bool = false;
let blockHasRetry: bool = false;

let outOfMemory: bool = false;

// Sized before each run so it never moves during one. Every byte written stands for a byte of this run's
// input (data, joining LF, separating CR) or comes from an id or type set earlier, and a dispatch adds at
// most three CRs for its (at least one byte long) blank line: four times the input plus the pending id and
// type is enough.
function reserveArena(needed: usize): bool {
  if (needed <= arenaCapacity) return true;
  const capacity = grownCapacity(arenaCapacity, needed);
  const moved = allocate(capacity);
  if (moved == 0) return false;
  memory.copy(moved, arena + dataStart, dataLength);
  arena = moved;
  arenaCapacity = capacity;
  dataStart = 0;
  return true;
}

// Appends `length` bytes and a CR after the current block's data; returns where they start.
function appendSegment(from: usize, length: usize): usize {
  const at = arena + dataStart + dataLength;
  memory.copy(at, from, length);
  store<u8>(at + length, CR);
  dataStart += length + 1;
  return at;
}

function appendData(from: usize, end: usize): void {
  const length = end - from;
  let at = arena + dataStart + dataLength;
  if (dataLines > 0) {
    store<u8>(at, LF);
    at++;
    dataLength++;
  }
  memory.copy(at, from, length);
  dataLength += length;
  dataLines++;
}

function setBuffer(which: i32, from: usize, length: usize): bool {
  let buffer = which == 0 ? typeBuffer : which == 1 ? idBuffer : lastTypeBuffer;
  let capacity = which == 0 ? typeCapacity : which == 1 ? idCapacity : lastTypeCapacity;
  if (length > capacity) {
    capacity = grownCapacity(capacity, length);
    buffer = allocate(capacity);
    if (buffer == 0) return false;
    if (which == 0) {
      typeBuffer = buffer;
      typeCapacity = capacity;
    } else if (which == 1) {
      idBuffer = buffer;
      idCapacity = capacity;
    } else {
      lastTypeBuffer = buffer;
      lastTypeCapacity = capacity;
    }
  }
  memory.copy(buffer, from, length);
  return true;
}

// Records list the segments of the arena in order: an event's data, then its id if it changed, then its
// type if it differs from the previous event's; an empty dispatch may add an id. The JS side decodes the
// whole run at once and takes the segments in the same order.
function dispatch(): void {
  if (dataLines == 0) {
    typeLength = 0;
    if (idChanged || blockHasRetry) {
      let idAt: i32 = UNCHANGED;
      if (idChanged) idAt = <i32>appendSegment(idBuffer, idLength);
      writeRecord(KIND_ID, 0, 0, 0, 0, idAt, <i32>idLength);
    }
    idChanged = false;
    blockHasRetry = false;
    return;
  }
  const dataAt = arena + dataStart;
  const length = dataLength;
  store<u8>(dataAt + length, CR);
  dataStart += length + 1;
  dataLength = 0;
  let idAt: i32 = UNCHANGED;
  if (idChanged) {
    idAt = <i32>appendSegment(idBuffer, idLength);
    idChanged = false;
  }
  let typeAt: i32 = TYPE_MESSAGE;
  if (typeLength > 0) {
    if (<i32>typeLength == lastTypeLength && memory.compare(typeBuffer, lastTypeBuffer, typeLength) == 0) {
      typeAt = TYPE_SAME;
    } else {
      if (!setBuffer(2, typeBuffer, typeLength)) {
        outOfMemory = true;
        return;
      }
      lastTypeLength = <i32>typeLength;
      typeAt = <i32>appendSegment(typeBuffer, typeLength);
    }
  }
  writeRecord(KIND_EVENT, <i32>dataAt, <i32>length, typeAt, <i32>typeLength, idAt, <i32>idLength);
  dataLines = 0;
  typeLength = 0;
  blockHasRetry = false;
}

function sseLine(start: usize, end: usize): void {
  let from = start;
  if (firstLine) {
    firstLine = false;
    if (startsWithBom(from, end)) from += 3;
  }
  const length = end - from;
  if (length == 0) {
    dispatch();
    return;
  }
  const first = load<u8>(from);
  if (first == 0x64) {
    // data
    if (length >= 4 && load<u32>(from) == 0x61746164) {
      if (length == 4) appendData(end, end);
      else if (load<u8>(from, 4) == COLON) {
        let value = from + 5;
        if (value < end && load<u8>(value) == SPACE) value++;
        appendData(value, end);
      }
    }
  } else if (first == 0x65) {
    // event
    if (length >= 5 && load<u32>(from) == 0x6e657665 && load<u8>(from, 4) == 0x74) {
      if (length == 5) typeLength = 0;
      else if (load<u8>(from, 5) == COLON) {
        let value = from + 6;
        if (value < end && load<u8>(value) == SPACE) value++;
        if (!setBuffer(0, value, end - value)) outOfMemory = true;
        else typeLength = end - value;
      }
    }
  } else if (first == 0x69) {
    // id
    if (length >= 2 && load<u16>(from) == 0x6469) {
      let value = end;
      if (length > 2) {
        if (load<u8>(from, 2) != COLON) return;
        value = from + 3;
        if (value < end && load<u8>(value) == SPACE) value++;
      }
      if (containsNul(value, end)) return;
      if (!setBuffer(1, value, end - value)) outOfMemory = true;
      else {
        idLength = end - value;
        idChanged = true;
      }
    }
  } else if (first == 0x72) {
    // retry
    if (
      length > 6 &&
      load<u32>(from) == 0x72746572 &&
      load<u8>(from, 4) == 0x79 &&
      load<u8>(from, 5) == COLON
    ) {
      let value = from + 6;
      if (value < end && load<u8>(value) == SPACE) value++;
      if (allDigits(value, end)) {
        // The digits stay in the input until the next reserve, after the JS side has read this record.
        writeRecord(KIND_RETRY, <i32>value, <i32>(end - value), 0, 0, 0, 0);
        blockHasRetry = true;
      }
    }
  }
}

function sseRun(): i32 {
  // Whatever the previous run dispatched has been read: keep only the unfinished block's data.
  if (dataStart != 0) {
    memory.copy(arena, arena + dataStart, dataLength);
    dataStart = 0;
  }
  recordCount = 0;
  const end = inputEnd;
  if (!reserveArena(dataLength + idLength + typeLength + 4 * (end - lineStart) + 16))
    return RESULT_OUT_OF_MEMORY;
  let start = lineStart;
  let p = scanFrom;
  while (true) {
    if (pendingCr) {
      if (p >= end) break;
      pendingCr = false;
      if (load<u8>(p) == LF) {
        p++;
        start = p;
      }
    }
    const at = findLineEnd(p, end);
    if (at == end) {
      p = end;
      break;
    }
    sseLine(start, at);
    if (outOfMemory) return RESULT_OUT_OF_MEMORY;
    p = at + 1;
    if (load<u8>(at) == CR) {
      if (p < end) {
        if (load<u8>(p) == LF) p++;
      } else {
        pendingCr = true;
      }
    }
    start = p;
    // Every line writes at most one record, so one free slot is enough to go on.
    if (recordCount >= RECORD_CAPACITY) {
      lineStart = start;
      scanFrom = p;
      return recordCount | RESULT_MORE;
    }
  }
  lineStart = start;
  scanFrom = p;
  endFeed();
  return recordCount;
}

/** Parses `length` bytes written at the address `reserve` returned; returns the record count, plus
 * RESULT_MORE when `sseResume` must be called after reading them, or -1 when out of memory. */
export function sseFeed(length: i32): i32 {
  if (!sseStarted) {
    sseStarted = true;
    if (!reserveArena(65536)) return RESULT_OUT_OF_MEMORY;
  }
  beginFeed(length);
  return sseRun();
}

/** Where the segments written by the last run end: the JS side decodes up to here. */
export function sseSegmentsEnd(): usize {
  return arena + dataStart;
}

export function sseResume(): i32 {
  return sseRun();
}

/** Takes over a stream another parser started, at a line boundary with no event pending: the last-event-ID
 * buffer is the `length` bytes written at the address `reserve` returned, and the BOM is behind us. */
export function sseAdopt(length: i32, changed: bool): bool {
  firstLine = false;
  if (!setBuffer(1, input + carryLength, <usize>length)) return false;
  idLength = <usize>length;
  idChanged = changed;
  return true;
}

/** End of stream: an unfinished event is discarded; the last-event-ID buffer and reconnection time stay. */
export function sseEnd(): void {
  carryLength = 0;
  carryFrom = input;
  pendingCr = false;
  firstLine = true;
  dataLines = 0;
  dataStart = 0;
  dataLength = 0;
  typeLength = 0;
  blockHasRetry = false;
}

// ---- NDJSON framing -----------------------------------------------------------------------------------

// The same rules as createNdjsonDecoder in @pmcp/jsonrpc (the reference): LF ends a message, one CR before
// it is stripped, lines of only space/tab/CR are skipped, and a line longer than the limit gives one
// oversize record and is discarded up to the next LF. An unfinished line is dropped as soon as it is longer
// than the limit plus one byte (room for a CR that may precede the LF).

let maxMessageBytes: usize = 8 * 1024 * 1024;
let discarding: bool = false;

export function frameInit(max: f64): void {
  maxMessageBytes = <usize>max;
}

function isBlank(from: usize, end: usize): bool {
  for (let p = from; p < end; p++) {
    const byte = load<u8>(p);
    if (byte != SPACE && byte != 9 && byte != CR) return false;
  }
  return true;
}

function frameLine(start: usize, end: usize): void {
  let to = end;
  if (to > start && load<u8>(to - 1) == CR) to--;
  const length = to - start;
  if (length > maxMessageBytes) writeRecord(KIND_OVERSIZE, <i32>start, <i32>length, 0, 0, 0, 0);
  else if (!isBlank(start, to)) writeRecord(KIND_FRAME, <i32>start, <i32>length, 0, 0, 0, 0);
}

function frameRun(): i32 {
  recordCount = 0;
  const end = inputEnd;
  let start = lineStart;
  let p = scanFrom;
  while (p < end) {
    const at = findLf(p, end);
    if (at == end) {
      p = end;
      break;
    }
    if (discarding) discarding = false;
    else frameLine(start, at);
    p = at + 1;
    start = p;
    if (recordCount >= RECORD_CAPACITY) {
      lineStart = start;
      scanFrom = p;
      return recordCount | RESULT_MORE;
    }
  }
  lineStart = start;
  scanFrom = p;
  if (discarding) {
    lineStart = end;
  } else if (end - start > maxMessageBytes + 1) {
    writeRecord(KIND_OVERSIZE, <i32>start, <i32>(end - start), 0, 0, 0, 0);
    discarding = true;
    lineStart = end;
  }
  endFeed();
  return recordCount;
}

export function frameFeed(length: i32): i32 {
  beginFeed(length);
  return frameRun();
}

export function frameResume(): i32 {
  return frameRun();
}

/** End of stream: a final line without a newline becomes a frame (unless it was being discarded). */
export function frameEnd(): i32 {
  recordCount = 0;
  if (!discarding && carryLength > 0) frameLine(carryFrom, carryFrom + carryLength);
  carryLength = 0;
  carryFrom = input;
  discarding = false;
  return recordCount;
}
