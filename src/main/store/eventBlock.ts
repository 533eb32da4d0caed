// A block: the compact keys of up to BLOCK_SIZE consecutive events of one
// thread, packed event by event into one BLOB. Everything the diff needs to
// decide "equal" lives here; the full event is read back from the log by
// (offset, length) only where a difference has to be described.
import { crc32 } from 'node:zlib';
import { IndexDamagedError } from './db';
import { eventColumns, FLAG_ALLOCATOR, KEY_WORDS, type EventBlock } from './eventColumns';
import { decodeKeyRecords, decodeRecords } from './eventRecord';

export { FLAG_ALLOCATOR, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS, type EventBlock } from './eventColumns';

// 1024: a random jump in the context viewer reads and decodes ~46 KB per side, not 184 KB.
export const BLOCK_SIZE = 1024;

// Format 5: each event packed as a record relative to the one before it in the
// block (store/eventRecord.ts), 24 bytes an event on average rather than 61 as
// the columns took (format 4); the header carries a CRC-32 of the records, so
// that damaged pages of the index are noticed (and the index rebuilt) rather
// than compared. Decoded into the same columns.
const FORMAT = 5;
/** format u32, count u32, CRC-32 of the bytes after the header u32, zero u32. */
const HEADER = 16;

/**
 * One block being packed: its events' records (as a thread's pending events
 * hold them, store/eventArena.ts) and the same events decoded into columns,
 * which the block's summaries and chunks are computed from.
 */
export class EventBlockBuilder {
  readonly block: EventBlock = eventColumns(0, BLOCK_SIZE);
  private body = new Uint8Array(BLOCK_SIZE * 32);
  private bodyLength = 0;

  get count(): number {
    return this.block.count;
  }

  /** Where `bytes` records of `count` events go: fill the returned array's first `bytes` bytes, then call loaded(). */
  room(bytes: number): Uint8Array {
    if (bytes > this.body.length) this.body = new Uint8Array(Math.max(bytes, 2 * this.body.length));
    this.bodyLength = bytes;
    return this.body;
  }

  /** The records put in room() hold `count` events: decode them into the columns. */
  loaded(count: number): void {
    if (count > BLOCK_SIZE) throw new RangeError(`a block holds at most ${BLOCK_SIZE} events`);
    decodeRecords(this.body, 0, this.bodyLength, count, this.block);
    this.block.count = count;
  }

  /** Bytes of the BLOB take() makes now. */
  blobSize(): number {
    return HEADER + this.bodyLength;
  }

  /**
   * Pack the events into a BLOB and start over.
   * `into` (at least blobSize() bytes) is reused when given: SQLite copies what it binds.
   */
  take(into?: Buffer): Buffer {
    const size = this.blobSize();
    const out = into ? into.subarray(0, size) : Buffer.alloc(size);
    out.writeUInt32LE(FORMAT, 0);
    out.writeUInt32LE(this.block.count, 4);
    out.writeUInt32LE(0, 12);
    out.set(this.body.subarray(0, this.bodyLength), HEADER);
    out.writeUInt32LE(crc32(out.subarray(HEADER)), 8);
    this.block.count = 0;
    this.bodyLength = 0;
    return out;
  }
}

/** The number of events a block's BLOB holds, once its header and checksum are found right. */
function checkedCount(blob: Uint8Array): number {
  if (blob.byteLength < HEADER) throw new IndexDamagedError('an index block in an unknown format');
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (dv.getUint32(0, true) !== FORMAT) throw new IndexDamagedError('an index block in an unknown format');
  if (crc32(blob.subarray(HEADER)) !== dv.getUint32(8, true)) throw new IndexDamagedError('an index block whose checksum does not match');
  const n = dv.getUint32(4, true);
  if (n > BLOCK_SIZE) throw new IndexDamagedError('an index block of the wrong length');
  return n;
}

export function decodeBlock(blob: Uint8Array): EventBlock {
  const n = checkedCount(blob);
  const b = eventColumns(n, n);
  decodeRecords(blob, HEADER, blob.byteLength, n, b);
  return b;
}

/** A thread's columns as a comparison reads them, filled block by block (decodeBlockKeys). */
export interface KeyColumns {
  /** KEY_WORDS words an event: the effective key (effectiveKeys). */
  keys: Uint32Array;
  flags: Uint8Array;
  idx: Float64Array;
}

