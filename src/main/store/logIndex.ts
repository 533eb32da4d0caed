// Queries on the per-log event index (tables logs, threads, blocks).
import type { FileFingerprint } from '../ingest/fingerprint';
import type { Db } from './db';
import { decodeBlock, summarize, type EventBlock, type EventBlockBuilder } from './eventBlock';

/** Blocks per write transaction (and per message from an ingest worker). */
export const BATCH = 32;

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
  };
}

/** A complete index of exactly this file content, if one exists. */
export function findReusableLog(db: Db, fp: FileFingerprint): LogRow | undefined {
  const r = db
    .prepare(
      `SELECT * FROM logs WHERE state = 'complete' AND fingerprint = ? AND size = ? AND mtime_ms = ?
       ORDER BY (path = ?) DESC, log_id DESC LIMIT 1`,
    )
    .get(fp.fingerprint, fp.size, fp.mtimeMs, fp.path) as RawLogRow | undefined;
  return r && toLogRow(r);
}

export function getLog(db: Db, logId: number): LogRow | undefined {
  const r = db.prepare(`SELECT * FROM logs WHERE log_id = ? AND state = 'complete'`).get(logId) as RawLogRow | undefined;
  return r && toLogRow(r);
}

export function beginLog(db: Db, fp: FileFingerprint): number {
  const info = db
    .prepare(
      `INSERT INTO logs (path, size, mtime_ms, fingerprint, state, owner_pid) VALUES (?, ?, ?, ?, 'ingesting', ?)`,
    )
    .run(fp.path, fp.size, fp.mtimeMs, fp.fingerprint, process.pid);
  return Number(info.lastInsertRowid);
}

/** Remove a log and everything indexed for it (cancelled or failed ingest). */
export function deleteLog(db: Db, logId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM blocks WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM threads WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM logs WHERE log_id = ?').run(logId);
  }).immediate();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ingests whose process died (killed mid-way) leave partial rows: drop them. */
