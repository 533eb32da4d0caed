// Read access to one indexed log: its threads, the compact keys of any event
// by position, and the full event read back from the log file. What is read
// back is checked against what was indexed: the file's identity (size, times,
// inode) whenever it is read, and every event's key, so that a log rewritten
// in place (same size or not) is refused, never shown as what it was. A
// compressed log is checked the same way, and read from its decompressed copy.
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { pyJsonLoads } from '../py/parse';
import { isDict, type PyDict, type PyValue } from '../py/value';
import type { Db } from '../store/db';
import { BLOCK_SIZE, effectiveKeys, type EventBlock } from '../store/eventBlock';
import { blockLastIdx, hashSecret, listThreads, readBlock, type LogRow, type ThreadRow } from '../store/logIndex';
import { LogChangedError, LogInputError } from '../ingest/logErrors';
import { exactEventKey } from '../ingest/logScanner';
import { fingerprintFile } from '../ingest/fingerprint';
import { useHashSecretOf } from '../ingest/valueHash';
import { markStale } from '../store/logWriter';
import { readBackCopyDir, readBackCopyPath, readBackCopyReady } from '../store/readBackCopies';
import { allocatorSentinel } from '../rules/referenceRules';
import { fsPath } from '../py/codecs';

const PREFETCH_LIMIT = 4 << 20;

export interface ThreadInfo extends ThreadRow {
  /** The tid as the reference keys it (first-seen value). */
  tid: PyValue;
  /** payload.name of the first kernel.call, if any and not None. */
  firstCallName: PyValue | undefined;
}

export class IndexedLog {
  readonly threads: ThreadInfo[];
  private readonly byKey = new Map<string, ThreadInfo>();
  private readonly lastIdx = new Map<number, Float64Array>();
  private readonly cache = new Map<string, EventBlock>();
  private fd: number | null = null;
  /** The file as it was when it was opened for reading: any later change to it shows in these. */
  private opened: Stats | null = null;
  private checkedAt = 0;
  /** The index's hash secret: every key of this log is computed under it. */
  readonly secret: Uint8Array;
  private readonly readKey = new Uint32Array(4);

  constructor(
    readonly db: Db,
    readonly log: LogRow,
    /** How messages name the file (the path as the user gave it). */
    readonly label: string,
    /** Where the log is read from now (it may have moved since it was indexed). */
    readonly path: string = log.path,
  ) {
    this.threads = listThreads(db, log.logId).map((t) => ({
      ...t,
      tid: pyJsonLoads(t.tidJson),
      firstCallName: t.firstCallNameJson === null ? undefined : pyJsonLoads(t.firstCallNameJson),
    }));
    for (const t of this.threads) this.byKey.set(t.tidKey, t);
    this.secret = hashSecret(db);
  }

  threadByKey(tidKey: string): ThreadInfo | undefined {
    return this.byKey.get(tidKey);
  }

  block(threadNo: number, blockNo: number): EventBlock {
    const key = `${threadNo}:${blockNo}`;
    let b = this.cache.get(key);
    if (b) {
      this.cache.delete(key); // refresh its place in the LRU order
    } else {
      b = readBlock(this.db, this.log.logId, threadNo, blockNo);
      if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, b);
    return b;
  }

  private readonly canonKeys = new WeakMap<EventBlock, Uint32Array>();

  /** The keys the comparison uses for a block's events (allocator returns canonicalized, if asked). */
  keys(threadNo: number, blockNo: number, canonicalize: boolean): Uint32Array {
    const b = this.block(threadNo, blockNo);
    if (!canonicalize) return b.keyRaw;
    let k = this.canonKeys.get(b);
    if (!k) this.canonKeys.set(b, (k = effectiveKeys(b, true)));
    return k;
  }

  /** The block holding position `pos` of a thread, and the slot in it. */
  locate(threadNo: number, pos: number): [EventBlock, number] {
    return [this.block(threadNo, Math.floor(pos / BLOCK_SIZE)), pos % BLOCK_SIZE];
  }

  /** The file events are read from: the log itself, or a compressed log's decompressed copy (store/readBackCopies.ts). */
  private readFd: number | null = null;

  /** Checks that the log is still the one indexed, and returns the file to read its events from. */
  private file(): number {
    // Found changed once, refused from then on: a line that happens to match is no reason to trust the rest.
    if (this.stale) throw new LogChangedError(this.label, null, this.stale);
    if (this.fd === null) {
      const st = statSync(fsPath(this.path));
      if (st.size !== this.log.size || st.mtimeMs !== this.log.mtimeMs) throw this.changed(null, describeChange(this.log, st));
      this.fd = openSync(fsPath(this.path), 'r');
      this.opened = fstatSync(this.fd);
      this.checkedAt = Date.now();
      this.readFd = this.fd;
      if (this.log.compression !== null) {
        // The copy holds what was indexed, whatever the log holds now: the log's own bytes must be the ones indexed
        // (a rewrite changes a compressed stream from the change to its checksum at the end, which the fingerprint reads).
        if (fingerprintFile(this.path).fingerprint !== this.log.fingerprint) throw this.changed(null, 'its compressed bytes are not the ones indexed');
        // The identity checks stay on the log the user named; the bytes come from its copy, which must be whole.
        if (!readBackCopyReady(this.db, this.log)) throw this.changed(null, `its decompressed copy in ${readBackCopyDir(this.db)} was cleared`);
        this.readFd = openSync(readBackCopyPath(this.db, this.log.logId), 'r');
      }
    } else if (Date.now() - this.checkedAt > 50) {
      // A write changes ctime (which no one can set); a file put in its place changes the path's inode.
      const now = fstatSync(this.fd);
      const at = statSync(fsPath(this.path), { throwIfNoEntry: false });
      const o = this.opened!;
      if (now.size !== o.size || now.mtimeMs !== o.mtimeMs || now.ctimeMs !== o.ctimeMs) throw this.changed(null, describeChange(this.log, now));
      if (!at || at.ino !== o.ino || at.dev !== o.dev) throw this.changed(null, at ? 'another file is in its place' : 'it is gone');
      this.checkedAt = Date.now();
    }
    return this.readFd!;
  }

