// Read queries on the per-log event index (tables logs, threads, blocks), and
// the rows they return. What writes an index lives in logWriter.ts.
import { cached, IndexDamagedError, type Db } from './db';
import { BLOCK_SIZE, decodeBlock, decodeBlockKeys, type EventBlock, type KeyColumns } from './eventBlock';
import { readBackCopyReady } from './readBackCopies';

/** A log kept compressed, as its first bytes say (ingest/logBytes.ts); null: a plain log. */
export type Compression = 'gzip' | 'zstd';

/** What identifies a log's content (see ingest/fingerprint.ts): where it is, its size and time, a hash of samples. */
export interface FileFingerprint {
  path: string; // absolute
  size: number; // of the file on disk (compressed, for a compressed log)
  mtimeMs: number;
  fingerprint: string; // hex sha256 of size + samples (of the file's own bytes)
  compression: Compression | null;
}

export interface LogRow {
  logId: number;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  eventCount: number;
  lineCount: number;
  threadCount: number;
  canonCrash: { line: number; message: string } | null;
  /** The log ended in a line cut short (a run that crashed), left out: its number. */
  cutLine: number | null;
  compression: Compression | null;
  /** Bytes of the log once decompressed (the offsets of its events are in these); its size for a plain log. */
  contentSize: number;
}

export interface ThreadRow {
  threadNo: number;
  tidKey: string;
  tidJson: string;
  eventCount: number;
  firstLine: number;
  firstCallLine: number | null;
  firstCallNameJson: string | null;
  firstCallCrash: string | null;
  firstIdx: number | null;
  lastIdx: number | null;
}

interface RawLogRow {
  log_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  fingerprint: string;
  event_count: number;
  line_count: number;
  thread_count: number;
  canon_crash: string | null;
  cut_line: number | null;
  compression: Compression | null;
  content_size: number | null;
}

function toLogRow(r: RawLogRow): LogRow {
  return {
    logId: r.log_id,
    path: r.path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    fingerprint: r.fingerprint,
    eventCount: r.event_count,
    lineCount: r.line_count,
    threadCount: r.thread_count,
    canonCrash: r.canon_crash === null ? null : (JSON.parse(r.canon_crash) as LogRow['canonCrash']),
    cutLine: r.cut_line,
    compression: r.compression,
    contentSize: r.content_size ?? r.size,
  };
}

/** The index's hash secret: every key in it is computed under it (ingest/valueHash.ts useHashSecret). */
export function hashSecret(db: Db): Uint8Array {
  const r = db.prepare(`SELECT value FROM meta WHERE name = 'hash_secret'`).get() as { value: Buffer } | undefined;
  if (!r || r.value.length !== 16) throw new IndexDamagedError('the index has no hash secret');
  return new Uint8Array(r.value);
}

/** A complete index of exactly this file content, if one exists. */
/** An index of this very content, if there is one; one made of a cut log only when a cut log is accepted. */
export function findReusableLog(db: Db, fp: FileFingerprint, acceptTruncated = false): LogRow | undefined {
  const r = db
    .prepare(
      `SELECT * FROM logs WHERE state = 'complete' AND fingerprint = ? AND size = ? AND mtime_ms = ?
         AND log_id NOT IN (SELECT log_id FROM stale_logs) AND (cut_line IS NULL OR ?)
       ORDER BY (path = ?) DESC, log_id DESC LIMIT 1`,
    )
    .get(fp.fingerprint, fp.size, fp.mtimeMs, acceptTruncated ? 1 : 0, fp.path) as RawLogRow | undefined;
  if (!r) return undefined;
  const log = toLogRow(r);
  // A compressed log is read back from its decompressed copy: without it (cleared, removed by hand) its index serves nothing.
  if (!readBackCopyReady(db, log)) {
    // Never reused again; the next start removes its rows (as logWriter.markStale does).
    db.prepare('INSERT OR IGNORE INTO stale_logs (log_id) VALUES (?)').run(log.logId);
    return undefined;
  }
  return log;
}

export function getLog(db: Db, logId: number): LogRow | undefined {
  const r = db.prepare(`SELECT * FROM logs WHERE log_id = ? AND state = 'complete'`).get(logId) as RawLogRow | undefined;
  return r && toLogRow(r);
}

export function listThreads(db: Db, logId: number): ThreadRow[] {
  return db
    .prepare(
      `SELECT thread_no AS threadNo, tid_key AS tidKey, tid_json AS tidJson, event_count AS eventCount,
              first_line AS firstLine, first_call_line AS firstCallLine,
              first_call_name_json AS firstCallNameJson, first_call_crash AS firstCallCrash,
              first_idx AS firstIdx, last_idx AS lastIdx
       FROM threads WHERE log_id = ? ORDER BY thread_no`,
    )
    .all(logId) as ThreadRow[];
}

