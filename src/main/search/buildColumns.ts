// Building a log's search index: one pass over the log in file order (the
// events of every thread, merged by their offsets from the event index's
// blocks), each line split into its leaves (lineLeaves.ts), filed into the
// columns of its thread's segment (segmentBuilder.ts). Finished segments go to
// a sink: the index in this thread, or messages to the thread that owns it
// when a worker builds (searchWorker.ts). Reads the index, never writes it.
// A compressed log is read from its decompressed copy, as the viewer reads it
// (diff/indexedLog.ts, docs/compressed-logs.md): the index's offsets are
// offsets in the decompressed bytes.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { fsPath } from '../py/codecs';
import { fingerprintFile } from '../ingest/fingerprint';
import { useHashSecret } from '../ingest/valueHash';
import { pyJsonLoads } from '../py/parse';
import type { Db } from '../store/db';
import { BLOCK_SIZE } from '../store/eventBlock';
import { hashSecret, listThreads, readBlock, type LogRow } from '../store/logIndex';
import { readBackCopyDir, readBackCopyPath, readBackCopyReady } from '../store/readBackCopies';
import type { SearchColumnRow, SearchSegmentRow } from '../store/searchIndex';
import { SEGMENT_EVENTS } from './columns';
import { isLineError, scanLeaves } from './lineLeaves';
import { SegmentBuilder } from './segmentBuilder';

export interface SearchBuildProgress {
  bytesDone: number;
  bytesTotal: number;
  events: number;
  elapsedMs: number;
}

export interface SearchBuildHooks {
  onProgress?: (p: SearchBuildProgress) => void;
  /** Polled every few thousand events; true stops the build (SearchBuildCancelled). */
  isCancelled?: () => boolean;
}

export interface SearchBuildSink {
  write(columns: SearchColumnRow[], segments: SearchSegmentRow[]): void;
}

/** The log is not what was indexed (rewritten, cut, replaced): `what` says how, `line` where if known. */
export class SearchSourceChanged extends Error {
  constructor(
    readonly what: string,
    readonly line: number | null,
  ) {
    super(what);
  }
}

export class SearchBuildCancelled extends Error {
  constructor() {
    super('the search index build was cancelled');
  }
}

/** Bytes of the log read at once. */
const CHUNK = 8 << 20;
/** Columns handed to the sink at once. */
const BATCH_BYTES = 4 << 20;

/** One thread's events in order: where each line is, a block at a time. */
class ThreadCursor {
  pos = 0;
  private offsets: Float64Array = new Float64Array(0);
  private lengths: Uint32Array = new Uint32Array(0);
  private lines: Uint32Array = new Uint32Array(0);
  segment: SegmentBuilder;

  constructor(
    private readonly db: Db,
    private readonly logId: number,
    readonly threadNo: number,
    readonly eventCount: number,
  ) {
    this.segment = new SegmentBuilder(threadNo, 0);
    this.load();
  }

  private load(): void {
    if (this.pos >= this.eventCount) return;
    const b = readBlock(this.db, this.logId, this.threadNo, Math.floor(this.pos / BLOCK_SIZE));
    this.offsets = b.offset.slice(0, b.count);
    this.lengths = b.length.slice(0, b.count);
    this.lines = b.line.slice(0, b.count);
  }

  get line(): number {
    return this.lines[this.pos % BLOCK_SIZE]!;
  }

  get offset(): number {
    return this.offsets[this.pos % BLOCK_SIZE]!;
  }

  get length(): number {
    return this.lengths[this.pos % BLOCK_SIZE]!;
  }

  advance(): void {
    this.pos++;
    if (this.pos % BLOCK_SIZE === 0) this.load();
  }

  get done(): boolean {
    return this.pos >= this.eventCount;
  }
}

/** A min-heap of cursors by the offset of their next event. */
class CursorHeap {
  private readonly h: ThreadCursor[] = [];

  get size(): number {
    return this.h.length;
  }

