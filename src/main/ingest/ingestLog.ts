// Ingest: stream one schema-v1 log into the index, validating it as the
// reference's load_events does and computing each event's compact keys.
//
// Each line goes through JSON.parse (fast) unless that could change a value
// the comparison sees (an integral number past 2^53, NaN/Infinity, very deep
// nesting, very long digit runs); then Lockstep's exact Python-compatible
// parser reads it. Both feed the same hash (valueHash.ts).
import { jsonDumpsExact } from '../py/format';
import { JsonDecodeError, PYTHON_INT_MAX_STR_DIGITS, PYTHON_MAX_NESTING, pyJsonLoads } from '../py/parse';
import { pyRepr } from '../py/format';
import { PyError, pyEq, pyHashKey, pyLe, pyTypeName, type PyValue } from '../py/value';
import { ALLOCATOR_RETURN_FNS, allocatorSentinel, skippedPayloadFields } from '../diff/referenceRules';
import type { Db } from '../store/db';
import {
  BLOCK_SIZE,
  EventBlockBuilder,
  FLAG_ALLOCATOR,
  FLAG_FORCE_EXACT,
  FLAG_IDX_INEXACT,
} from '../store/eventBlock';
import { beginLog, deleteLog, findReusableLog, getLog, LogWriter, type LogRow, type ThreadRow } from '../store/logIndex';
import { fingerprintFile, type FileFingerprint } from './fingerprint';
import { IngestCancelled, LogInputError } from './logErrors';
import { splitLines } from './lineSplitter';
import {
  beginHash,
  endHash,
  hashEntriesInto,
  hashValueInto,
  InexactNumber,
  type Dict,
  type JsonLike,
} from './valueHash';

export interface IngestProgress {
  bytesDone: number;
  bytesTotal: number;
  events: number;
  elapsedMs: number;
}

export interface IngestHooks {
  onProgress?: (p: IngestProgress) => void;
  /** Polled once per chunk (a few MiB); return true to stop and discard the partial index. */
  isCancelled?: () => boolean;
}

export interface IngestedLog {
  log: LogRow;
  reused: boolean;
}

const SEED = 0x4c6b5374;
const MISSING = Symbol('missing');
type Maybe = JsonLike | typeof MISSING;
const EMPTY: Dict = new Map();

