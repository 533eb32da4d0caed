// Writing one log's index as the ingest produces it: the log's row, its
// blocks a few per transaction, and the threads with the log marked complete
// at the end, atomically.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';
import { effectiveKeys, summarize, type EventBlockBuilder } from './eventBlock';
import type { ChunkCutter } from './keyChunks';
import type { FieldBlockBuilder, FieldDictChunk } from './fieldBlocks';
import type { FileFingerprint, LogStats, ThreadRow } from './logIndex';
import { readBackCopyDir, readBackCopyPath, readBackCopyUsage, removeReadBackCopy } from './readBackCopies';
import { writeThreadFeatures, type ThreadFeatureRecord } from './threadFeatures';

/** Blocks per write transaction (and per message from an ingest worker). */
export const BATCH = 32;

/** Logs this process is indexing now: what reclaimSpace leaves alone. */
const active = new Set<number>();

export function beginLog(db: Db, fp: FileFingerprint): number {
  const info = db
    .prepare(`INSERT INTO logs (path, size, mtime_ms, fingerprint, state, owner_pid, compression) VALUES (?, ?, ?, ?, 'ingesting', ?, ?)`)
    .run(fp.path, fp.size, fp.mtimeMs, fp.fingerprint, process.pid, fp.compression);
  const logId = Number(info.lastInsertRowid);
  active.add(logId);
  return logId;
}

/** A log found changed since it was indexed: no open reuses its index; the next start removes it. */
export function markStale(db: Db, logId: number): void {
  try {
    db.prepare('INSERT OR IGNORE INTO stale_logs (log_id) VALUES (?)').run(logId);
  } catch {
    // a full disk: the read that found it changed is refused all the same
  }
}

/**
 * A failed or cancelled ingest's rows go. On a full disk even a delete may
 * find no room: its rows stay, marked ingesting, for reclaimSpace (or the
 * next start) to remove; the caller reports the ingest's own error.
 */
export function discardLog(db: Db, logId: number): void {
  active.delete(logId);
  try {
    deleteLog(db, logId);
  } catch {
    // left for reclaimSpace
  }
}

/**
 * Give the space of failed ingests back to the disk: their rows, then the
 * file's free pages (the index is auto_vacuum = INCREMENTAL), then the WAL.
 * False when the disk allows not even that: the caller removes the index.
 */
export function reclaimSpace(db: Db): boolean {
  try {
    // The WAL first: a failed ingest leaves it as long as the disk (or a file-size limit) let it grow, and
    // the deletes below are written there too; once its pages are in the index file it starts over.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // no room even for that: the deletes may still fit
  }
  try {
    const rows = db.prepare(`SELECT log_id FROM logs WHERE state = 'ingesting' AND owner_pid = ?`).all(process.pid) as { log_id: number }[];
    for (const r of rows) if (!active.has(r.log_id)) deleteLog(db, r.log_id);
    db.pragma('incremental_vacuum');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return true;
  } catch {
    return false;
  }
}

/** Replace the index's hash secret (tests that compare two indexes key by key); only an empty index may change it. */
export function setHashSecret(db: Db, secret: Uint8Array): void {
  const n = (db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n;
  if (n > 0) throw new Error('the hash secret of an index that holds logs cannot change');
  db.prepare(`UPDATE meta SET value = ? WHERE name = 'hash_secret'`).run(Buffer.from(secret));
}

/** Remove a log and everything indexed for it (cancelled or failed ingest). */
function deleteLog(db: Db, logId: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM alignments WHERE canary_log = ? OR ours_log = ?').run(logId, logId);
    db.prepare('DELETE FROM block_chunks WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM blocks WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM field_blocks WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM field_dict WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM field_names WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM threads WHERE log_id = ?').run(logId);
    db.prepare('DELETE FROM logs WHERE log_id = ?').run(logId);
  }).immediate();
  removeReadBackCopy(db, logId);
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
  // Logs found changed since they were indexed (markStale): no one reads them once this process starts.
  for (const r of db.prepare('SELECT log_id FROM stale_logs').all() as { log_id: number }[]) {
    deleteLog(db, r.log_id);
    removed++;
  }
  return removed;
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
  /** The chunks (keyChunks.ts) that end in this block, packed; null when none does. */
  chunks: Uint8Array | null;
  /** The same events' fields (store/fieldBlocks.ts). */
  fields: Uint8Array;
}

