// Where the decompressed copies of compressed logs live (ingest/readBackCopy.ts
// writes them; diff/indexedLog.ts reads events back from them): a folder beside
// the index, named after it as SQLite names its own files (index.sqlite-wal),
// so that a copy goes with the index it belongs to — a temporary index's with
// its folder, a kept one's when its log is removed or the user clears them.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Db } from './db';

/** The folder of an index's decompressed copies (not made until a copy is written). */
export function readBackCopyDir(db: Db): string {
  // An index in memory (tests) has no place of its own: one folder per process.
  if (db.memory || db.name === '' || db.name === ':memory:') return join(tmpdir(), `lockstep-decompressed-${process.pid}`);
  return `${resolve(db.name)}-decompressed`;
}

/** The decompressed copy of a log of this index. */
export function readBackCopyPath(db: Db, logId: number): string {
  return join(readBackCopyDir(db), `log-${logId}.jsonl`);
}

/** The folder, made: a copy is about to be written. */
export function prepareReadBackCopy(db: Db, logId: number): string {
  mkdirSync(readBackCopyDir(db), { recursive: true });
  return readBackCopyPath(db, logId);
}

export function removeReadBackCopy(db: Db, logId: number): void {
  const path = readBackCopyPath(db, logId);
  rmSync(path, { force: true });
  rmSync(`${path}.partial`, { force: true });
}

/** A plain log needs no copy; a compressed one needs its copy, whole. */
export function readBackCopyReady(db: Db, log: { logId: number; compression: string | null; contentSize: number }): boolean {
  if (log.compression === null) return true;
  const st = statSync(readBackCopyPath(db, log.logId), { throwIfNoEntry: false });
  return st !== undefined && st.isFile() && st.size === log.contentSize;
}

export interface ReadBackCopyUsage {
  /** The folder (it may not exist yet). */
  dir: string;
  /** Copies in it, and their bytes (a copy being written included). */
  files: number;
  bytes: number;
}

export function readBackCopyUsage(db: Db): ReadBackCopyUsage {
  const dir = readBackCopyDir(db);
  let files = 0;
  let bytes = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // not made yet
  }
  for (const name of names) {
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    files++;
    bytes += st.size;
  }
  return { dir, files, bytes };
}
