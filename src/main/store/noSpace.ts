// Writing when there is no room: a full disk, a quota, a file-size limit.
// One vocabulary for what SQLite and the file system say about it, one error
// the hosts turn into one line, and one way to write a file whole or not at all.
import { basename, dirname, join } from 'node:path';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { fsPath } from '../py/codecs';

/** Why a write found no room, in words, or null when the error is something else. */
export function noSpace(e: unknown): string | null {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full';
  if (code === 'EDQUOT') return 'the disk quota is exceeded';
  if (code === 'EFBIG') return 'the file size limit is reached';
  // A short write under a file-size limit (ulimit -f) reaches SQLite as a failed write.
  if (code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_SHMSIZE') return 'the disk is full or a file-size limit is reached';
  return null;
}

/** A write found no room: one line naming the file and what to do (CLI exit status 74, EX_IOERR). */
export class NoSpaceError extends Error {
  readonly exitStatus = 74;
}

/** Why a file could not be written, in words. */
export function writeFailureReason(e: unknown): string {
  const why = noSpace(e);
  if (why) return why;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'no permission to write there (or a read-only place)';
  if (code === 'EISDIR') return 'it is a directory';
  return (e as Error).message;
}

/**
 * Write a file whole or not at all: beside it first, flushed, then renamed
 * over it. A failure (a full disk) leaves the file as it was and no partial
 * file beside it. `mode`: the permissions the file gets (a file rewritten keeps its own).
 */
export function writeFileAtomic(path: string, text: string, opts: { mode?: number } = {}): void {
  // A pipe or a device (--out /dev/stdout, >(gzip > r.md.gz)) cannot be renamed over: written as it is.
  let special = false;
  try {
    special = !statSync(fsPath(path)).isFile();
  } catch {
    // nothing there yet
  }
  if (special) return writeFileSync(fsPath(path), text);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(fsPath(tmp), 'w');
  try {
    if (opts.mode !== undefined) fchmodSync(fd, opts.mode);
    // writeSync may write less than asked (a file-size limit, a disk filling up): the rest is written, or fails.
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(fsPath(tmp), { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(fsPath(tmp), fsPath(path));
  } catch (e) {
    rmSync(fsPath(tmp), { force: true });
    throw e;
  }
  try {
    const dfd = openSync(fsPath(dirname(path)), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directories cannot be fsynced everywhere; the rename itself is atomic
  }
}
