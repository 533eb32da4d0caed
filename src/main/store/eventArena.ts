// Where an ingest keeps the events of each thread until its block is full (or
// the log ends): one arena of fixed-size slabs for all the threads of a log.
//
// A block builder per thread, grown by doubling up to 1024 events, cost a log
// of many short threads up to twice what it held, plus the garbage of every
// growth (two 1M-event logs of 10,000 threads: 230 MB of builders in one
// worker). Here a thread holds a chain of slabs of SLAB events taken from
// segments of one size, returned when its block is packed: a thread wastes
// less than one slab, and nothing is reallocated as threads grow.
import { eventColumns, type EventBlock, type EventBlockBuilder } from './eventBlock';

/** Events per slab: a thread of n events wastes fewer than SLAB slots. */
const SLAB = 16;
const SLAB_SHIFT = 4;
/** Slabs per segment (65,536 events, 4 MB): the arena grows a segment at a time. */
const SEGMENT_SLABS = 4096;
const SEGMENT_SHIFT = 12;

/** The events one thread has not packed yet: a chain of slabs in the arena. */
export class PendingEvents {
  count = 0;
  /** The columns of the segment holding the last slot handed out (write the event there). */
  columns!: EventBlock;
  first = -1;
  last = -1;

  constructor(private readonly arena: EventArena) {}

  /** Room for one more event: its slot in `columns`. */
  slot(): number {
    const k = this.count & (SLAB - 1);
    if (k === 0) {
      const slab = this.arena.take();
      if (this.last === -1) this.first = slab;
      else this.arena.link(this.last, slab);
      this.last = slab;
    }
    this.count++;
    this.columns = this.arena.segmentOf(this.last);
    return ((this.last & (SEGMENT_SLABS - 1)) << SLAB_SHIFT) | k;
  }

  /** Move the events into `into` (a builder of at least `count` events, empty) and give the slabs back. */
  moveTo(into: EventBlockBuilder): void {
    let left = this.count;
    for (let slab = this.first; left > 0;) {
      const n = Math.min(SLAB, left);
      into.append(this.arena.segmentOf(slab), (slab & (SEGMENT_SLABS - 1)) << SLAB_SHIFT, n);
      left -= n;
      const next = this.arena.next(slab);
      this.arena.give(slab);
      slab = next;
    }
    this.count = 0;
    this.first = this.last = -1;
  }
}

export class EventArena {
  private readonly segments: EventBlock[] = [];
  /** The slab after each slab in its thread's chain (-1: the last). */
  private links = new Int32Array(SEGMENT_SLABS);
  private readonly free: number[] = [];

  /** A new thread's pending events. */
  thread(): PendingEvents {
    return new PendingEvents(this);
  }

  take(): number {
    if (this.free.length === 0) {
      const s = this.segments.length;
      this.segments.push(eventColumns(SEGMENT_SLABS * SLAB));
      if (this.links.length < (s + 1) * SEGMENT_SLABS) {
        const bigger = new Int32Array(2 * this.links.length);
        bigger.set(this.links);
        this.links = bigger;
      }
      for (let i = SEGMENT_SLABS - 1; i >= 0; i--) this.free.push((s << SEGMENT_SHIFT) | i);
    }
    const slab = this.free.pop()!;
    this.links[slab] = -1;
    return slab;
  }

  give(slab: number): void {
    this.free.push(slab);
  }

  link(from: number, to: number): void {
    this.links[from] = to;
  }

  next(slab: number): number {
    return this.links[slab]!;
  }

  segmentOf(slab: number): EventBlock {
    return this.segments[slab >> SEGMENT_SHIFT]!;
  }
}
