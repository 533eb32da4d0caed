// Where an ingest keeps the events of each thread until its block is full (or
// the log ends): one arena of fixed-size byte slabs for all the threads of a
// log, each thread's events and fields packed as the index will hold them
// (store/eventRecord.ts, store/fieldRecord.ts).
//
// A log of many short threads keeps nearly all its events pending until its
// end (1,000 threads of 1,000 events never fill a block of 1,024). Kept as
// columns (61 bytes an event) and one growing field buffer per thread, two
// 1M-event logs of 10,000 threads held 230 MB in one worker; packed, an event
// takes about 35 bytes, and a thread wastes less than one slab per stream.
// Slabs are taken from segments of one size and given back when the block is
// packed: nothing is reallocated as threads grow. Past a budget, the owner
// spills every thread's pending bytes to a file (store/spillFile.ts) and the
// slabs are reused: the memory of the pending events no longer grows with the
// threads (two 1M-event logs of 10,000 threads hold 130 MB of them).
import { BLOCK_SIZE, type EventBlockBuilder } from './eventBlock';
import { MAX_EVENT_RECORD, putEventRecord, RecordBase } from './eventRecord';
import { FieldBase, maxFieldRecord, putFieldRecord, type FieldBlockBuilder } from './fieldBlocks';
import type { SpillFile } from './spillFile';

/** Bytes per slab: a thread wastes fewer than this per stream. */
const SLAB = 128;
const SLAB_SHIFT = 7;
/** Slabs per segment (1 MiB): the arena grows a segment at a time. */
const SEGMENT_SLABS = 8192;
const SEGMENT_SHIFT = 13;
/** Bytes of slabs in use past which the owner spills (ByteArena.overBudget). */
const BUDGET = 16 << 20;

/** A chain of slabs holding one thread's bytes of one stream (events or fields), in order. */
class PendingBytes {
  size = 0;
  private first = -1;
  private last = -1;

  constructor(private readonly arena: ByteArena) {}

  append(src: Uint8Array, n: number): void {
    let from = 0;
    while (from < n) {
      const used = this.size & (SLAB - 1);
      // A full slab (or none yet: a stream emptied by moveTo starts over): take the next.
      if (used === 0) {
        const slab = this.arena.take();
        if (this.last === -1) this.first = slab;
        else this.arena.link(this.last, slab);
        this.last = slab;
      }
      const k = Math.min(SLAB - used, n - from);
      const seg = this.arena.segmentOf(this.last);
      seg.set(src.subarray(from, from + k), ((this.last & (SEGMENT_SLABS - 1)) << SLAB_SHIFT) + used);
      from += k;
      this.size += k;
    }
  }

  /** Append the bytes to `file` and give the slabs back. */
  spillTo(file: SpillFile): void {
    let left = this.size;
    for (let slab = this.first; left > 0;) {
      const k = Math.min(SLAB, left);
      const from = (slab & (SEGMENT_SLABS - 1)) << SLAB_SHIFT;
      file.append(this.arena.segmentOf(slab).subarray(from, from + k));
      left -= k;
      const next = this.arena.next(slab);
      this.arena.give(slab);
      slab = next;
    }
    this.size = 0;
    this.first = this.last = -1;
  }

  /** Copy the bytes into `out` from 0 and give the slabs back. */
  moveTo(out: Uint8Array): void {
    let at = 0;
    for (let slab = this.first; at < this.size;) {
      const k = Math.min(SLAB, this.size - at);
      const from = (slab & (SEGMENT_SLABS - 1)) << SLAB_SHIFT;
      out.set(this.arena.segmentOf(slab).subarray(from, from + k), at);
      at += k;
      const next = this.arena.next(slab);
      this.arena.give(slab);
      slab = next;
    }
    this.size = 0;
    this.first = this.last = -1;
  }
}

/** Scratch for one record before it is copied into its thread's slabs. */
let scratch = new Uint8Array(4096);

/** The events one thread has not packed yet, and their fields. */
export class PendingEvents {
  count = 0;
  private readonly events: PendingBytes;
  private readonly fields: PendingBytes;
  private readonly eventBase = new RecordBase();
  private readonly fieldBase = new FieldBase();
  /** Earlier pending bytes in the spill file, in order: [position, event bytes, field bytes] per spill. */
  private spilled: number[] | null = null;

  constructor(private readonly arena: ByteArena) {
    this.events = new PendingBytes(arena);
    this.fields = new PendingBytes(arena);
  }