const scratchMasked = new Uint32Array(KEY_WORDS * BLOCK_SIZE);
const scratchOrdinal = new Int32Array(BLOCK_SIZE);

/**
 * Decode a block's keys (as effectiveKeys makes them), flags (those in
 * `keep`) and tid_event_idx into a thread's columns at event `to`, without the
 * columns nobody comparing reads (offsets, lengths, lines): what a rule change
 * reads of every block. The number of events decoded.
 */
export function decodeBlockKeys(blob: Uint8Array, canonicalize: boolean, keep: number, into: KeyColumns, to: number): number {
  const n = checkedCount(blob);
  if (to + n > into.idx.length) throw new IndexDamagedError('an index block past the end of its thread');
  if (!canonicalize) {
    decodeKeyRecords(blob, HEADER, blob.byteLength, n, to, keep, into.keys, into.flags, into.idx, null, null);
    return n;
  }
  // An allocator return's ordinal is written (a varint: never negative), any other event's left at -1.
  scratchOrdinal.fill(-1, 0, n);
  decodeKeyRecords(blob, HEADER, blob.byteLength, n, to, keep, into.keys, into.flags, into.idx, scratchMasked, scratchOrdinal);
  for (let i = 0; i < n; i++) {
    const o = scratchOrdinal[i]!;
    if (o >= 0) canonicalKey(scratchMasked, KEY_WORDS * i, o, into.keys, KEY_WORDS * (to + i));
  }
  return n;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The key of an allocator return after the reference's canonicalization,
 * from its masked key (the event without return_value and status, keyed by
 * the index's secret) and its ordinal: the sentinel `<alloc:NAME_ORDINAL>`
 * replaces both values, and the name is in the masked key, so two allocator
 * returns are equal after canonicalization exactly when their masked keys and
 * ordinals are. A fixed mix suffices here: the masked key is already keyed.
 */
export function canonicalKey(masked: Uint32Array, at: number, ordinal: number, out: Uint32Array, outAt: number): void {
  let a = fmix((masked[at]! ^ 0x63616e6f) + Math.imul(ordinal, 0x9e3779b1));
  let b = fmix(masked[at + 1]! + a);
  let c = fmix(masked[at + 2]! ^ b ^ ordinal);
  let d = fmix(masked[at + 3]! + c + 0x7f4a7c15);
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  out[outAt] = fmix(a);
  out[outAt + 1] = fmix(b ^ d);
  out[outAt + 2] = fmix(c + b);
  out[outAt + 3] = fmix(d ^ a);
}

/** The keys the comparison uses for a block's events: raw, or with allocator returns canonicalized. */
export function effectiveKeys(b: EventBlock, canonicalize: boolean, n = b.count): Uint32Array {
  if (!canonicalize) return b.keyRaw;
  let out: Uint32Array | null = null;
  for (let i = 0; i < n; i++) {
    if ((b.flags[i]! & FLAG_ALLOCATOR) === 0) continue;
    out ??= b.keyRaw.slice(0, KEY_WORDS * n);
    canonicalKey(b.keyMasked, KEY_WORDS * i, b.ordinal[i]!, out, KEY_WORDS * i);
  }
  return out ?? b.keyRaw;
}

/**
 * An order-dependent summary of a block's keys and tid_event_idx values: equal
 * summaries of two blocks at the same position mean, up to collisions, equal
 * events at every position by the reference's comparison (a block holding an
 * event flagged FLAG_FORCE_EXACT or FLAG_IDX_INEXACT is never skipped on its
 * summary). `keys` holds KEY_WORDS words per event.
 */
export function summarize(keys: Uint32Array, idx: Float64Array, n: number): string {
  // Two words of each key suffice: keys are keyed 128-bit hashes, so two events whose first
  // 64 bits agree differ elsewhere with probability 2^-64, and nobody can aim at it.
  const idxWords = new Uint32Array(idx.buffer, idx.byteOffset, 2 * n);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < n; i++) {
    const k = KEY_WORDS * i;
    const x0 = keys[k]!;
    const x1 = keys[k + 1]!;
    const x2 = idxWords[2 * i]!;
    const x3 = idxWords[2 * i + 1]!;
    a = Math.imul(a ^ x0, 0x01000193);
    b = Math.imul((b + x1) | 0, 0x9e3779b1) ^ (b >>> 15);
    a = Math.imul(a ^ x2, 0x01000193);
    b = Math.imul((b + x3) | 0, 0x9e3779b1) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0') + ':' + n;
}
