// Ingest: stream one schema-v1 log into the index (LogScanner validates and
// keys each line), or reuse an index of the same content; a file that changes
// while it is read is refused.
import { statSync } from 'node:fs';
import type { Db } from '../store/db';
import { findReusableLog, getLog, hashSecret, type FileFingerprint, type LogRow } from '../store/logIndex';
import { beginLog, discardLog, LogWriter, type LogSink } from '../store/logWriter';
import { fingerprintFile } from './fingerprint';
import { IngestCancelled, LogInputError } from './logErrors';
import { LogScanner } from './logScanner';
import { splitLines } from './lineSplitter';
import { useHashSecret } from './valueHash';

export interface IngestProgress {
  bytesDone: number;
  bytesTotal: number;
  events: number;
  elapsedMs: number;
  /** The log's index already existed (same content): nothing was read. */
  reused?: boolean;
}

export interface IngestHooks {
  onProgress?: (p: IngestProgress) => void;
  /** Polled once per chunk (a few MiB); return true to stop and discard the partial index. */
  isCancelled?: () => boolean;
  /** Diagnostics and tests: read every line with the exact parser, never the fast scanner. */
  exactOnly?: boolean;
  /** A last line cut short (a run that crashed) is left out, not refused (--accept-truncated). */
  acceptTruncated?: boolean;
}

export interface IngestedLog {
  log: LogRow;
  reused: boolean;
}

/**
 * Read, validate and index one log into `sink`. Throws LogInputError (a line
 * naming file and line) or IngestCancelled; the caller discards what the sink
 * received then.
 */
export function scanLog(path: string, label: string, fingerprint: FileFingerprint, secret: Uint8Array, sink: LogSink, hooks: IngestHooks = {}): void {
  useHashSecret(secret);
  const scanner = new LogScanner(label, sink, hooks.exactOnly, { size: fingerprint.size, acceptTruncated: hooks.acceptTruncated ?? false });
  const started = Date.now();
  try {
    const read = splitLines(path, {
      line: (buf, s, e, off, n) => scanner.line(buf, s, e, off, n),
      invalidUtf8: (n, offset, length) =>
        scanner.badLine(n, offset, length, "invalid UTF-8 (the reference fails here with UnicodeDecodeError: 'utf-8' codec can't decode)"),
      progress: (bytesDone) => {
        if (hooks.isCancelled?.()) throw new IngestCancelled();
        hooks.onProgress?.({ bytesDone, bytesTotal: fingerprint.size, events: scanner.events, elapsedMs: Date.now() - started });
      },
    });
    // An engine still writing the log (or a truncation) would leave an index of no file that exists.
    if (read !== fingerprint.size) throw changedWhileRead(label, path, fingerprint);
    changedWhileReadCheck(label, path, fingerprint);
    scanner.finish();
  } catch (e) {
    // A log that changed under us explains any error it caused (a cut line is no invalid JSON of the engine's).
    if (e instanceof LogInputError) changedWhileReadCheck(label, path, fingerprint);
    if (e instanceof LogInputError || e instanceof IngestCancelled) throw e;
    // A file system's error is the log's (cannot read); SQLite's (no room for the index) is not.
    const code = (e as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('SQLITE')) throw fileError(label, e);
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
    scanLog(path, label, fingerprint, hashSecret(db), new LogWriter(db, logId), hooks);
  } catch (e) {
    discardLog(db, logId);
    throw e;
  }
  return { log: getLog(db, logId)!, reused: false };
}

function changedWhileRead(label: string, path: string, fp: FileFingerprint): LogInputError {
  let now = -1;
  try {
    now = statSync(path).size;
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
    const st = statSync(path);
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
