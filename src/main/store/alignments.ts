// Kept alignments (table alignments): one row per pair of threads, key
// setting and aligner version; hunks packed five numbers each. A log's
// alignments go with it (ON DELETE CASCADE).
import { cached, type Db } from './db';

export interface AlignmentKey {
  canaryLog: number;
  canaryThread: number;
  oursLog: number;
  oursThread: number;
  /** What the event keys were derived with. */
  keys: string;
  version: number;
}

export type HunkOp = 'insert' | 'delete' | 'replace';

/** A difference between two aligned streams. */
export interface Hunk {
  op: HunkOp;
  /** Half-open positions in the canary thread's stream (i1 == i2 for an insert: events only in ours). */
  canary: [number, number];
  /** Half-open positions in the ours thread's stream (j1 == j2 for a delete: events ours is missing). */
  ours: [number, number];
}

/** A pair's alignment: its hunks in order; everything between them is equal. */
export interface Alignment {
  hunks: Hunk[];
  /** Realigned to the end of both streams; false: the last hunk is where the alignment gave up. */
  aligned: boolean;
  /** Where the alignment gave up (the last hunk runs from here to both ends). */
  stoppedAt: { canary: number; ours: number } | null;
  /** Deleted plus inserted events (a replace counts both of its sides). */
  cost: number;
}

const OPS = ['insert', 'delete', 'replace'] as const;

function pack(hunks: Hunk[]): Buffer {
  const a = new Float64Array(5 * hunks.length);
  hunks.forEach((h, i) => {
    a[5 * i] = OPS.indexOf(h.op);
    a[5 * i + 1] = h.canary[0];
    a[5 * i + 2] = h.canary[1];
    a[5 * i + 3] = h.ours[0];
    a[5 * i + 4] = h.ours[1];
  });
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The hunks of a kept row, or null when they cannot be what was written (a damaged page): the caller aligns again. */
function unpack(blob: Buffer, cost: number): Hunk[] | null {
  if (blob.byteLength % 40 !== 0) return null;
  const copy = new Float64Array(blob.byteLength / 8);
  new Uint8Array(copy.buffer).set(blob);
  const out: Hunk[] = [];
  let c = 0;
  let o = 0;
  let sum = 0;
  for (let i = 0; i < copy.length; i += 5) {
    const op = OPS[copy[i]!];
    const [i1, i2, j1, j2] = [copy[i + 1]!, copy[i + 2]!, copy[i + 3]!, copy[i + 4]!];
    const ordered = Number.isSafeInteger(i1) && Number.isSafeInteger(j1) && c <= i1 && i1 <= i2 && o <= j1 && j1 <= j2;
    if (!op || !ordered || (op === 'insert' && i1 !== i2) || (op === 'delete' && j1 !== j2) || i2 - i1 + (j2 - j1) === 0) return null;
    out.push({ op, canary: [i1, i2], ours: [j1, j2] });
    [c, o] = [i2, j2];
    sum += i2 - i1 + (j2 - j1);
  }
  return sum === cost ? out : null;
}

export function getAlignment(db: Db, k: AlignmentKey): Alignment | null {
  const r = cached(
    db,
    `SELECT aligned, stopped_canary, stopped_ours, cost, hunks FROM alignments
       WHERE canary_log = ? AND canary_thread = ? AND ours_log = ? AND ours_thread = ? AND keys = ? AND version = ?`,
  ).get(k.canaryLog, k.canaryThread, k.oursLog, k.oursThread, k.keys, k.version) as
    { aligned: number; stopped_canary: number | null; stopped_ours: number | null; cost: number; hunks: Buffer } | undefined;
  if (!r) return null;
  const hunks = unpack(r.hunks, r.cost);
  if (!hunks) return null;
  return {
    hunks,
    aligned: r.aligned !== 0,
    stoppedAt: r.stopped_canary === null || r.stopped_ours === null ? null : { canary: r.stopped_canary, ours: r.stopped_ours },
    cost: r.cost,
  };
}

export function putAlignment(db: Db, k: AlignmentKey, a: Alignment): void {
  cached(
    db,
    `INSERT OR REPLACE INTO alignments (canary_log, canary_thread, ours_log, ours_thread, keys, version, aligned, stopped_canary, stopped_ours, cost, hunks)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    k.canaryLog,
    k.canaryThread,
    k.oursLog,
    k.oursThread,
    k.keys,
    k.version,
    a.aligned ? 1 : 0,
    a.stoppedAt?.canary ?? null,
    a.stoppedAt?.ours ?? null,
    a.cost,
    pack(a.hunks),
  );
}
