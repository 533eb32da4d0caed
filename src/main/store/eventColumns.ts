// The columns a block's events are decoded into (store/eventBlock.ts packs
// them; store/eventRecord.ts says how): one typed array per field, what the
// comparison and the alignment read.

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
  let pos = 0;
  for (const w of widths) {
    pos = (pos + 7) & ~7;
    at.push(pos);
    pos += w * n;
  }
  return { size: pos, at };
}

/** Columns for `capacity` events, `n` of them in use, over a fresh buffer. */
export function eventColumns(n: number, capacity: number): EventBlock {
  const { size, at } = layout(capacity);
  const buf = new ArrayBuffer(size);
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
