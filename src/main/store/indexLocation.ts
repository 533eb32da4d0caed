// Where an index lives: a file the user keeps (--db PATH), or a temporary one
// removed when the command ends.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openDb, type Db } from './db';
import { removeAbandonedLogs } from './logWriter';

export interface IndexHandle {
  db: Db;
  path: string;
  temporary: boolean;
  dispose(): void;
}

export function openIndex(keepAt: string | null): IndexHandle {
  if (keepAt) {
    const path = resolve(keepAt);
    mkdirSync(dirname(path), { recursive: true });
    const db = openDb(path);
    removeAbandonedLogs(db);
    return { db, path, temporary: false, dispose: () => db.close() };
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
  return { db, path, temporary: true, dispose };
}
