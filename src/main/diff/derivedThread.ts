// One thread's stream under a rule set, as the derivation leaves it: only
// what differs from the index. Most events keep the key the index holds (no
// rule touches them); the stream records the positions whose key the rules
// change (sorted, with their keys and their paired values), the events left
// out (a map from stream positions to the thread's), where tid_event_idx is
// left out of the positional comparison, and the sentinels to write into
// events read back. Reading a key takes the index's block and lays these
// over it (RuledLog.streamBlock).
import type { FieldPath } from '../rules/ruleSet';

/** A canonicalized value, to write into the event read back from the log (as the reference rewrites events). */
export interface Sentinel {
  path: FieldPath;
  value: string;
  /** Set even where the field is absent (the reference's return_value). */
  always: boolean;
}

/** The event has paired values (compared by the pairing, not by the key). */
export const DFLAG_PAIRED = 16;
/** The positional comparison leaves tid_event_idx out for this event (a skip rule on its kind). */
export const DFLAG_IDX_SKIPPED = 8;

/** Paired values of a thread's changed events: for change c, entries [start[c], start[c + 1]). */
export interface PairedSet {
  start: Int32Array;
  field: Uint16Array;
  /** Where a value is paired: among the returns of its allocator, or among the values of its rule. */
  domain: Uint32Array;
  /** Four words (the value's hash) each. */
  values: Uint32Array;
}

export class DerivedThread {
  constructor(
    /** Events in the stream (the thread's, less the ignored kinds). */
    readonly length: number,
    /** Stream position → position in the thread; null when no event is left out. */
    readonly positions: Int32Array | null,
    /** Stream positions whose key is not the index's, ascending. */
    readonly changed: Int32Array,
    /** Their keys, four words each. */
    readonly changedKeys: Uint32Array,
    /** Their DFLAG_PAIRED. */
    readonly changedFlags: Uint8Array,
    /** 1 where the positional comparison leaves tid_event_idx out (null: nowhere). */
    readonly idxSkip: Uint8Array | null,
    /** Canonicalized values by stream position. */
    readonly sentinels: Map<number, Sentinel[]>,
    readonly paired: PairedSet | null,
  ) {}

  /** The index in `changed` of the first change at or after `pos` (changed.length: none). */
  firstChangeFrom(pos: number): number {
    let lo = 0;
    let hi = this.changed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.changed[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index in `changed` of the change at `pos`, or -1. */
  changeAt(pos: number): number {
    const c = this.firstChangeFrom(pos);
    return c < this.changed.length && this.changed[c] === pos ? c : -1;
  }

  /** Whether the change `c` has paired values. */
  isPaired(c: number): boolean {
    return (this.changedFlags[c]! & DFLAG_PAIRED) !== 0;
  }

  threadPos(pos: number): number {
    return this.positions ? this.positions[pos]! : pos;
  }
}