/** Where an ingest puts what it produces: the index directly, or a worker's messages to the thread that owns it. */
export interface LogSink {
  /** The thread's next block and its fields; `chunks` cuts the thread's keys into chunks as its blocks go by. */
  addBlock(threadNo: number, blockNo: number, builder: EventBlockBuilder, chunks: ChunkCutter, fields: FieldBlockBuilder): void;
  /** A slice of the log's field dictionary. */
  addFieldChunk(chunk: FieldDictChunk): void;
  /** Each thread's stream summary (store/threadFeatures.ts), given once, just before finish. */
  addThreadFeatures(records: ThreadFeatureRecord[]): void;
  finish(threads: ThreadRow[], stats: LogStats): void;
}

/** Pack a thread's block, its chunks and its fields (and empty both builders); `into` buffers are reused for the BLOBs when given. */
export function blockRecord(
  threadNo: number,
  blockNo: number,
  builder: EventBlockBuilder,
  chunks: ChunkCutter,
  fields: FieldBlockBuilder,
  into?: Buffer,
  fieldsInto?: Buffer,
): BlockRecord {
  const b = builder.block;
  const n = b.count;
  let flags = 0;
  for (let i = 0; i < n; i++) flags |= b.flags[i]!;
  const first = b.idx[0]!;
  const last = b.idx[n - 1]!;
  const canon = effectiveKeys(b, true, n);
  return {
    threadNo,
    blockNo,
    count: n,
    firstIdx: Number.isNaN(first) ? null : first,
    lastIdx: Number.isNaN(last) ? null : last,
    sumCanon: summarize(canon, b.idx, n),
    sumRaw: summarize(b.keyRaw, b.idx, n),
    flags,
    chunks: chunks.cut(b.keyRaw, canon, b.keyMasked, b.flags, n),
    data: builder.take(into),
    fields: fields.take(fieldsInto),
  };
}

/** Writes one log's index as the ingest produces it, a few blocks per transaction. */
export class LogWriter implements LogSink {
  private pending: BlockRecord[] = [];
  private features: ThreadFeatureRecord[] = [];
  private chunks: FieldDictChunk[] = [];
  /** BLOB buffers reused across batches: a long ingest allocates no new memory per block. */
  private readonly buffers: Buffer[] = [];
  private readonly fieldBuffers: Buffer[] = [];
  private readonly insertBlock;
  private readonly insertChunks;
  private readonly insertFields;
  private readonly insertChunk;