  private changed(line: number | null, what: string): LogChangedError {
    this.close();
    markStale(this.db, this.log.logId);
    this.stale = line === null ? what : `line ${line}: ${what}`;
    return new LogChangedError(this.label, line, what);
  }

  private stale: string | null = null;

  /** Bytes of the log read ahead for a window of events (see prefetch). */
  private span: { start: number; buf: Buffer } | null = null;

  /**
   * Read the lines of positions [from, to) of a thread in one read, when they
   * lie close together in the file (a window of the context viewer), so that
   * lineText answers from memory instead of one read per event.
   */
  prefetch(threadNo: number, from: number, to: number): void {
    const last = Math.min(to, this.threads.find((t) => t.threadNo === threadNo)?.eventCount ?? 0) - 1;
    if (last < from) return;
    let lo = Infinity;
    let hi = 0;
    for (let pos = from; pos <= last; pos++) {
      const [b, i] = this.locate(threadNo, pos);
      lo = Math.min(lo, b.offset[i]!);
      hi = Math.max(hi, b.offset[i]! + b.length[i]!);
    }
    if (hi - lo > PREFETCH_LIMIT) return; // too far apart: per-line reads are cheaper
    if (this.span && lo >= this.span.start && hi <= this.span.start + this.span.buf.length) return;
    const buf = Buffer.allocUnsafe(hi - lo);
    const got = readSync(this.file(), buf, 0, buf.length, lo);
    this.span = { start: lo, buf: buf.subarray(0, got) };
  }

  /** The line of an event, as text. */
  lineText(threadNo: number, pos: number): string {
    const [b, i] = this.locate(threadNo, pos);
    const len = b.length[i]!;
    const off = b.offset[i]!;
    const fd = this.file(); // checks the file is still the one indexed
    const span = this.span;
    if (span && off >= span.start && off + len <= span.start + span.buf.length) {
      return span.buf.toString('utf8', off - span.start, off - span.start + len);
    }
    const buf = Buffer.allocUnsafe(len);
    const got = readSync(fd, buf, 0, len, off);
    if (got !== len) throw this.changed(b.line[i]!, 'it is shorter than when it was indexed');
    return buf.toString('utf8');
  }

  /** The event at a position of a thread, exactly as json.loads reads it, canonicalized as asked. */
  event(threadNo: number, pos: number, canonicalize: boolean): PyDict {
    const [b, i] = this.locate(threadNo, pos);
    let ev: PyValue;
    try {
      ev = pyJsonLoads(this.lineText(threadNo, pos));
    } catch (e) {
      if (e instanceof LogInputError) throw e;
      throw this.changed(b.line[i]!, 'this line is not what was indexed');
    }
    if (!isDict(ev)) throw this.changed(b.line[i]!, 'this line is not what was indexed');
    // The bytes read back must be the event indexed: its key, under the index's secret.
    useHashSecretOf(this.secret);
    const k = this.readKey;
    exactEventKey(ev, k);
    const at = 4 * i;
    if (k[0] !== b.keyRaw[at] || k[1] !== b.keyRaw[at + 1] || k[2] !== b.keyRaw[at + 2] || k[3] !== b.keyRaw[at + 3]) {
      throw this.changed(b.line[i]!, 'this line is not what was indexed');
    }
    const ordinal = b.ordinal[i]!;
    if (canonicalize && ordinal >= 0) {
      const payload = ev.get('payload') as PyDict;
      const sentinel = allocatorSentinel(payload.get('name') as string, ordinal);
      payload.set('return_value', sentinel);
      if (payload.has('status')) payload.set('status', sentinel);
    }
    return ev;
  }

  /**
   * The position of the first event whose tid_event_idx is >= `idx`
   * (tid_event_idx increases along a thread in valid logs), or the thread's
   * length when there is none. Binary search: on the blocks, then in one.
   */
  positionOfIdx(threadNo: number, idx: number): number {
    let last = this.lastIdx.get(threadNo);
    if (!last) this.lastIdx.set(threadNo, (last = blockLastIdx(this.db, this.log.logId, threadNo)));
    if (last.length === 0) return 0;
    let lo = 0;
    let hi = last.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (last[mid]! < idx)
        lo = mid + 1; // NaN (not a number) compares false: searched into
      else hi = mid;
    }
    const b = this.block(threadNo, lo);
    let a = 0;
    let z = b.count;
    while (a < z) {
      const mid = (a + z) >> 1;
      if (b.idx[mid]! < idx) a = mid + 1;
      else z = mid;
    }
    return lo * BLOCK_SIZE + a;
  }

  /** Bytes of an event's line. */
  lineLength(threadNo: number, pos: number): number {
    const [b, i] = this.locate(threadNo, pos);
    return b.length[i]!;
  }

  lineNumber(threadNo: number, pos: number): number {
    const [b, i] = this.locate(threadNo, pos);
    return b.line[i]!;
  }

  close(): void {
    if (this.readFd !== null && this.readFd !== this.fd) closeSync(this.readFd);
    this.readFd = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.span = null;
  }
}

function describeChange(log: LogRow, now: Stats): string {
  if (now.size !== log.size) return `${log.size} bytes when indexed, ${now.size} now`;
  return `modified ${new Date(now.mtimeMs).toISOString()}`;
}