export function removeAbandonedLogs(db: Db): number {
  const rows = db.prepare(`SELECT log_id, owner_pid FROM logs WHERE state = 'ingesting'`).all() as {
    log_id: number;
    owner_pid: number | null;
  }[];
  let removed = 0;
  for (const r of rows) {
    if (r.owner_pid === null || (r.owner_pid !== process.pid && !processAlive(r.owner_pid))) {
      deleteLog(db, r.log_id);
      removed++;
    }
  }
  return removed;
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
  const rows = db
    .prepare('SELECT last_idx FROM blocks WHERE log_id = ? AND thread_no = ? ORDER BY block_no')
    .raw()
    .all(logId, threadNo) as [number | null][];
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
  const r = db
    .prepare(
      `SELECT x.block_no AS blockNo FROM blocks x
       LEFT JOIN blocks y ON y.log_id = @bLog AND y.thread_no = @bThread AND y.block_no = x.block_no
       WHERE x.log_id = @aLog AND x.thread_no = @aThread AND x.block_no BETWEEN @lo AND @hi
         AND (y.block_no IS NULL OR x.event_count != y.event_count OR ((x.any_flags | y.any_flags) & @flag) != 0 OR x.${sum} != y.${sum})
       ORDER BY x.block_no ${ascending ? 'ASC' : 'DESC'} LIMIT 1`,
    )
    .get({
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
  const r = db
    .prepare('SELECT data FROM blocks WHERE log_id = ? AND thread_no = ? AND block_no = ?')
    .get(logId, threadNo, blockNo) as { data: Buffer } | undefined;
  if (!r) throw new Error(`index has no block ${blockNo} of thread ${threadNo} in log ${logId}; delete the index to rebuild it`);
  return decodeBlock(r.data);
}

/** One block as stored: where it sits, its summaries, its packed keys. */
export interface BlockRecord {
  threadNo: number;
  blockNo: number;
  count: number;
  firstIdx: number | null;
  lastIdx: number | null;
  sumCanon: string;
  sumRaw: string;
  flags: number;
  data: Uint8Array;
}

export interface LogStats {
  eventCount: number;
  lineCount: number;
  canonCrash: LogRow['canonCrash'];
}

/** Where an ingest puts what it produces: the index directly, or a worker's messages to the thread that owns it. */
export interface LogSink {
  addBlock(threadNo: number, blockNo: number, builder: EventBlockBuilder): void;
  finish(threads: ThreadRow[], stats: LogStats): void;
}

/** Pack a thread's block (and empty the builder); `into` is reused for the BLOB when given. */
export function blockRecord(threadNo: number, blockNo: number, builder: EventBlockBuilder, into?: Buffer): BlockRecord {
  const b = builder.block;
  const n = b.count;
  let flags = 0;
  for (let i = 0; i < n; i++) flags |= b.flags[i]!;
  const first = b.idx[0]!;
  const last = b.idx[n - 1]!;
  return {
    threadNo,
    blockNo,
    count: n,
    firstIdx: Number.isNaN(first) ? null : first,
    lastIdx: Number.isNaN(last) ? null : last,
    sumCanon: summarize(b.hashCanon, n),
    sumRaw: summarize(b.hashRaw, n),
    flags,
    data: builder.take(into),
  };
}

/** Writes one log's index as the ingest produces it, a few blocks per transaction. */
export class LogWriter implements LogSink {
  private pending: BlockRecord[] = [];
  /** BLOB buffers reused across batches: a long ingest allocates no new memory per block. */
  private readonly buffers: Buffer[] = [];
  private readonly insertBlock;

  constructor(
    private readonly db: Db,
    readonly logId: number,
  ) {
    this.insertBlock = db.prepare(
      `INSERT INTO blocks (log_id, thread_no, block_no, event_count, first_idx, last_idx, sum_canon, sum_raw, any_flags, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  addBlock(threadNo: number, blockNo: number, builder: EventBlockBuilder): void {
    this.addRecord(blockRecord(threadNo, blockNo, builder, this.buffer(this.pending.length, builder.blobSize())));
  }

  /** A block packed elsewhere (a worker). */
  addRecord(r: BlockRecord): void {
    this.pending.push(r);
    if (this.pending.length >= BATCH) this.flush();
  }

  private buffer(slot: number, size: number): Buffer {
    let b = this.buffers[slot];
    if (!b || b.length < size) this.buffers[slot] = b = Buffer.allocUnsafe(size);
    return b;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const r of rows) {
        const data = Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
        this.insertBlock.run(this.logId, r.threadNo, r.blockNo, r.count, r.firstIdx, r.lastIdx, r.sumCanon, r.sumRaw, r.flags, data);
      }
    }).immediate();
  }

  /** Write the threads and mark the log complete, atomically. */
  finish(threads: ThreadRow[], stats: LogStats): void {
    this.flush();
    const ins = this.db.prepare(
      `INSERT INTO threads (log_id, thread_no, tid_key, tid_json, event_count, first_line, first_call_line,
                            first_call_name_json, first_call_crash, first_idx, last_idx)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const t of threads) {
        ins.run(
          this.logId,
          t.threadNo,
          t.tidKey,
          t.tidJson,
          t.eventCount,
          t.firstLine,
          t.firstCallLine,
          t.firstCallNameJson,
          t.firstCallCrash,
          t.firstIdx,
          t.lastIdx,
        );
      }
      this.db
        .prepare(
          `UPDATE logs SET state = 'complete', owner_pid = NULL, event_count = ?, line_count = ?, thread_count = ?, canon_crash = ?
           WHERE log_id = ?`,
        )
        .run(
          stats.eventCount,
          stats.lineCount,
          threads.length,
          stats.canonCrash === null ? null : JSON.stringify(stats.canonCrash),
          this.logId,
        );
    }).immediate();
  }
}
