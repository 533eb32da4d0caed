// The workbench's sessions database (sessions.sqlite): the user's bookmarks,
// notes and places. It is never deleted: a damaged one is moved aside, whole
// with its WAL, to a name that says when, and a new one is started; the line
// that says so names where the old one is, for `sqlite3 … .recover`.
import { existsSync, renameSync } from 'node:fs';
import { isDamage, openDb, type Db, type OpenOptions } from './db';

export function openSessionsDb(path: string, opts: OpenOptions = {}): { db: Db; movedAside: string | null } {
  try {
    const db = openDb(path, { ...opts, schema: 'sessions' });
    try {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(checkSummary(String(check))), { code: 'SQLITE_CORRUPT' });
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, movedAside: null };
  } catch (e) {
    if (!isDamage(e)) throw e;
    const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    const db = openDb(path, { ...opts, schema: 'sessions' });
    return {
      db,
      movedAside: `the sessions database ${path} was damaged (${(e as Error).message}); it is kept as ${aside} and a new one is started (sqlite3 can often recover notes from it: .recover)`,
    };
  }
}

/** quick_check's first finding, and how many there are: one line. */
function checkSummary(report: string): string {
  const problems = report.split('\n').filter((l) => l.trim() && !l.startsWith('***'));
  return `${problems[0] ?? report}${problems.length > 1 ? ` and ${problems.length - 1} more problems` : ''}`;
}
