// Summaries of a thread's keys that do not depend on position. The block
// summaries (eventBlock.ts summarize) only say "equal" for two blocks at the
// same position; after one inserted event no block of ours lines up with its
// canary block again, and the alignment had to read every key of both sides.
//
// Here the stream is cut into chunks where its content says so
// (content-defined chunking, as rsync and backup tools cut files): a chunk
// ends after an event whose key has six chosen bits clear, once the chunk has
// CHUNK_MIN events, and at CHUNK_MAX events at the latest. Two equal runs are
// therefore cut at the same places once both have passed one common cut,
// whatever their offsets in their threads, and a chunk's hash stands for all
// its keys: the alignment skips a shifted equal run a chunk at a time
// (align/keyReader.ts runLength) without reading the blocks.
//
// The cut is decided on the masked key (keyMasked: for an allocator return,
// the event without return_value and status; else the raw key), which is equal
// whenever either the raw or the canonicalized keys are, so one set of cuts
// serves both settings; each chunk carries a hash of its raw and of its
// canonicalized keys. Chunks are stored with the block they end in (table
// block_chunks), packed with a CRC-32 like the blocks.
import { crc32 } from 'node:zlib';
import { IndexDamagedError } from './db';
import { BLOCK_SIZE, FLAG_FORCE_EXACT, KEY_WORDS } from './eventBlock';

/** Events a chunk holds at least (a run of keys that cut often would otherwise make tiny chunks). */
export const CHUNK_MIN = 16;
/** Events a chunk holds at most: the longest stretch the alignment compares key by key before a skip. */
export const CHUNK_MAX = 256;
/** A chunk ends (past CHUNK_MIN) after a key whose low six bits of its last word are clear: 80 events on average. */
const CUT_MASK = 63;

const FORMAT = 1;
/** format u32, count u32, CRC-32 of the words after the header u32. */
const HEADER_WORDS = 3;
/** Per chunk: end in its block (11 bits) | length (9 bits) << 11 | equal-to-nothing << 20; raw hash (2 words); canonical hash (2 words). */
const CHUNK_WORDS = 5;
const UNSKIPPABLE = 1 << 20;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One MurmurHash3 round of a word into a lane. */
function round(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** A 64-bit hash of a sequence of 128-bit keys, in two lanes, built event by event. */
class SequenceHash {
  a = 0;
  b = 0;

  reset(): void {
    this.a = 0x3c6ef372;
    this.b = 0x510e527f;
  }

  add(keys: Uint32Array, at: number): void {
    // Both lanes see all four words, in different orders: a difference in any word reaches both.
    const k0 = keys[at]!;
    const k1 = keys[at + 1]!;
    const k2 = keys[at + 2]!;
    const k3 = keys[at + 3]!;
    this.a = round(round(round(round(this.a, k0), k1), k2), k3);
    this.b = round(round(round(round(this.b, k3 ^ 0x9e3779b9), k2), k1), k0);
  }

  /** The two words of the hash of the keys added, for a chunk of `n` events. */
  finish(n: number, out: Uint32Array, at: number): void {
    let a = (this.a ^ n) | 0;
    let b = (this.b ^ Math.imul(n, 0x85ebca6b)) | 0;
    a = (a + b) | 0;
    b = (b + a) | 0;
    out[at] = fmix(a);
    out[at + 1] = fmix(b);
  }
}

/**
 * Cuts one thread's keys into chunks, block by block, in the order the blocks
 * are packed. A chunk may run across a block's end: it is stored with the
 * block it ends in. The events after the thread's last cut belong to no chunk.
 */
export class ChunkCutter {
  private len = 0;
  private unskippable = 0;
  private readonly raw = new SequenceHash();
  private readonly canon = new SequenceHash();
  private out = new Uint32Array(HEADER_WORDS + CHUNK_WORDS * 16);

  constructor() {
    this.raw.reset();
    this.canon.reset();
  }

  /**
   * Take the next block's `n` events (raw, canonicalized and masked keys, and
   * flags) and return the chunks that end in it, packed (null: none does).
   */
  cut(raw: Uint32Array, canon: Uint32Array, masked: Uint32Array, flags: Uint8Array, n: number): Uint8Array | null {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const at = KEY_WORDS * i;
      this.raw.add(raw, at);
      this.canon.add(canon, at);
      this.unskippable |= flags[i]! & FLAG_FORCE_EXACT;
      const len = ++this.len;
      if (len < CHUNK_MIN || (len < CHUNK_MAX && (masked[at + 3]! & CUT_MASK) !== 0)) continue;
      const w = HEADER_WORDS + CHUNK_WORDS * count++;
      if (w + CHUNK_WORDS > this.out.length) {
        const bigger = new Uint32Array(this.out.length * 2);
        bigger.set(this.out);
        this.out = bigger;
      }
      this.out[w] = (i + 1) | (len << 11) | (this.unskippable !== 0 ? UNSKIPPABLE : 0);
      this.raw.finish(len, this.out, w + 1);
      this.canon.finish(len, this.out, w + 3);
      this.raw.reset();
      this.canon.reset();
      this.len = 0;
      this.unskippable = 0;
    }
    if (count === 0) return null;
    const words = this.out.subarray(0, HEADER_WORDS + CHUNK_WORDS * count);
    words[0] = FORMAT;
    words[1] = count;
    const body = new Uint8Array(words.buffer, words.byteOffset + 4 * HEADER_WORDS, 4 * CHUNK_WORDS * count);
    words[2] = crc32(body);
    return new Uint8Array(words.buffer.slice(words.byteOffset, words.byteOffset + words.byteLength));
  }
}