  /** The next event (the block's records are relative to its first: see eventRecord.ts). */
  add(offset: number, length: number, line: number, idx: number, keyRaw: Uint32Array, keyMasked: Uint32Array, ordinal: number, flags: number): void {
    if (this.count === BLOCK_SIZE) throw new RangeError('a thread has a full block pending: pack it first');
    if (this.count === 0) {
      this.eventBase.reset();
      this.fieldBase.reset();
    }
    const n = putEventRecord(scratch, 0, this.eventBase, offset, length, line, idx, keyRaw, keyMasked, ordinal, flags);
    this.events.append(scratch, n);
    this.count++;
  }

  /** The fields of the event just added: its kind's id, its payload's shape, its top-level entries' ids in key order. */
  addFields(kindId: number, shape: number, ids: ArrayLike<number>, idCount: number): void {
    const need = maxFieldRecord(idCount);
    if (scratch.length < need) scratch = new Uint8Array(Math.max(need, 2 * scratch.length));
    const n = putFieldRecord(scratch, 0, this.fieldBase, kindId, shape, ids, idCount);
    this.fields.append(scratch, n);
  }

  /** Move the pending bytes to the spill file, in order after those spilled before. */
  spill(file: SpillFile): void {
    if (this.events.size === 0 && this.fields.size === 0) return;
    const eventBytes = this.events.size;
    const fieldBytes = this.fields.size;
    const at = file.size;
    this.events.spillTo(file);
    this.fields.spillTo(file);
    (this.spilled ??= []).push(at, eventBytes, fieldBytes);
  }

  /** Move the events into `events` and their fields into `fields` (both then hold this block), and give the slabs back. */
  moveTo(events: EventBlockBuilder, fields: FieldBlockBuilder): void {
    const s = this.spilled;
    let eventBytes = 0;
    let fieldBytes = 0;
    if (s) {
      for (let i = 0; i < s.length; i += 3) {
        eventBytes += s[i + 1]!;
        fieldBytes += s[i + 2]!;
      }
    }
    const ev = events.room(eventBytes + this.events.size);
    const fd = fields.room(fieldBytes + this.fields.size);
    if (s) {
      const file = this.arena.spillFile!;
      let e = 0;
      let f = 0;
      for (let i = 0; i < s.length; i += 3) {
        file.read(s[i]!, s[i + 1]!, ev, e);
        file.read(s[i]! + s[i + 1]!, s[i + 2]!, fd, f);
        e += s[i + 1]!;
        f += s[i + 2]!;
      }
      this.spilled = null;
    }
    this.events.moveTo(ev.subarray(eventBytes));
    events.loaded(this.count);
    this.fields.moveTo(fd.subarray(fieldBytes));
    fields.loaded(this.count);
    this.count = 0;
  }
}

if (MAX_EVENT_RECORD > scratch.length) throw new Error('the record scratch is smaller than a record');

export class ByteArena {
  private readonly segments: Uint8Array[] = [];
  private used = 0;

  constructor(
    /** Where the owner spills pending bytes past the budget (null: it does not; every byte stays here). */
    readonly spillFile: SpillFile | null = null,
    private readonly budget = BUDGET,
  ) {}

  /** Spill now: the slabs in use are past the budget (never without a spill file). */
  get overBudget(): boolean {
    return this.spillFile !== null && this.used * SLAB >= this.budget;
  }
  /** The slab after each slab in its chain (-1: the last); for a free slab, the next free one. */
  private links = new Int32Array(SEGMENT_SLABS);
  private freeHead = -1;

  /** A new thread's pending events. */
  thread(): PendingEvents {
    return new PendingEvents(this);
  }

  take(): number {
    if (this.freeHead === -1) {
      const s = this.segments.length;
      this.segments.push(new Uint8Array(SEGMENT_SLABS * SLAB));
      if (this.links.length < (s + 1) * SEGMENT_SLABS) {
        const bigger = new Int32Array(2 * this.links.length);
        bigger.set(this.links);
        this.links = bigger;
      }
      // Chain the new slabs into the free list, the lowest first.
      for (let i = SEGMENT_SLABS - 1; i >= 0; i--) {
        const slab = (s << SEGMENT_SHIFT) | i;
        this.links[slab] = this.freeHead;
        this.freeHead = slab;
      }
    }
    const slab = this.freeHead;
    this.freeHead = this.links[slab]!;
    this.links[slab] = -1;
    this.used++;
    return slab;
  }

  give(slab: number): void {
    this.used--;
    this.links[slab] = this.freeHead;
    this.freeHead = slab;
  }

  link(from: number, to: number): void {
    this.links[from] = to;
  }

  next(slab: number): number {
    return this.links[slab]!;
  }

  segmentOf(slab: number): Uint8Array {
    return this.segments[slab >> SEGMENT_SHIFT]!;
  }

  /** Bytes the arena holds (for the benchmark and tests). */
  get bytes(): number {
    return this.segments.length * SEGMENT_SLABS * SLAB;
  }
}