/** Each block's last tid_event_idx (NaN where not a number), in block order: what a jump searches. */
export function blockLastIdx(db: Db, logId: number, threadNo: number): Float64Array {
  const rows = db.prepare('SELECT last_idx FROM blocks WHERE log_id = ? AND thread_no = ? ORDER BY block_no').raw().all(logId, threadNo) as [number | null][];
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i]![0] ?? NaN;
  return out;
}

/**
 * The next block number (from `from` towards `to`, inclusive, ascending or
 * descending) where two threads' blocks cannot be taken as equal from their
 * summaries: different event counts, a flagged event, or different hashes.
 * Compared inside SQLite, so a thread of millions of events costs one query.
 */
export function nextUnequalBlock(
  db: Db,
  a: { logId: number; threadNo: number },
  b: { logId: number; threadNo: number },
  canonicalize: boolean,
  from: number,
  to: number,
  forceExactFlag: number,
): number | null {
  const sum = canonicalize ? 'sum_canon' : 'sum_raw';
  const ascending = from <= to;
  const r = cached(
    db,
    `SELECT x.block_no AS blockNo FROM blocks x
       LEFT JOIN blocks y ON y.log_id = @bLog AND y.thread_no = @bThread AND y.block_no = x.block_no
       WHERE x.log_id = @aLog AND x.thread_no = @aThread AND x.block_no BETWEEN @lo AND @hi
         AND (y.block_no IS NULL OR x.event_count != y.event_count OR ((x.any_flags | y.any_flags) & @flag) != 0 OR x.${sum} != y.${sum})
       ORDER BY x.block_no ${ascending ? 'ASC' : 'DESC'} LIMIT 1`,
  ).get({
    aLog: a.logId,
    aThread: a.threadNo,
    bLog: b.logId,
    bThread: b.threadNo,
    lo: Math.min(from, to),
    hi: Math.max(from, to),
    flag: forceExactFlag,
  }) as { blockNo: number } | undefined;
  return r ? r.blockNo : null;
}

export function readBlock(db: Db, logId: number, threadNo: number, blockNo: number): EventBlock {
  const r = cached(db, 'SELECT data FROM blocks WHERE log_id = ? AND thread_no = ? AND block_no = ?').get(logId, threadNo, blockNo) as
    { data: Buffer } | undefined;
  if (!r) throw new IndexDamagedError(`the index has no block ${blockNo} of thread ${threadNo} in log ${logId}`);
  return decodeBlock(r.data);
}

/**
 * Every block of a thread of `eventCount` events, decoded into columns of that
 * size as a comparison reads them (decodeBlockKeys): keys canonicalized as
 * asked, the flags in `keep`, tid_event_idx. One query for the thread.
 */
export function readThreadKeys(db: Db, logId: number, threadNo: number, eventCount: number, canonicalize: boolean, keep: number, into: KeyColumns): void {
  const rows = cached(db, 'SELECT block_no, data FROM blocks WHERE log_id = ? AND thread_no = ? ORDER BY block_no').raw().iterate(logId, threadNo) as Iterable<
    [number, Buffer]
  >;
  let to = 0;
  for (const [blockNo, data] of rows) {
    if (blockNo * BLOCK_SIZE !== to) throw new IndexDamagedError(`the index has no block ${to / BLOCK_SIZE} of thread ${threadNo} in log ${logId}`);
    to += decodeBlockKeys(data, canonicalize, keep, into, to);
  }
  if (to !== eventCount) throw new IndexDamagedError(`the index has no block ${Math.floor(to / BLOCK_SIZE)} of thread ${threadNo} in log ${logId}`);
}

/** The chunk rows (keyChunks.ts) of blocks [fromBlock, toBlock] of a thread, in block order. */
export function readChunkRows(db: Db, logId: number, threadNo: number, fromBlock: number, toBlock: number): { blockNo: number; data: Buffer }[] {
  return cached(db, 'SELECT block_no AS blockNo, data FROM block_chunks WHERE log_id = ? AND thread_no = ? AND block_no BETWEEN ? AND ? ORDER BY block_no').all(
    logId,
    threadNo,
    fromBlock,
    toBlock,
  ) as { blockNo: number; data: Buffer }[];
}

export interface LogStats {
  eventCount: number;
  lineCount: number;
  canonCrash: LogRow['canonCrash'];
  cutLine: number | null;
  /** Bytes read (decompressed, for a compressed log). */
  contentSize: number;
  /** The field dictionary's key and kind names (store/fieldBlocks.ts). */
  fieldNames: { keys: string[]; kinds: string[] };
}