  push(c: ThreadCursor): void {
    const h = this.h;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.offset <= h[i]!.offset) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  pop(): ThreadCursor {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.offset < h[m]!.offset) m = l;
        if (r < h.length && h[r]!.offset < h[m]!.offset) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Read the log `path` (indexed in `db` as `log`) and give the sink every
 * thread's columns, segment by segment.
 * Throws LogChangedError when the file is not what was indexed,
 * SearchBuildCancelled when asked to stop.
 */
export function buildSearchColumns(db: Db, log: LogRow, path: string, sink: SearchBuildSink, hooks: SearchBuildHooks = {}): { events: number } {
  useHashSecret(hashSecret(db));
  const started = Date.now();
  const changed = (what: string, line: number | null = null): SearchSourceChanged => new SearchSourceChanged(what, line);
  const st = statSync(fsPath(path));
  if (st.size !== log.size || st.mtimeMs !== log.mtimeMs) throw changed(`it is not the file that was indexed (${log.size} bytes then, ${st.size} now)`);
  let readPath = path;
  if (log.compression !== null) {
    // The log's own bytes must be the ones indexed (a rewrite changes a compressed stream up to its checksum at
    // the end, which the fingerprint reads); the events come from its copy, which must be whole.
    if (fingerprintFile(path).fingerprint !== log.fingerprint) throw changed('its compressed bytes are not the ones indexed');
    if (!readBackCopyReady(db, log)) throw changed(`its decompressed copy in ${readBackCopyDir(db)} was cleared`);
    readPath = readBackCopyPath(db, log.logId);
  }

  const heap = new CursorHeap();
  for (const t of listThreads(db, log.logId)) if (t.eventCount > 0) heap.push(new ThreadCursor(db, log.logId, t.threadNo, t.eventCount));

  let columns: SearchColumnRow[] = [];
  let segments: SearchSegmentRow[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (columns.length === 0 && segments.length === 0) return;
    sink.write(columns, segments);
    columns = [];
    segments = [];
    pendingBytes = 0;
  };
  const finishSegment = (c: ThreadCursor): void => {
    const done = c.segment.finish();
    for (const col of done.columns) {
      columns.push(col);
      pendingBytes += col.data.byteLength + (col.positions?.byteLength ?? 0) + (col.dict?.length ?? 0);
    }
    segments.push(done.segment);
    if (pendingBytes >= BATCH_BYTES) flush();
  };

  const fd = openSync(fsPath(readPath), 'r');
  let buf = Buffer.allocUnsafe(CHUNK);
  let winStart = 0;
  let winLength = 0;
  let events = 0;
  let lastProgress = 0;
  try {
    while (heap.size > 0) {
      const c = heap.pop();
      const off = c.offset;
      const len = c.length;
      if (off < winStart || off + len > winStart + winLength) {
        if (len > buf.length) buf = Buffer.allocUnsafe(len);
        winStart = off;
        winLength = readSync(fd, buf, 0, buf.length, off);
        if (winLength < len) throw changed('it is shorter than when it was indexed', c.line);
      }
      const line = buf.toString('utf8', off - winStart, off - winStart + len);
      try {
        scanLeaves(line, c.segment);
        c.segment.endEvent();
      } catch (e) {
        if (!isLineError(e)) throw e;
        // Not what this reader knows how to file: the exact parser decides whether it is JSON at all.
        try {
          pyJsonLoads(line);
        } catch {
          throw changed('this line is not what was indexed', c.line);
        }
        c.segment.abandonEvent();
      }
      c.advance();
      events++;
      if (c.pos % SEGMENT_EVENTS === 0 || c.done) {
        finishSegment(c);
        if (!c.done) c.segment = new SegmentBuilder(c.threadNo, c.pos / SEGMENT_EVENTS);
      }
      if (!c.done) heap.push(c);
      if ((events & 4095) === 0) {
        if (hooks.isCancelled?.()) throw new SearchBuildCancelled();
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          hooks.onProgress?.({ bytesDone: off + len, bytesTotal: log.contentSize, events, elapsedMs: now - started });
        }
      }
    }
    const after = statSync(fsPath(path));
    if (after.size !== log.size || after.mtimeMs !== log.mtimeMs) throw changed('it changed while it was read for the search index');
    if (!readBackCopyReady(db, log)) throw changed(`its decompressed copy in ${readBackCopyDir(db)} was cleared while it was read`);
    flush();
    hooks.onProgress?.({ bytesDone: log.contentSize, bytesTotal: log.contentSize, events, elapsedMs: Date.now() - started });
    return { events };
  } finally {
    closeSync(fd);
  }
}
