// Where an index lives: a file the user keeps (--db PATH), or a temporary one
// removed when the command ends.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDamage, openDb, type Db, type OpenOptions } from './db';
import { reclaimSpace, removeAbandonedLogs } from './logWriter';

export interface IndexHandle {
  db: Db;
  path: string;
  temporary: boolean;
  /** Why a damaged kept index was rebuilt on opening (one line to tell the user), or null. */
  rebuilt: string | null;
  dispose(): void;
}

/** Remove an index, its WAL files and its decompressed copies (an index is a cache: the logs rebuild it). */
export function removeIndexFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  rmSync(`${path}-decompressed`, { recursive: true, force: true });
}

/** Open a kept index; a damaged one is removed and made again, and says so. */
export function openKeptIndex(path: string, opts: OpenOptions = {}): { db: Db; rebuilt: string | null } {
  try {
    const db = openDb(path, opts);
    try {
      // A few pages every query needs: damage there shows at once, not in the middle of a diff.
      db.prepare('SELECT count(*) FROM logs').get();
      db.prepare('SELECT count(*) FROM threads').get();
      // What an ingest killed half-way left goes, and its pages back to the disk.
      if (removeAbandonedLogs(db) > 0) reclaimSpace(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, rebuilt: null };
  } catch (e) {
    if (!isDamage(e)) throw e;
    removeIndexFiles(path);
    const db = openDb(path, opts);
    return { db, rebuilt: damagedIndexMessage(path, e) };
  }
}

/** The one line that tells the user a damaged index was rebuilt. */
export function damagedIndexMessage(path: string, e: unknown): string {
  return `the index ${path} was damaged (${(e as Error).message}); it is rebuilt from the logs`;
}

export function openIndex(keepAt: string | null): IndexHandle {
  if (keepAt) {
    const path = resolve(keepAt);
    mkdirSync(dirname(path), { recursive: true });
    const { db, rebuilt } = openKeptIndex(path);
    return { db, path, temporary: false, rebuilt, dispose: () => db.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-'));
  const path = join(dir, 'index.sqlite');
  const db = openDb(path);
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    try {
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', dispose);
    }
  };
  process.on('exit', dispose);
  return { db, path, temporary: true, rebuilt: null, dispose };
}
