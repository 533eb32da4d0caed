// A compact summary of each thread's whole stream, kept beside the index's
// blocks (table thread_features, not the block format): what the similarity
// mapping (diff/similarityMap.ts) compares threads by without reading the log.
import type { Db } from './db';
import { IndexDamagedError } from './db';

/**
 * Bins of each thread's MinHash sketch of its set of call-name 3-grams (one
 * permutation hashing: a 3-gram's hash picks a bin by its top 7 bits and the
 * bin keeps the smallest of the rest). Fixed bins make two sketches compare
 * bin by bin without a branch: a million comparisons for 1,000 threads a side.
 */
export const SKETCH_BINS = 128;
/** An empty bin (no 3-gram hashed into it). */
export const EMPTY_BIN = -1;
/** Call names kept with their counts per thread (the most frequent ones). */
export const KEPT_NAMES = 64;
/** The first calls kept, in order (the reference pairs by the first one). */
export const FIRST_CALLS = 4;

export interface ThreadFeatures {
  threadNo: number;
  /** kernel.call and import.call events. */
  calls: number;
  /** SKETCH_BINS bins: the smallest 25-bit hash remainder of the 3-grams in each, or EMPTY_BIN. */
  shingles: Int32Array;
  /** The most frequent call names with their counts, most frequent first. */
  names: [string, number][];
  /** Calls whose names are not among `names`. */
  otherCalls: number;
  /** The thread's first call names, in order. */
  firstCalls: string[];
  /** A hash of the payload of the thread's first thread.create event (its entry point, where an engine logs one), or null. */
  entry: string | null;
}

/** As a worker posts it and the writer stores it. */
export interface ThreadFeatureRecord {
  threadNo: number;
  shingles: Uint8Array;
  summary: string;
}

interface Summary {
  calls: number;
  names: [string, number][];
  otherCalls: number;
  firstCalls: string[];
  entry: string | null;
}

export function featureRecord(f: ThreadFeatures): ThreadFeatureRecord {
  const s = f.shingles;
  const summary: Summary = { calls: f.calls, names: f.names, otherCalls: f.otherCalls, firstCalls: f.firstCalls, entry: f.entry };
  return { threadNo: f.threadNo, shingles: new Uint8Array(s.buffer, s.byteOffset, s.byteLength).slice(), summary: JSON.stringify(summary) };
}

export function writeThreadFeatures(db: Db, logId: number, records: readonly ThreadFeatureRecord[]): void {
  const ins = db.prepare('INSERT INTO thread_features (log_id, thread_no, shingles, summary) VALUES (?, ?, ?, ?)');
  for (const r of records) ins.run(logId, r.threadNo, Buffer.from(r.shingles.buffer, r.shingles.byteOffset, r.shingles.byteLength), r.summary);
}

/** Every thread's features, by thread number; a complete log without them was not indexed by this Lockstep. */
export function readThreadFeatures(db: Db, logId: number, threadCount: number): ThreadFeatures[] {
  const rows = db.prepare('SELECT thread_no, shingles, summary FROM thread_features WHERE log_id = ? ORDER BY thread_no').all(logId) as {
    thread_no: number;
    shingles: Buffer;
    summary: string;
  }[];
  if (rows.length !== threadCount) throw new IndexDamagedError(`the index holds features of ${rows.length} of ${threadCount} threads of log ${logId}`);
  return rows.map((r) => {
    if (r.shingles.byteLength !== 4 * SKETCH_BINS) throw new IndexDamagedError('a thread feature sketch of the wrong length');
    const shingles = new Int32Array(SKETCH_BINS);
    new Uint8Array(shingles.buffer).set(r.shingles);
    let s: Summary;
    try {
      s = JSON.parse(r.summary) as Summary;
    } catch {
      throw new IndexDamagedError('a thread feature summary that is not JSON');
    }
    return { threadNo: r.thread_no, calls: s.calls, shingles, names: s.names, otherCalls: s.otherCalls, firstCalls: s.firstCalls, entry: s.entry };
  });
}
