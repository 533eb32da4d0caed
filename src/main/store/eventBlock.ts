// A block: the compact keys of up to BLOCK_SIZE consecutive events of one
// thread, packed column by column into one BLOB. Everything the diff needs to
// decide "equal" lives here; the full event is read back from the log by
// (offset, length) only where a difference has to be described.

// 1024: a random jump in the context viewer reads and decodes ~46 KB per side, not 184 KB.
export const BLOCK_SIZE = 1024;

/** The event needs the exact comparison (NaN at top level, odd kind or payload the reference may fail on). */
export const FLAG_FORCE_EXACT = 1;
/** A kernel.return of an allocator: canonicalization rewrites it (hashCanon differs from hashRaw). */
export const FLAG_ALLOCATOR = 2;
/** tid_event_idx is not a number a double holds exactly (idx column is NaN). */
export const FLAG_IDX_INEXACT = 4;

const FORMAT = 2;
const HEADER = 8;

export interface EventBlock {
  count: number;
  offset: Float64Array; // byte offset of the line in the log
  idx: Float64Array; // tid_event_idx (NaN when FLAG_IDX_INEXACT)
  hashCanon: Uint32Array; // 2 per event
  hashRaw: Uint32Array; // 2 per event
  length: Uint32Array; // bytes of the line, without its terminator
  line: Uint32Array; // 1-based line number in the log
  ordinal: Int32Array; // allocator ordinal, -1 if none
  flags: Uint8Array;
}

function layout(n: number): { size: number; at: number[] } {
  const widths = [8, 8, 8, 8, 4, 4, 4, 1];
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
    hashCanon: new Uint32Array(buf, at[2], 2 * capacity),
    hashRaw: new Uint32Array(buf, at[3], 2 * capacity),
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
    b.hashCanon.set(old.hashCanon);
    b.hashRaw.set(old.hashRaw);
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
    copy(b.hashCanon, at[2]!, 8 * n);
    copy(b.hashRaw, at[3]!, 8 * n);
    copy(b.length, at[4]!, 4 * n);
    copy(b.line, at[5]!, 4 * n);
    copy(b.ordinal, at[6]!, 4 * n);
    copy(b.flags, at[7]!, n);
    b.count = 0;
    return out;
  }
}

export function decodeBlock(blob: Uint8Array): EventBlock {
  // Copy into a fresh, aligned buffer: SQLite's Buffer may sit at any offset.
  const buf = new ArrayBuffer(blob.byteLength);
  new Uint8Array(buf).set(blob);
  const dv = new DataView(buf);
  if (dv.getUint32(0, true) !== FORMAT) throw new Error('index block in an unknown format; delete the index to rebuild it');
  const n = dv.getUint32(4, true);
  return views(buf, n, n);
}

/** Order-dependent hash over one hash column: equal summaries mean equal events at every position. */
export function summarize(hashes: Uint32Array, n: number): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < 2 * n; i++) {
    const x = hashes[i]!;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul((b + x) | 0, 0x9e3779b1) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0') + ':' + n;
}
