// Ingest: stream one schema-v1 log into the index (LogScanner validates and
// keys each line), or reuse an index of the same content; a file that changes
// while it is read is refused.
import { statSync } from 'node:fs';
import type { Db } from '../store/db';
import { findReusableLog, getLog, hashSecret, type Compression, type FileFingerprint, type LogRow } from '../store/logIndex';
import { beginLog, discardLog, LogWriter, type LogSink } from '../store/logWriter';
import { prepareReadBackCopy } from '../store/readBackCopies';
import { fingerprintFile } from './fingerprint';
import { CutLogError, IngestCancelled, LogInputError } from './logErrors';
import { noSpace } from '../store/noSpace';
import { LogScanner, type CutCheck } from './logScanner';
import { splitLogBytes } from './lineSplitter';
import { DamagedDataError, openLogBytes, type LogBytes } from './logBytes';
import { CopyingBytes } from './readBackCopy';
import { recordEntries, useHashSecret } from './valueHash';
import { fsPath } from '../py/codecs';

export interface IngestProgress {
  bytesDone: number;
  bytesTotal: number;
  events: number;
  elapsedMs: number;
  /** The log's index already existed (same content): nothing was read. */
  reused?: boolean;
  /** A compressed log: its bytes decompressed so far (bytesDone and bytesTotal count the file's own, compressed bytes). */
  contentBytes?: number;
}

export interface IngestHooks {
  onProgress?: (p: IngestProgress) => void;
  /** Polled once per chunk (a few MiB); return true to stop and discard the partial index. */
  isCancelled?: () => boolean;
  /** Diagnostics and tests: read every line with the exact parser, never the fast scanner. */
  exactOnly?: boolean;
  /** A last line cut short (a run that crashed) is left out, not refused (--accept-truncated). */
  acceptTruncated?: boolean;
  /** Where pending events are spilled when a log of many threads holds more than the arena's budget (beside the index); none: all in memory. */
  spillDir?: string | null;
}

export interface IngestedLog {
  log: LogRow;
  reused: boolean;
}

/**
 * Read, validate and index one log into `sink`. Throws LogInputError (a line
 * naming file and line) or IngestCancelled; the caller discards what the sink
 * received then. A compressed log is read decompressed (its lines, offsets and
 * size are those of its decompressed bytes) and copied to `copyTo`, the
 * decompressed copy it is read back from (store/readBackCopies.ts).
 */
export function scanLog(
  path: string,
  label: string,
  fingerprint: FileFingerprint,
  secret: Uint8Array,
  sink: LogSink,
  hooks: IngestHooks = {},
  copyTo: string | null = null,
): void {
  useHashSecret(secret);
  // The size is known at the end (a compressed log's decompressed size): no line is the last before.
  const cut: CutCheck = { size: Infinity, acceptTruncated: hooks.acceptTruncated ?? false, fileCut: null };
  const scanner = new LogScanner(label, sink, hooks.exactOnly, cut, hooks.spillDir ?? null);
  const started = Date.now();
  let bytes: LogBytes | null = null;
  let copy: CopyingBytes | null = null;
  // Every entry hashed while this log is read goes to its field dictionary; nothing after.
  recordEntries(scanner.recorder);
  try {
    bytes = openLogBytes(path);
    if (bytes.compression !== null) {
      if (copyTo === null) throw new Error('a compressed log needs a place for its decompressed copy');
      bytes = copy = new CopyingBytes(bytes, copyTo);
    }
    const source = bytes;
    const read = splitLogBytes(source, {
      line: (buf, s, e, off, n) => scanner.line(buf, s, e, off, n),
      invalidUtf8: (n, offset, length) =>
        scanner.badLine(n, offset, length, "invalid UTF-8 (the reference fails here with UnicodeDecodeError: 'utf-8' codec can't decode)"),
      progress: (contentBytes) => {
        if (hooks.isCancelled?.()) throw new IngestCancelled();
        hooks.onProgress?.({
          bytesDone: source.fileBytesRead,
          bytesTotal: fingerprint.size,
          events: scanner.events,
          elapsedMs: Date.now() - started,
          ...(source.compression ? { contentBytes } : {}),
        });
      },
      end: (size) => {
        cut.size = size;
        if (source.truncatedAt !== null) cut.fileCut = fileCutShort(source.compression!, source.truncatedAt);
      },
    });
    // An engine still writing the log (or a truncation) would leave an index of no file that exists.
    if (source.fileBytesRead !== fingerprint.size) throw changedWhileRead(label, path, fingerprint);
    changedWhileReadCheck(label, path, fingerprint);
    if (cut.fileCut) {
      // The compressed data ends early: a cut log, whether or not its last line was cut with it.
      // Named by the line that is not there, as a line cut short is: the workbench offers to use the lines before it.
      if (!cut.acceptTruncated)
        throw new CutLogError(label, scanner.lines + 1, `${cut.fileCut}, where this line would begin: accept a cut log to use the lines before it`);
      scanner.cutLine ??= scanner.lines + 1;
    }
    copy?.commit();
    scanner.finish(read);
  } catch (e) {
    // A log that changed under us explains any error it caused (a cut line is no invalid JSON of the engine's).
    if (e instanceof LogInputError) changedWhileReadCheck(label, path, fingerprint);
    // So does damaged compressed data, found (by its checksum) only after the lines it spoilt.
    if (e instanceof LogInputError && !(e instanceof CutLogError) && bytes?.compression) throwIfDamaged(bytes, label, hooks);
    if (e instanceof DamagedDataError) throw damagedError(label, e);
    if (e instanceof LogInputError || e instanceof IngestCancelled) throw e;
    // A file system's error is the log's (cannot read); SQLite's (no room for the index) is not, nor one writing the copy.
    const code = (e as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('SQLITE') && !noSpace(e)) throw fileError(label, e);
    throw e;
  } finally {
    bytes?.close();
    scanner.close();
    recordEntries(null);
  }
}

