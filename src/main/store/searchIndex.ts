// The search index's tables (search_logs, search_segments, search_columns):
// writing a log's columns as its builder produces them, marking them complete,
// dropping them, and reading them back. What the columns hold is search/'s
// business (search/columns.ts); here they are rows.
import type { Db } from './db';

/** One column of one segment of one thread, as stored (search/columns.ts says how it is encoded). */
export interface SearchColumnRow {
  threadNo: number;
  segment: number;
  /** Canonical path of decoded keys (shared/searchQuery pathText). */
  path: string;
  /** The raw key texts along the path, as JSON (what a text search of key names looks at). */
  keys: string;
  /** Leaves (a list path may have several per event). */
  count: number;
  encoding: number;
  /** Varint deltas of the leaves' offsets in the segment; null: one leaf per event of the segment. */
  positions: Uint8Array | null;
  data: Uint8Array;
  /** Dictionary encodings: the tokens ("<token digit><raw text>"), NUL-separated; integers: the base. */
  dict: string | null;
  dictCrc: number;
  /** Hashed encoding: 17 bytes, a bit per ASCII character (lower-cased) in the raw tokens, bit 128 for any other. */
  charset: Uint8Array | null;
  /** Of positions and data. */
  crc: number;
}

export interface SearchSegmentRow {
  threadNo: number;
  segment: number;
  events: number;
  /** Leaves were left out (too deep, too many paths): the segment's events must be read to be searched. */
  overflow: boolean;
}

export interface SearchIndexRow {
  logId: number;
  format: number;
  events: number;
  bytes: number;
  buildMs: number;
  builtAt: string;
}

/** A log's complete search index, if it has one (of any format: the caller checks it). */
export function searchIndexOf(db: Db, logId: number): SearchIndexRow | undefined {
  return db.prepare('SELECT log_id AS logId, format, events, bytes, build_ms AS buildMs, built_at AS builtAt FROM search_logs WHERE log_id = ?').get(logId) as
    SearchIndexRow | undefined;
}

/** Remove a log's search index, complete or not (a build that failed, or one of an older format). */
export function dropSearchIndex(db: Db, logId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM search_logs WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM search_columns WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM search_segments WHERE log_id = ?').run(logId);
  }).immediate();
}

const blob = (b: Uint8Array | null): Buffer | null => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Write a batch of a log's columns and segments, in one transaction; returns the bytes they take. */
export function writeSearchColumns(db: Db, logId: number, columns: readonly SearchColumnRow[], segments: readonly SearchSegmentRow[]): number {
  const col = db.prepare(
    `INSERT INTO search_columns (log_id, thread_no, path, keys, segment, count, encoding, charset, dict, dict_crc, positions, data, crc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const seg = db.prepare('INSERT INTO search_segments (log_id, thread_no, segment, events, overflow) VALUES (?, ?, ?, ?, ?)');
  let bytes = 0;
  db.transaction(() => {
    for (const c of columns) {
      col.run(logId, c.threadNo, c.path, c.keys, c.segment, c.count, c.encoding, blob(c.charset), c.dict, c.dictCrc, blob(c.positions), blob(c.data), c.crc);
      bytes += c.data.byteLength + (c.positions?.byteLength ?? 0) + (c.dict?.length ?? 0) + c.path.length + c.keys.length + 40;
    }
    for (const s of segments) seg.run(logId, s.threadNo, s.segment, s.events, s.overflow ? 1 : 0);
  }).immediate();
  return bytes;
}

/** The log's columns are all written: its search index is complete. */
export function finishSearchIndex(db: Db, logId: number, stats: { format: number; events: number; bytes: number; buildMs: number }): void {
  db.prepare('INSERT OR REPLACE INTO search_logs (log_id, format, events, bytes, build_ms) VALUES (?, ?, ?, ?, ?)').run(
    logId,
    stats.format,
    stats.events,
    stats.bytes,
    stats.buildMs,
  );
}

/** A stored column without its contents: what a search chooses from (whether to read it). */
export interface SearchColumnHead {
  columnId: number;
  segment: number;
  path: string;
  keys: string;
  count: number;
  encoding: number;
  charset: Uint8Array | null;
}

/** Every column of a thread, in segment order (contents left out). */
export function searchColumnHeads(db: Db, logId: number, threadNo: number): SearchColumnHead[] {
  return db
    .prepare(
      `SELECT column_id AS columnId, segment, path, keys, count, encoding, charset FROM search_columns
       WHERE log_id = ? AND thread_no = ? ORDER BY segment, path, keys`,
    )
    .all(logId, threadNo) as SearchColumnHead[];
}

/** A column's dictionary (or base), without its blobs (stored after it: not read). */
export function searchColumnDict(db: Db, columnId: number): { dict: string | null; dictCrc: number } | undefined {
  return db.prepare('SELECT dict, dict_crc AS dictCrc FROM search_columns WHERE column_id = ?').get(columnId) as
    { dict: string | null; dictCrc: number } | undefined;
}

/** A column's leaves: their positions and values. */
export function searchColumnBlobs(db: Db, columnId: number): { positions: Buffer | null; data: Buffer; crc: number } | undefined {
  return db.prepare('SELECT positions, data, crc FROM search_columns WHERE column_id = ?').get(columnId) as
    { positions: Buffer | null; data: Buffer; crc: number } | undefined;
}

/** A thread's segments, in order. */
export function searchSegmentsOf(db: Db, logId: number, threadNo: number): SearchSegmentRow[] {
  return (
    db.prepare('SELECT segment, events, overflow FROM search_segments WHERE log_id = ? AND thread_no = ? ORDER BY segment').all(logId, threadNo) as {
      segment: number;
      events: number;
      overflow: number;
    }[]
  ).map((r) => ({ threadNo, segment: r.segment, events: r.events, overflow: r.overflow !== 0 }));
}