  constructor(
    private readonly db: Db,
    readonly logId: number,
  ) {
    this.insertBlock = db.prepare(
      `INSERT INTO blocks (log_id, thread_no, block_no, event_count, first_idx, last_idx, sum_canon, sum_raw, any_flags, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertChunks = db.prepare('INSERT INTO block_chunks (log_id, thread_no, block_no, data) VALUES (?, ?, ?, ?)');
    this.insertFields = db.prepare('INSERT INTO field_blocks (log_id, thread_no, block_no, data) VALUES (?, ?, ?, ?)');
    this.insertChunk = db.prepare('INSERT INTO field_dict (log_id, chunk_no, entry_start, child_start, entries, children) VALUES (?, ?, ?, ?, ?, ?)');
  }

  addBlock(threadNo: number, blockNo: number, builder: EventBlockBuilder, chunks: ChunkCutter, fields: FieldBlockBuilder): void {
    const slot = this.pending.length;
    this.addRecord(
      blockRecord(
        threadNo,
        blockNo,
        builder,
        chunks,
        fields,
        this.buffer(this.buffers, slot, builder.blobSize()),
        this.buffer(this.fieldBuffers, slot, fields.blobSize()),
      ),
    );
  }

  addFieldChunk(chunk: FieldDictChunk): void {
    this.chunks.push(chunk);
  }

  addThreadFeatures(records: ThreadFeatureRecord[]): void {
    this.features = records;
  }

  /** A block packed elsewhere (a worker). */
  addRecord(r: BlockRecord): void {
    this.pending.push(r);
    if (this.pending.length >= BATCH) this.flush();
  }

  private buffer(pool: Buffer[], slot: number, size: number): Buffer {
    let b = pool[slot];
    if (!b || b.length < size) pool[slot] = b = Buffer.allocUnsafe(size);
    return b;
  }

  flush(): void {
    if (this.pending.length === 0 && this.chunks.length === 0) return;
    const rows = this.pending;
    const chunks = this.chunks;
    this.pending = [];
    this.chunks = [];
    const buf = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.db
      .transaction(() => {
        for (const r of rows) {
          this.insertBlock.run(this.logId, r.threadNo, r.blockNo, r.count, r.firstIdx, r.lastIdx, r.sumCanon, r.sumRaw, r.flags, buf(r.data));
          this.insertFields.run(this.logId, r.threadNo, r.blockNo, buf(r.fields));
          if (r.chunks) this.insertChunks.run(this.logId, r.threadNo, r.blockNo, buf(r.chunks));
        }
        for (const c of chunks) this.insertChunk.run(this.logId, c.chunkNo, c.entryStart, c.childStart, buf(c.entries), buf(c.children));
      })
      .immediate();
  }

  /** Write the threads and mark the log complete, atomically. */
  finish(threads: ThreadRow[], stats: LogStats): void {
    this.flush();
    const ins = this.db.prepare(
      `INSERT INTO threads (log_id, thread_no, tid_key, tid_json, event_count, first_line, first_call_line,
                            first_call_name_json, first_call_crash, first_idx, last_idx)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db
      .transaction(() => {
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
        writeThreadFeatures(this.db, this.logId, this.features);
        this.db
          .prepare(
            `UPDATE logs SET state = 'complete', owner_pid = NULL, event_count = ?, line_count = ?, thread_count = ?, canon_crash = ?, cut_line = ?,
                             content_size = ?
           WHERE log_id = ?`,
          )
          .run(
            stats.eventCount,
            stats.lineCount,
            threads.length,
            stats.canonCrash === null ? null : JSON.stringify(stats.canonCrash),
            stats.cutLine,
            stats.contentSize,
            this.logId,
          );
        this.db
          .prepare('INSERT INTO field_names (log_id, keys, kinds) VALUES (?, ?, ?)')
          .run(this.logId, JSON.stringify(stats.fieldNames.keys), JSON.stringify(stats.fieldNames.kinds));
      })
      .immediate();
    active.delete(this.logId);
  }
}

/**
 * Give back the space of the decompressed copies (store/readBackCopies.ts):
 * every compressed log's index goes with its copy (it cannot be read back
 * without it; the next open indexes the log again), except the logs in `keep`
 * (open now) and those being indexed. Files no log owns (left by a killed run) go too.
 */
export function clearReadBackCopies(db: Db, keep: ReadonlySet<number>): { logs: number; bytes: number; kept: number } {
  const before = readBackCopyUsage(db).bytes;
  const rows = db.prepare(`SELECT log_id FROM logs WHERE compression IS NOT NULL`).all() as { log_id: number }[];
  let logs = 0;
  let kept = 0;
  for (const { log_id: logId } of rows) {
    if (keep.has(logId) || active.has(logId)) {
      kept++;
      continue;
    }
    deleteLog(db, logId);
    logs++;
  }
  const owned = new Set(
    (db.prepare(`SELECT log_id FROM logs WHERE compression IS NOT NULL`).all() as { log_id: number }[]).map((r) => readBackCopyPath(db, r.log_id)),
  );
  const dir = readBackCopyDir(db);
  for (const name of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const path = join(dir, name.name);
    if (name.isFile() && !owned.has(path) && !owned.has(path.replace(/\.partial$/, ''))) rmSync(path, { force: true });
  }
  return { logs, bytes: before - readBackCopyUsage(db).bytes, kept };
}