function fileCutShort(compression: Compression, at: number): string {
  return `the file is cut short: its ${compression} data ends early, at byte ${at} (a run that crashed, or a copy not finished?)`;
}

function damagedError(label: string, e: DamagedDataError): LogInputError {
  return new LogInputError(label, null, `${e.message} of the file`);
}

/** Read the rest of a compressed log (no line checked) to find damage that explains an error in its lines. */
function throwIfDamaged(bytes: LogBytes, label: string, hooks: IngestHooks): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    while (bytes.read(buf, 0, buf.length) > 0) if (hooks.isCancelled?.()) throw new IngestCancelled();
  } catch (e) {
    if (e instanceof DamagedDataError) throw damagedError(label, e);
    throw e;
  }
}

/**
 * Index one log into `db` in this thread, or reuse an index of the same
 * content. `label` is how errors name the file (the path as the user typed it).
 */
export function ingestLog(db: Db, path: string, label: string, hooks: IngestHooks = {}, fp?: FileFingerprint): IngestedLog {
  let fingerprint: FileFingerprint;
  try {
    fingerprint = fp ?? fingerprintFile(path);
  } catch (e) {
    throw fileError(label, e);
  }
  const existing = findReusableLog(db, fingerprint, hooks.acceptTruncated);
  if (existing) {
    hooks.onProgress?.({ bytesDone: existing.size, bytesTotal: existing.size, events: existing.eventCount, elapsedMs: 0, reused: true });
    return { log: existing, reused: true };
  }
  const logId = beginLog(db, fingerprint);
  try {
    const copyTo = fingerprint.compression ? prepareReadBackCopy(db, logId) : null;
    scanLog(path, label, fingerprint, hashSecret(db), new LogWriter(db, logId), hooks, copyTo);
  } catch (e) {
    discardLog(db, logId);
    throw e;
  }
  return { log: getLog(db, logId)!, reused: false };
}

function changedWhileRead(label: string, path: string, fp: FileFingerprint): LogInputError {
  let now = -1;
  try {
    now = statSync(fsPath(path)).size;
  } catch {
    // gone: say so below
  }
  return new LogInputError(
    label,
    null,
    `the file changed while it was being read (${fp.size} bytes at the start, ${now < 0 ? 'gone' : `${now}`} now); open it again once it is complete`,
  );
}

function changedWhileReadCheck(label: string, path: string, fp: FileFingerprint): void {
  let same = false;
  try {
    const st = statSync(fsPath(path));
    same = st.size === fp.size && st.mtimeMs === fp.mtimeMs;
  } catch {
    // gone: not the same file
  }
  if (!same) throw changedWhileRead(label, path, fp);
}

export function fileError(label: string, e: unknown): LogInputError {
  const err = e as NodeJS.ErrnoException;
  const reason =
    err.code === 'ENOENT'
      ? 'no such file'
      : err.code === 'EISDIR'
        ? 'is a directory, not a log file'
        : err.code === 'ENOTFILE'
          ? 'is not a regular file (a pipe or a device): give the workbench a log file'
          : err.code === 'EACCES' || err.code === 'EPERM'
            ? 'permission denied'
            : `cannot read (${err.message})`;
  return new LogInputError(label, null, reason);
}
