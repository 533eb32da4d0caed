// One thread's event keys, as the alignment reads them: by position, a block
// at a time from the index, canonicalized or not (under the reference's
// rules), or from the keys derived under other rules (diff/deriveKeys.ts).
// Only the keys and flags of a block are kept (16 + 1 bytes an event), a
// bounded number of blocks at once.
import type { ThreadSide } from '../diff/firstDivergence';
import { BLOCK_SIZE as BLOCK, effectiveKeys, FLAG_FORCE_EXACT as EXACT, KEY_WORDS as WORDS } from '../store/eventBlock';
import { readBlock } from '../store/logIndex';

// Module-local copies of the constants read per event: an imported binding is a getter
// call each time where the sources run unbundled (tsx: the benchmark, the tests).
const BLOCK_SIZE = BLOCK;
const KEY_WORDS = WORDS;
const FLAG_FORCE_EXACT = EXACT;

interface CachedBlock {
  no: number;
  keys: Uint32Array;
  /** 1 where the event can equal no other (FLAG_FORCE_EXACT). */
  unique: Uint8Array;
}

/** Blocks kept at once: enough for the alignment's widest search window (about 4M events, 70 MB), far less in the common case. */
const MAX_BLOCKS = 4096;

export class KeyReader {
  private readonly cache = new Map<number, CachedBlock>();
  private recent: CachedBlock | null = null;
  private recent2: CachedBlock | null = null;
  /** Blocks read from the index (for the benchmark and tests). */
  reads = 0;
  /** Events in the thread's stream. */
  readonly length: number;

  constructor(private readonly side: ThreadSide) {
    this.length = side.thread.eventCount;
  }

  block(no: number): CachedBlock {
    const r = this.recent;
    if (r !== null && r.no === no) return r;
    const r2 = this.recent2;
    if (r2 !== null && r2.no === no) {
      this.recent2 = r;
      this.recent = r2;
      return r2;
    }
    let b = this.cache.get(no);
    if (!b) {
      b = this.side.log.cmp.reference ? this.fromIndex(no) : this.fromStream(no);
      if (this.cache.size >= MAX_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(no, b);
    }
    this.recent2 = this.recent;
    this.recent = b;
    return b;
  }

  private fromIndex(no: number): CachedBlock {
    const log = this.side.log;
    const raw = readBlock(log.db, log.log.logId, this.side.thread.threadNo, no);
    this.reads++;
    const keys = effectiveKeys(raw, log.cmp.canonicalize);
    const unique = new Uint8Array(raw.count);
    for (let i = 0; i < raw.count; i++) unique[i] = raw.flags[i]! & FLAG_FORCE_EXACT;
    // Copies, so that the decoded block (all its columns) can go.
    return { no, keys: keys === raw.keyRaw ? raw.keyRaw.slice(0, KEY_WORDS * raw.count) : keys, unique };
  }

  /** Under rules: the stream's block, the keys the rules change laid over the index's. */
  private fromStream(no: number): CachedBlock {
    const s = this.side.log.streamBlock(this.side.thread.threadNo, no);
    this.reads++;
    const unique = new Uint8Array(s.count);
    for (let i = 0; i < s.count; i++) unique[i] = s.flags[i]! & FLAG_FORCE_EXACT;
    return { no, keys: s.keys, unique };
  }

  /** The first word of the key at a position (for rolling hashes). */
  word0(pos: number): number {
    const b = this.block(Math.floor(pos / BLOCK_SIZE));
    return b.keys[KEY_WORDS * (pos % BLOCK_SIZE)]!;
  }

  /** Forget blocks before this one (the alignment has moved past them). */
  dropBefore(no: number): void {
    for (const k of this.cache.keys()) if (k < no) this.cache.delete(k);
  }
}

/** Whether canary[i] and ours[j] are equal for the alignment (the reference's compare_event, tid_event_idx aside). */
export function keysEqual(a: KeyReader, i: number, b: KeyReader, j: number): boolean {
  const ba = a.block(Math.floor(i / BLOCK_SIZE));
  const bb = b.block(Math.floor(j / BLOCK_SIZE));
  const x = i % BLOCK_SIZE;
  const y = j % BLOCK_SIZE;
  if (ba.unique[x] !== 0 || bb.unique[y] !== 0) return false;
  const ka = ba.keys;
  const kb = bb.keys;
  const p = KEY_WORDS * x;
  const q = KEY_WORDS * y;
  return ka[p] === kb[q] && ka[p + 1] === kb[q + 1] && ka[p + 2] === kb[q + 2] && ka[p + 3] === kb[q + 3];
}

/**
 * How many positions from (i, j) on are equal on both sides (at most `limit`):
 * a block at a time, the common case of long equal runs.
 */
export function runLength(a: KeyReader, i: number, b: KeyReader, j: number, limit: number): number {
  let n = 0;
  const end = Math.min(limit, a.length - i, b.length - j);
  while (n < end) {
    const ba = a.block(Math.floor((i + n) / BLOCK_SIZE));
    const bb = b.block(Math.floor((j + n) / BLOCK_SIZE));
    let x = (i + n) % BLOCK_SIZE;
    let y = (j + n) % BLOCK_SIZE;
    const stop = Math.min(end - n, ba.unique.length - x, bb.unique.length - y);
    const ka = ba.keys;
    const kb = bb.keys;
    const ua = ba.unique;
    const ub = bb.unique;
    for (let s = 0; s < stop; s++, x++, y++) {
      const p = KEY_WORDS * x;
      const q = KEY_WORDS * y;
      if (ua[x] !== 0 || ub[y] !== 0 || ka[p] !== kb[q] || ka[p + 1] !== kb[q + 1] || ka[p + 2] !== kb[q + 2] || ka[p + 3] !== kb[q + 3]) return n + s;
    }
    n += stop;
  }
  return n;
}