function isDict(v: Maybe | undefined): v is Dict {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function get(d: Dict, k: string): Maybe {
  if (d instanceof Map) return d.has(k) ? d.get(k)! : MISSING;
  return Object.prototype.hasOwnProperty.call(d, k) ? d[k]! : MISSING;
}
function truthy(v: Maybe): boolean {
  if (v === MISSING || v === null || v === false || v === 0 || v === 0n || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object') {
    for (const _ in v) return true;
    return false;
  }
  return true;
}
function isNaNValue(v: Maybe): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/** Python's nesting limit and int-digit limit can only matter on long lines. */
function needsExactParse(text: string): boolean {
  if (text.length >= 2 * (PYTHON_MAX_NESTING + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > PYTHON_MAX_NESTING) return true;
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
  }
  return text.length > PYTHON_INT_MAX_STR_DIGITS && new RegExp(`\\d{${PYTHON_INT_MAX_STR_DIGITS + 1}}`).test(text);
}

interface ThreadState {
  row: ThreadRow;
  prevIdx: Maybe;
  orderError: LogInputError | null;
  canonCrash: { line: number; message: string } | null;
  allocCounters: Map<string, number>;
  builder: EventBlockBuilder;
  blockNo: number;
}

/** What one event line yields before it touches any thread state (so a fast-path retry is safe). */
interface EventKeys {
  tid: JsonLike;
  tidKey: string;
  idx: Maybe;
  kind: Maybe;
  payload: Maybe;
  flags: number;
  allocName: string | null;
  canonCrash: string | null;
}

const hashes = new Uint32Array(4);

class LogScanner {
  private readonly threads = new Map<string, ThreadState>();
  private readonly order: ThreadState[] = [];
  private lastTid: unknown = undefined;
  private lastThread: ThreadState | null = null;
  private sawHeader = false;
  events = 0;
  lines = 0;

  constructor(
    private readonly label: string,
    private readonly writer: LogWriter,
  ) {}

  fail(line: number | null, reason: string): never {
    throw new LogInputError(this.label, line, reason);
  }

  /** The reference would die here with a Python exception. */
  crash(line: number | null, what: string, e: PyError | string): never {
    const why = typeof e === 'string' ? e : e.message;
    this.fail(line, `${what} (the reference fails here with ${why})`);
  }

  header(text: string, lineNo: number): void {
    this.sawHeader = true;
    let hdr: PyValue;
    try {
      hdr = pyJsonLoads(text);
    } catch (e) {
      if (e instanceof JsonDecodeError) this.crash(lineNo, `the header is not valid JSON`, `${e.pyType}: ${e.message}`);
      throw e;
    }
    if (!(hdr instanceof Map)) {
      this.crash(lineNo, 'the header is not a JSON object', `AttributeError: '${pyTypeName(hdr)}' object has no attribute 'get'`);
    }
    const kind = hdr.get('kind');
    if (!pyEq(kind, 'schema_version')) this.fail(lineNo, `first event is not schema_version (got ${pyRepr(kind)})`);
    const version = hdr.get('schema_version');
    if (!pyEq(version, 1n)) this.fail(lineNo, `schema_version mismatch (expected 1, got ${pyRepr(version)})`);
  }

  line(buf: Buffer, start: number, end: number, offset: number, lineNo: number): void {
    this.lines = lineNo;
    if (!this.sawHeader) return this.header(buf.toString('utf8', start, end), lineNo);
    if (end === start) return; // blank lines are skipped
    const text = buf.toString('utf8', start, end);
    let keys: EventKeys | null = null;
    let exactValue: PyValue | undefined;
    if (!needsExactParse(text)) {
      let ev: JsonLike | undefined;
      try {
        ev = JSON.parse(text) as JsonLike;
      } catch {
        ev = undefined; // NaN/Infinity, or invalid: the exact parser decides and words the error
      }
      if (ev !== undefined && isDict(ev)) {
        try {
          keys = this.keys(ev, false, lineNo);
        } catch (e) {
          if (!(e instanceof InexactNumber)) throw e;
        }
      }
    }
    if (keys === null) {
      try {
        exactValue = pyJsonLoads(text);
      } catch (e) {
        if (!(e instanceof JsonDecodeError)) throw e;
        if (e.pyType === 'JSONDecodeError') this.fail(lineNo, `invalid JSON (${e.message})`);
        this.crash(lineNo, 'the line cannot be read', `${e.pyType}: ${e.message}`);
      }
      if (!(exactValue instanceof Map)) {
        this.crash(lineNo, 'the event is not a JSON object', `AttributeError: '${pyTypeName(exactValue)}' object has no attribute 'get'`);
      }
      keys = this.keys(exactValue, true, lineNo);
    }
    this.commit(keys, text, exactValue, offset, end - start, lineNo);
  }

  /** Everything about one event that needs no thread state. Throws InexactNumber on the fast path. */
  private keys(ev: Dict, exact: boolean, lineNo: number): EventKeys {
    const tid = get(ev, 'tid');
    if (tid === MISSING || tid === null) this.fail(lineNo, 'missing tid');
    let tidKey: string;
    if (typeof tid === 'number' && Number.isSafeInteger(tid)) tidKey = 'n' + tid;
    else {
      if (!exact && typeof tid === 'number' && (Number.isInteger(tid) || !Number.isFinite(tid))) throw new InexactNumber();
      if (!exact && typeof tid === 'object') throw new InexactNumber();
      try {
        tidKey = pyHashKey(tid as PyValue);
      } catch (e) {
        if (e instanceof PyError) this.crash(lineNo, `the tid is a ${pyTypeName(tid as PyValue)}`, e);
        throw e;
      }
    }
    const idx = get(ev, 'tid_event_idx');
    if (!exact && idx !== MISSING && typeof idx === 'object' && idx !== null) throw new InexactNumber();
    const kind = get(ev, 'kind');
    const payload = get(ev, 'payload');

    let flags = 0;
    if (kind === MISSING || (typeof kind === 'object' && kind !== null) || isNaNValue(kind) || isNaNValue(idx)) {
      flags |= FLAG_FORCE_EXACT;
    }
    if (typeof idx !== 'number' && !(typeof idx === 'bigint' && idx >= -(2n ** 53n) && idx <= 2n ** 53n) && typeof idx !== 'boolean') {
      flags |= FLAG_IDX_INEXACT;
    }

    // Allocator canonicalization (canonicalize_allocator_returns): kernel.return with an allocator name.
    let allocName: string | null = null;
    let canonCrash: string | null = null;
    if (kind === 'kernel.return') {
      const p = truthy(payload) ? payload : EMPTY;
      const name = isDict(p) ? get(p, 'name') : MISSING;
      if (!isDict(p) || (typeof name === 'object' && name !== null)) {
        // The reference fails on this event: word it from the exact value.
        if (!exact) throw new InexactNumber();
        canonCrash = !isDict(p)
          ? `AttributeError: '${pyTypeName(p as PyValue)}' object has no attribute 'get'`
          : `TypeError: unhashable type: '${pyTypeName(name as PyValue)}'`;
      } else if (typeof name === 'string' && ALLOCATOR_RETURN_FNS.has(name)) {
        allocName = name;
        flags |= FLAG_ALLOCATOR;
      }
    }

    // The raw hash: kind, tid_event_idx, payload (skipped fields and None values left out, as the reference compares).
    beginHash(SEED);
    hashValueInto(kind === MISSING ? null : kind, exact);
    hashValueInto(idx === MISSING ? null : idx, exact);
    const skip = skippedPayloadFields(kind);
    let nanField = false;
    const skipEntry = (k: string, x: JsonLike): boolean => {
      if (x === null || skip.has(k)) return true;
      if (isNaNValue(x)) nanField = true;
      return false;
    };
    if (payload === MISSING) hashEntriesInto(EMPTY, exact, skipEntry);
    else if (isDict(payload)) hashEntriesInto(payload, exact, skipEntry);
    else {
      flags |= FLAG_FORCE_EXACT; // compare_payload fails on a payload that is not a dict
      hashValueInto(payload, exact);
    }
    if (nanField) flags |= FLAG_FORCE_EXACT; // NaN != NaN at the top of a payload
    endHash(hashes, 0);
    hashes[2] = hashes[0]!;
    hashes[3] = hashes[1]!;
    return { tid: tid as JsonLike, tidKey, idx, kind, payload, flags, allocName, canonCrash };
  }

  private thread(keys: EventKeys, text: string, exactValue: PyValue | undefined, lineNo: number): ThreadState {
    if (this.lastThread !== null && keys.tid === this.lastTid) return this.lastThread;
    let th = this.threads.get(keys.tidKey);
    if (th === undefined) {
      // The report prints the tid as first seen (Python keeps the first key object): read it exactly.
      const exact = (exactValue ?? pyJsonLoads(text)) as Map<string, PyValue>;
      th = {
        row: {
          threadNo: this.order.length,
          tidKey: keys.tidKey,
          tidJson: jsonDumpsExact(exact.get('tid')),
          eventCount: 0,
          firstLine: lineNo,
          firstCallLine: null,
          firstCallNameJson: null,
          firstCallCrash: null,
          firstIdx: null,
          lastIdx: null,
        },
        prevIdx: MISSING,
        orderError: null,
        canonCrash: null,
        allocCounters: new Map(),
        builder: new EventBlockBuilder(),
        blockNo: 0,
      };
      this.threads.set(keys.tidKey, th);
      this.order.push(th);
    }
    this.lastTid = typeof keys.tid === 'object' ? undefined : keys.tid;
    this.lastThread = th;
    return th;
  }

  private commit(keys: EventKeys, text: string, exactValue: PyValue | undefined, offset: number, length: number, lineNo: number): void {
    const th = this.thread(keys, text, exactValue, lineNo);
    const pos = th.row.eventCount;
    const idx = keys.idx;

    // load_events' order check: only where tid_event_idx differs from the position.
    if (th.orderError === null && !(idx === pos || (idx !== MISSING && pyEq(idx as PyValue, BigInt(pos))))) {
      if (pos > 0) {
        if (idx === MISSING) th.orderError = this.crashError(lineNo, 'the event has no tid_event_idx', "KeyError: 'tid_event_idx'");
        else if (th.prevIdx === MISSING) {
          th.orderError = this.crashError(lineNo, 'the previous event of this thread has no tid_event_idx', "KeyError: 'tid_event_idx'");
        } else {
          try {
            if (pyLe(idx as PyValue, th.prevIdx as PyValue)) {
              th.orderError = new LogInputError(
                this.label,
                lineNo,
                `tid=${pyStrTid(th)} events out of order at index ${pos} (tid_event_idx ${pyRepr(idx as PyValue)} after ${pyRepr(th.prevIdx as PyValue)})`,
              );
            }
          } catch (e) {
            if (!(e instanceof PyError)) throw e;
            th.orderError = this.crashError(lineNo, 'tid_event_idx cannot be ordered', e.message);
          }
        }
      }
    }
    th.prevIdx = idx;

    if (keys.canonCrash !== null && th.canonCrash === null) {
      th.canonCrash = { line: lineNo, message: `allocator canonicalization cannot read this kernel.return's payload (the reference fails here with ${keys.canonCrash})` };
    }

    // The thread's first kernel.call names it for the automatic tid mapping.
    if (keys.kind === 'kernel.call' && th.row.firstCallLine === null) {
      th.row.firstCallLine = lineNo;
      const exact = (exactValue ?? pyJsonLoads(text)) as Map<string, PyValue>;
      const payload = exact.has('payload') ? exact.get('payload') : undefined;
      if (payload === undefined) th.row.firstCallCrash = "KeyError: 'payload'";
      else if (!(payload instanceof Map)) th.row.firstCallCrash = `AttributeError: '${pyTypeName(payload)}' object has no attribute 'get'`;
      else {
        const name = payload.get('name');
        if (name !== undefined && name !== null) {
          if (typeof name === 'object') {
            th.row.firstCallCrash = `TypeError: unhashable type: '${pyTypeName(name)}'`;
          }
          th.row.firstCallNameJson = jsonDumpsExact(name);
        }
      }
    }

    let ordinal = -1;
    if (keys.allocName !== null) {
      ordinal = th.allocCounters.get(keys.allocName) ?? 0;
      th.allocCounters.set(keys.allocName, ordinal + 1);
      this.canonHash(keys, ordinal);
    }

    const b = th.builder;
    const s = b.slot();
    const blk = b.block;
    blk.offset[s] = offset;
    blk.length[s] = length;
    blk.line[s] = lineNo;
    blk.ordinal[s] = ordinal;
    blk.flags[s] = keys.flags;
    blk.hashRaw[2 * s] = hashes[0]!;
    blk.hashRaw[2 * s + 1] = hashes[1]!;
    blk.hashCanon[2 * s] = hashes[2]!;
    blk.hashCanon[2 * s + 1] = hashes[3]!;
    const idxNum = typeof idx === 'number' ? idx : typeof idx === 'boolean' ? Number(idx) : typeof idx === 'bigint' && (keys.flags & FLAG_IDX_INEXACT) === 0 ? Number(idx) : NaN;
    blk.idx[s] = idxNum;
    if (pos === 0) th.row.firstIdx = Number.isNaN(idxNum) ? null : idxNum;
    th.row.lastIdx = Number.isNaN(idxNum) ? null : idxNum;
    th.row.eventCount = pos + 1;
    this.events++;
    if (b.count === BLOCK_SIZE) this.writer.addBlock(th.row.threadNo, th.blockNo++, b);
  }

  /** The canonicalized hash of an allocator return: return_value (and status, if present) become the sentinel. */
  private canonHash(keys: EventKeys, ordinal: number): void {
    const sentinel = allocatorSentinel(keys.allocName!, ordinal);
    const payload = keys.payload as Dict;
    const hasStatus = get(payload, 'status') !== MISSING;
    beginHash(SEED);
    hashValueInto(keys.kind as JsonLike, true);
    hashValueInto(keys.idx === MISSING ? null : keys.idx, true);
    const skip = skippedPayloadFields(keys.kind);
    hashEntriesInto(
      payload,
      true,
      (k, x) => x === null || skip.has(k) || k === 'return_value' || k === 'status',
      hasStatus ? [['return_value', sentinel], ['status', sentinel]] : [['return_value', sentinel]],
    );
    const raw0 = hashes[0]!;
    const raw1 = hashes[1]!;
    endHash(hashes, 2);
    hashes[0] = raw0;
    hashes[1] = raw1;
  }

  private crashError(line: number, what: string, why: string): LogInputError {
    return new LogInputError(this.label, line, `${what} (the reference fails here with ${why})`);
  }

  /** End of file: the checks the reference makes after reading everything, then the index is written. */
  finish(): void {
    if (!this.sawHeader) this.fail(null, 'empty file');
    for (const th of this.order) if (th.orderError) throw th.orderError;
    for (const th of this.order) if (th.builder.count > 0) this.writer.addBlock(th.row.threadNo, th.blockNo++, th.builder);
    const crash = this.order.find((t) => t.canonCrash !== null)?.canonCrash ?? null;
    this.writer.finish(
      this.order.map((t) => t.row),
      { eventCount: this.events, lineCount: this.lines, canonCrash: crash },
    );
  }
}

function pyStrTid(th: ThreadState): string {
  const tid = pyJsonLoads(th.row.tidJson);
  return typeof tid === 'string' ? tid : pyRepr(tid);
}

/**
 * Index one log into `db`, or reuse an index of the same content. `label` is
 * how errors name the file (the path as the user typed it).
 */
export function ingestLog(db: Db, path: string, label: string, hooks: IngestHooks = {}, fp?: FileFingerprint): IngestedLog {
  let fingerprint: FileFingerprint;
  try {
    fingerprint = fp ?? fingerprintFile(path);
  } catch (e) {
    throw fileError(label, e);
  }
  const existing = findReusableLog(db, fingerprint);
  if (existing) {
    hooks.onProgress?.({ bytesDone: existing.size, bytesTotal: existing.size, events: existing.eventCount, elapsedMs: 0 });
    return { log: existing, reused: true };
  }
  const logId = beginLog(db, fingerprint);
  const writer = new LogWriter(db, logId);
  const scanner = new LogScanner(label, writer);
  const started = Date.now();
  try {
    splitLines(path, {
      line: (buf, s, e, off, n) => scanner.line(buf, s, e, off, n),
      invalidUtf8: (n) => scanner.fail(n, "invalid UTF-8 (the reference fails here with UnicodeDecodeError: 'utf-8' codec can't decode)"),
      progress: (bytesDone) => {
        if (hooks.isCancelled?.()) throw new IngestCancelled();
        hooks.onProgress?.({ bytesDone, bytesTotal: fingerprint.size, events: scanner.events, elapsedMs: Date.now() - started });
      },
    });
    scanner.finish();
  } catch (e) {
    deleteLog(db, logId);
    if (e instanceof LogInputError || e instanceof IngestCancelled) throw e;
    if ((e as NodeJS.ErrnoException).code) throw fileError(label, e);
    throw e;
  }
  return { log: getLog(db, logId)!, reused: false };
}

export function fileError(label: string, e: unknown): LogInputError {
  const err = e as NodeJS.ErrnoException;
  const reason =
    err.code === 'ENOENT'
      ? 'no such file'
      : err.code === 'EISDIR' || err.code === 'ENOTFILE'
        ? 'is a directory, not a log file'
        : err.code === 'EACCES' || err.code === 'EPERM'
          ? 'permission denied'
          : `cannot read (${err.message})`;
  return new LogInputError(label, null, reason);
}
