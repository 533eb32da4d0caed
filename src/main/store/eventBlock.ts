// A block: the compact keys of up to BLOCK_SIZE consecutive events of one
// thread, packed column by column into one BLOB. Everything the diff needs to
// decide "equal" lives here; the full event is read back from the log by
// (offset, length) only where a difference has to be described.
import { crc32 } from 'node:zlib';
import { IndexDamagedError } from './db';

// 1024: a random jump in the context viewer reads and decodes ~46 KB per side, not 184 KB.
export const BLOCK_SIZE = 1024;

/**
 * The event's key cannot decide equality: the reference compares it exactly,
 * or fails on it (a NaN at the top of the payload or in kind, which never
 * equals itself there; a missing, list or dict kind; a payload that is not an
 * object). The alignment takes such an event as equal to no other.
 */
export const FLAG_FORCE_EXACT = 1;
/** A kernel.return of an allocator: canonicalization rewrites it (its canonical key comes from keyMasked and ordinal). */
export const FLAG_ALLOCATOR = 2;
/** tid_event_idx is not a number a double holds exactly (idx column is NaN): the positional comparison reads it back. */
export const FLAG_IDX_INEXACT = 4;

// Format 4: the header carries a CRC-32 of the columns, so that damaged pages
// of the index are noticed (and the index rebuilt) rather than compared.
const FORMAT = 4;
/** format u32, count u32, CRC-32 of the bytes after the header u32, zero u32. */
const HEADER = 16;
/** Words per key: 128 bits. */
export const KEY_WORDS = 4;

export interface EventBlock {
  count: number;
  offset: Float64Array; // byte offset of the line in the log
  idx: Float64Array; // tid_event_idx (NaN when FLAG_IDX_INEXACT)
  keyRaw: Uint32Array; // 4 per event: the event's key without tid_event_idx (valueHash.eventKey)
  keyMasked: Uint32Array; // 4 per event: an allocator return's key without its values; else keyRaw
  length: Uint32Array; // bytes of the line, without its terminator
  line: Uint32Array; // 1-based line number in the log
  ordinal: Int32Array; // allocator ordinal, -1 if none
  flags: Uint8Array;
}

function layout(n: number): { size: number; at: number[] } {
  const widths = [8, 8, 16, 16, 4, 4, 4, 1];
  const at: number[] = [];
  let pos = HEADER;
  for (const w of widths) {
    pos = (pos + 7) & ~7;
    at.push(pos);
    pos += w * n;
  }
  return { size: pos, at };
}

function views(buf: ArrayBuffer, n: number, capacity: number): EventBlock {
  const { at } = layout(capacity);
  return {
    count: n,
    offset: new Float64Array(buf, at[0], capacity),
    idx: new Float64Array(buf, at[1], capacity),
    keyRaw: new Uint32Array(buf, at[2], KEY_WORDS * capacity),
    keyMasked: new Uint32Array(buf, at[3], KEY_WORDS * capacity),
    length: new Uint32Array(buf, at[4], capacity),
    line: new Uint32Array(buf, at[5], capacity),
    ordinal: new Int32Array(buf, at[6], capacity),
    flags: new Uint8Array(buf, at[7], capacity),
  };
}

/** Collects one thread's events; grows from small so that many short threads stay cheap. */
export class EventBlockBuilder {
  block: EventBlock;
  private capacity: number;
  private buf: ArrayBuffer;

  constructor(initial = 16) {
    this.capacity = initial;
    this.buf = new ArrayBuffer(layout(initial).size);
    this.block = views(this.buf, 0, initial);
  }

  get count(): number {
    return this.block.count;
  }

  /** Bytes of the BLOB take() makes now. */
  blobSize(): number {
    return layout(this.block.count).size;
  }

  /** Make room for one more event and return its slot. */
  slot(): number {
    if (this.block.count === this.capacity) this.grow(Math.min(this.capacity * 2, BLOCK_SIZE));
    return this.block.count++;
  }

  private grow(capacity: number): void {
    const old = this.block;
    this.buf = new ArrayBuffer(layout(capacity).size);
    const b = views(this.buf, old.count, capacity);
    b.offset.set(old.offset);
    b.idx.set(old.idx);
    b.keyRaw.set(old.keyRaw);
    b.keyMasked.set(old.keyMasked);
    b.length.set(old.length);
    b.line.set(old.line);
    b.ordinal.set(old.ordinal);
    b.flags.set(old.flags);
    this.capacity = capacity;
    this.block = b;
  }

  /**
   * Pack the events so far into a BLOB and start over (keeping the capacity).
   * `into` (at least blobSize() bytes) is reused when given: SQLite copies what it binds.
   */
  take(into?: Buffer): Buffer {
    const n = this.block.count;
    const { size, at } = layout(n);
    const out = into ? into.subarray(0, size) : Buffer.alloc(size);
    if (into) out.fill(0); // alignment padding must not carry bytes of an earlier block
    out.writeUInt32LE(FORMAT, 0);
    out.writeUInt32LE(n, 4);
    const b = this.block;
    const copy = (src: ArrayBufferView, pos: number, bytes: number): void => {
      out.set(new Uint8Array(src.buffer, src.byteOffset, bytes), pos);
    };
    copy(b.offset, at[0]!, 8 * n);
    copy(b.idx, at[1]!, 8 * n);
    copy(b.keyRaw, at[2]!, 16 * n);
    copy(b.keyMasked, at[3]!, 16 * n);
    copy(b.length, at[4]!, 4 * n);
    copy(b.line, at[5]!, 4 * n);
    copy(b.ordinal, at[6]!, 4 * n);
    copy(b.flags, at[7]!, n);
    out.writeUInt32LE(crc32(out.subarray(HEADER)), 8);
    b.count = 0;
    return out;
  }
}

export function decodeBlock(blob: Uint8Array): EventBlock {
  // Copy into a fresh, aligned buffer: SQLite's Buffer may sit at any offset.
  const buf = new ArrayBuffer(blob.byteLength);
  new Uint8Array(buf).set(blob);
  const dv = new DataView(buf);
  if (blob.byteLength < HEADER || dv.getUint32(0, true) !== FORMAT) throw new IndexDamagedError('an index block in an unknown format');
  const n = dv.getUint32(4, true);
  if (layout(n).size !== blob.byteLength) throw new IndexDamagedError('an index block of the wrong length');
  if (crc32(blob.subarray(HEADER)) !== dv.getUint32(8, true)) throw new IndexDamagedError('an index block whose checksum does not match');
  return views(buf, n, n);
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
