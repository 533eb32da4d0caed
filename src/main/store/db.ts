// The one module that owns the SQLite driver: opening, pragmas, migrations.
// Domain queries live beside it (logIndex.ts, sessions.ts) as named functions.
import Database, { type Statement } from 'better-sqlite3';
import { INDEX_MIGRATIONS, SESSION_MIGRATIONS } from './migrations';

export type Db = Database.Database;

/** The index's content cannot be what Lockstep wrote: it is rebuilt from the logs (it is a cache). */
export class IndexDamagedError extends Error {}

/** Whether an error means the database file is damaged (SQLite's own verdict, or Lockstep's on what it read). */
export function isDamage(e: unknown): boolean {
  if (e instanceof IndexDamagedError) return true;
  const code = String((e as { code?: unknown })?.code ?? '');
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

export interface OpenOptions {
  /** Which database: the log index (default) or the workbench's sessions. */
  schema?: 'index' | 'sessions';
  /** Path of a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  readonly?: boolean;
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  const nativeBinding = opts.nativeBinding;
  const db = new Database(path, {
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(opts.readonly ? { readonly: true, fileMustExist: true } : {}),
  });
  db.pragma('busy_timeout = 30000');
  const sessions = opts.schema === 'sessions';
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // The index can always be rebuilt from the logs: NORMAL (a power cut may lose the last
    // transactions, never consistency). Sessions hold the user's notes: FULL, every commit on disk.
    db.pragma(sessions ? 'synchronous = FULL' : 'synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  if (opts.readonly) return db;
  // The index gives the pages of a failed ingest back to the disk (reclaimSpace): auto_vacuum = INCREMENTAL,
  // set before its tables exist, or by one VACUUM while it holds no blocks (an index made before it was set).
  const reclaimable = sessions || db.pragma('auto_vacuum', { simple: true }) === 2;
  if (!reclaimable) db.pragma('auto_vacuum = INCREMENTAL');
  migrate(db, sessions ? SESSION_MIGRATIONS : INDEX_MIGRATIONS);
  if (!reclaimable && db.pragma('auto_vacuum', { simple: true }) !== 2 && !db.prepare('SELECT 1 FROM blocks LIMIT 1').get()) db.exec('VACUUM');
  return db;
}

const statements = new WeakMap<Db, Map<string, Statement>>();

/**
 * A statement prepared once per connection: the queries the diff and the
 * alignment run once per block or per pair (thousands of times with many
 * threads) would otherwise spend more time being compiled than run.
 */
export function cached(db: Db, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** Bring the schema to the newest version, one transaction per step. */
function migrate(db: Db, migrations: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const MIGRATIONS = migrations;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `this index was written by a newer Lockstep (schema ${current}, this one knows ${MIGRATIONS.length}); use a newer Lockstep or another --db`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