/** The chunks of a run of blocks, in order, with the hashes of one key setting. */
export interface ChunkRun {
  /** Thread positions where each chunk starts (ascending). */
  start: Float64Array;
  length: Uint16Array;
  /** The chunk's hash (two words each) under the setting. */
  hash: Uint32Array;
  /** 1: the chunk holds an event that equals nothing (FLAG_FORCE_EXACT): never skipped. */
  unskippable: Uint8Array;
  count: number;
}

/**
 * Decode the chunks stored with blocks (block number and packed data, in
 * block order) into one run: those that start in [minStart, maxStart).
 */
export function decodeChunks(rows: { blockNo: number; data: Uint8Array }[], canonicalize: boolean, minStart: number, maxStart: number): ChunkRun {
  let total = 0;
  const decoded: Uint32Array[] = [];
  for (const r of rows) {
    const bytes = r.data;
    if (bytes.byteLength < 4 * HEADER_WORDS || bytes.byteLength % 4 !== 0) throw new IndexDamagedError('chunk summaries of the wrong length');
    const words = new Uint32Array(bytes.byteLength / 4);
    new Uint8Array(words.buffer).set(bytes);
    const n = words[1]!;
    if (words[0] !== FORMAT || words.length !== HEADER_WORDS + CHUNK_WORDS * n) throw new IndexDamagedError('chunk summaries in an unknown format');
    if (crc32(new Uint8Array(words.buffer, 4 * HEADER_WORDS)) !== words[2]) throw new IndexDamagedError('chunk summaries whose checksum does not match');
    decoded.push(words);
    total += n;
  }
  const run: ChunkRun = {
    start: new Float64Array(total),
    length: new Uint16Array(total),
    hash: new Uint32Array(2 * total),
    unskippable: new Uint8Array(total),
    count: 0,
  };
  const h = canonicalize ? 3 : 1;
  rows.forEach((r, k) => {
    const words = decoded[k]!;
    for (let c = 0; c < words[1]!; c++) {
      const w = HEADER_WORDS + CHUNK_WORDS * c;
      const head = words[w]!;
      const len = (head >>> 11) & 0x1ff;
      const start = r.blockNo * BLOCK_SIZE + (head & 0x7ff) - len;
      if (start < minStart || start >= maxStart) continue;
      const i = run.count++;
      run.start[i] = start;
      run.length[i] = len;
      run.hash[2 * i] = words[w + h]!;
      run.hash[2 * i + 1] = words[w + h + 1]!;
      run.unskippable[i] = (head & UNSKIPPABLE) !== 0 ? 1 : 0;
    }
  });
  return run;
}
