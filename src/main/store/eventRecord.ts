// How a block packs each event (store/eventBlock.ts, format 5), and how a
// thread's pending events are kept until their block is full
// (store/eventArena.ts): one record an event, relative to the event before it
// in the same block, so that a block's records decode without anything else.
//
//   head   u8      the event's flags (bits 0-4) | 32 when tid_event_idx is the previous one's + 1
//   key    16 B    keyRaw, four u32 LE
//   masked 16 B    keyMasked, only for an allocator return (else it is keyRaw)
//   ordinal varint only for an allocator return (else -1)
//   offset varint  zigzag of the byte offset minus the previous event's (0 before the first)
//   length varint
//   line   varint  zigzag of the line number minus the previous event's
//   idx    f64 LE  only when not the previous one's + 1 (the first event's, unless NaN)
//
// The keys are keyed hashes and take most of a record (24 bytes on average in
// the benchmark's logs, where the columns took 61); offsets, lines and
// lengths are small deltas in one thread, and tid_event_idx is nearly always
// its position.
import { IndexDamagedError } from './db';
import { FLAG_ALLOCATOR, KEY_WORDS, type EventBlock } from './eventColumns';
import { ByteReader, MAX_VARINT, putVarint, unzigzag, zigzag } from './varint';

const SEQ_IDX = 32;
const FLAG_BITS = 31;
// Module-local copies of what the decoding loops read per event: an imported binding is a getter
// call each time where the sources run unbundled (tsx: the benchmark, the tests).
const WORDS = KEY_WORDS;
const ALLOCATOR = FLAG_ALLOCATOR;
const fromZigzag = unzigzag;

/** Bytes an event's record takes at most. */
export const MAX_EVENT_RECORD = 1 + 32 + 4 * MAX_VARINT + 8;

/** What a record is relative to: the previous event of the block (reset at a block's start). */
export class RecordBase {
  offset = 0;
  line = 0;
  idx = NaN;

  reset(): void {
    this.offset = 0;
    this.line = 0;
    this.idx = NaN;
  }
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

function putKey(out: Uint8Array, at: number, key: Uint32Array, from: number): number {
  for (let w = 0; w < KEY_WORDS; w++) {
    const x = key[from + w]!;
    out[at++] = x;
    out[at++] = x >>> 8;
    out[at++] = x >>> 16;
    out[at++] = x >>> 24;
  }
  return at;
}

function getKey(b: Uint8Array, at: number, key: Uint32Array, to: number): void {
  for (let w = 0; w < WORDS; w++, at += 4) key[to + w] = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Write one event's record at `at` (room for MAX_EVENT_RECORD bytes); the position after it. */
export function putEventRecord(
  out: Uint8Array,
  at: number,
  base: RecordBase,
  offset: number,
  length: number,
  line: number,
  idx: number,
  keyRaw: Uint32Array,
  keyMasked: Uint32Array,
  ordinal: number,
  flags: number,
): number {
  if (flags > FLAG_BITS) throw new RangeError(`event flags ${flags} do not fit a record`);
  const seq = Object.is(idx, base.idx + 1);
  out[at++] = flags | (seq ? SEQ_IDX : 0);
  at = putKey(out, at, keyRaw, 0);
  if (flags & FLAG_ALLOCATOR) {
    at = putKey(out, at, keyMasked, 0);
    at = putVarint(out, at, ordinal);
  }
  at = putVarint(out, at, zigzag(offset - base.offset));
  at = putVarint(out, at, length);
  at = putVarint(out, at, zigzag(line - base.line));
  if (!seq) {
    f64[0] = idx;
    out.set(f64Bytes, at);
    at += 8;
  }
  base.offset = offset;
  base.line = line;
  base.idx = idx;
  return at;
}

/** Decode `count` records from bytes[start, end) into the columns' first `count` slots; they must fill it exactly. */
export function decodeRecords(bytes: Uint8Array, start: number, end: number, count: number, into: EventBlock): void {
  const r = new ByteReader(bytes, start, end);
  let offset = 0;
  let line = 0;
  let idx = NaN;
  for (let i = 0; i < count; i++) {
    const head = r.byte();
    const flags = head & FLAG_BITS;
    const k = WORDS * i;
    getKey(bytes, r.skip(16), into.keyRaw, k);
    if (flags & ALLOCATOR) {
      getKey(bytes, r.skip(16), into.keyMasked, k);
      into.ordinal[i] = r.varint();
    } else {
      for (let w = 0; w < WORDS; w++) into.keyMasked[k + w] = into.keyRaw[k + w]!;
      into.ordinal[i] = -1;
    }
    offset += fromZigzag(r.varint());
    into.offset[i] = offset;
    into.length[i] = r.varint();
    line += fromZigzag(r.varint());
    into.line[i] = line;
    if (head & SEQ_IDX) idx += 1;
    else {
      const at = r.skip(8);
      for (let j = 0; j < 8; j++) f64Bytes[j] = bytes[at + j]!;
      idx = f64[0]!;
    }
    into.idx[i] = idx;
    into.flags[i] = flags;
  }
  if (r.at !== end) throw new IndexDamagedError('an index block of the wrong length');
}

/**
 * What a comparison reads of `count` records, decoded straight into a
 * thread's columns at event `to`: each key (keyRaw), its flags less those not
 * in `keep`, and tid_event_idx. An allocator return's masked key and ordinal
 * go to `masked` and `ordinal` at the event's place in the block (for the
 * canonical key), when given; the other fields are stepped over.
 */
export function decodeKeyRecords(
  bytes: Uint8Array,
  start: number,
  end: number,
  count: number,
  to: number,
  keep: number,
  keys: Uint32Array,
  flagsOut: Uint8Array,
  idxOut: Float64Array,
  masked: Uint32Array | null,
  ordinal: Int32Array | null,
): void {
  const r = new ByteReader(bytes, start, end);
  let idx = NaN;
  for (let i = 0; i < count; i++) {
    const head = r.byte();
    const flags = head & FLAG_BITS;
    getKey(bytes, r.skip(16), keys, WORDS * (to + i));
    if (flags & ALLOCATOR) {
      const at = r.skip(16);
      const o = r.varint();
      if (masked && ordinal) {
        getKey(bytes, at, masked, WORDS * i);
        ordinal[i] = o;
      }
    }
    r.varint(); // offset
    r.varint(); // length
    r.varint(); // line
    if (head & SEQ_IDX) idx += 1;
    else {
      const at = r.skip(8);
      for (let j = 0; j < 8; j++) f64Bytes[j] = bytes[at + j]!;
      idx = f64[0]!;
    }
    idxOut[to + i] = idx;
    flagsOut[to + i] = flags & keep;
  }
  if (r.at !== end) throw new IndexDamagedError('an index block of the wrong length');
}
