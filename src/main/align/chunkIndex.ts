// One thread's chunks (store/keyChunks.ts) as the alignment walks them: read
// from the index a segment of blocks at a time (a few KB per 64K events), and a
// cursor on one chunk that moves to the chunk before or after it.
import type { Db } from '../store/db';
import { BLOCK_SIZE } from '../store/eventBlock';
import { decodeChunks, type ChunkRun } from '../store/keyChunks';
import { readChunkRows } from '../store/logIndex';

const SEGMENT_BLOCKS = 64;
const SEGMENT_EVENTS = SEGMENT_BLOCKS * BLOCK_SIZE;
/** Segments kept at once: the walk moves forward, the suffix search backward, each around one place. */
const MAX_SEGMENTS = 8;

/** Index of the last chunk of `run` that starts at or before `p`, or -1. */
function lastStartAtOrBefore(run: ChunkRun, p: number): number {
  let lo = 0;
  let hi = run.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (run.start[mid]! <= p) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class ChunkIndex {
  private readonly segments = new Map<number, ChunkRun>();
  /** The cursor: a chunk of a loaded segment. */
  private run: ChunkRun | null = null;
  private idx = 0;
  private seg = 0;

  constructor(
    private readonly db: Db,
    private readonly logId: number,
    private readonly threadNo: number,
    private readonly length: number,
    private readonly canonicalize: boolean,
  ) {}

  private segment(s: number): ChunkRun {
    let run = this.segments.get(s);
    if (!run) {
      // One block more than the segment: a chunk that starts in it may end in the next block.
      const rows = readChunkRows(this.db, this.logId, this.threadNo, s * SEGMENT_BLOCKS, (s + 1) * SEGMENT_BLOCKS);
      run = decodeChunks(rows, this.canonicalize, s * SEGMENT_EVENTS, (s + 1) * SEGMENT_EVENTS);
      if (this.segments.size >= MAX_SEGMENTS) this.segments.delete(this.segments.keys().next().value!);
      this.segments.set(s, run);
    }
    return run;
  }

  private lastSegment(): number {
    return Math.max(0, Math.floor((this.length - 1) / SEGMENT_EVENTS));
  }

  /** Put the cursor on the last chunk that starts at or before p; false if there is none. */
  private seekAtOrBefore(p: number): boolean {
    if (p < 0) return false;
    const s0 = Math.min(Math.floor(p / SEGMENT_EVENTS), this.lastSegment());
    // A chunk is at most CHUNK_MAX long: the one holding p starts in p's segment or the one before.
    for (let s = s0; s >= Math.max(0, s0 - 1); s--) {
      const run = this.segment(s);
      const i = lastStartAtOrBefore(run, p);
      if (i >= 0) {
        this.run = run;
        this.idx = i;
        this.seg = s;
        return true;
      }
    }
    return false;
  }

  /** Put the cursor on the chunk that starts at p; false if none does. */
  seekStart(p: number): boolean {
    return this.seekAtOrBefore(p) && this.run!.start[this.idx] === p;
  }

  /** Put the cursor on the chunk that ends at p (exclusive); false if none does. */
  seekEnd(p: number): boolean {
    return this.seekAtOrBefore(p - 1) && this.run!.start[this.idx]! + this.run!.length[this.idx]! === p;
  }

  /** The first chunk start at or after p, or Infinity when no chunk is known there. */
  nextStart(p: number): number {
    const s0 = Math.floor(p / SEGMENT_EVENTS);
    for (let s = s0; s <= Math.min(s0 + 1, this.lastSegment()); s++) {
      const run = this.segment(s);
      const i = lastStartAtOrBefore(run, p - 1) + 1;
      if (i < run.count) return run.start[i]!;
    }
    return Infinity;
  }

  /** The last place at or before p where a chunk starts or ends, or -Infinity. */
  prevBoundary(p: number): number {
    if (!this.seekAtOrBefore(p)) return -Infinity;
    const end = this.start + this.size;
    return end <= p ? end : this.start;
  }

  /** Move the cursor to the chunk that starts where it ends; false if none is known to. */
  next(): boolean {
    const end = this.start + this.size;
    if (this.idx + 1 < this.run!.count) {
      this.idx++;
      return this.start === end;
    }
    return this.seg < this.lastSegment() && this.seekStart(end);
  }

  /** Move the cursor to the chunk that ends where it starts; false if none is known to. */
  prev(): boolean {
    const start = this.start;
    if (this.idx > 0) {
      this.idx--;
      return this.start + this.size === start;
    }
    return this.seekEnd(start);
  }

  get start(): number {
    return this.run!.start[this.idx]!;
  }

  get size(): number {
    return this.run!.length[this.idx]!;
  }

  /** Whether the chunk under the cursor holds the same keys as the one under the other cursor (never for one that equals nothing). */
  sameAs(o: ChunkIndex): boolean {
    const a = this.run!;
    const b = o.run!;
    const i = this.idx;
    const j = o.idx;
    return (
      a.length[i] === b.length[j] &&
      a.unskippable[i] === 0 &&
      b.unskippable[j] === 0 &&
      a.hash[2 * i] === b.hash[2 * j] &&
      a.hash[2 * i + 1] === b.hash[2 * j + 1]
    );
  }
}
