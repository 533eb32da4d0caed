// The one module that owns the SQLite driver: opening, pragmas, migrations.
// Domain queries live beside it (logIndex.ts, sessions.ts) as named functions.
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  readonly?: boolean;
}

/** The driver's binary, set once by a host that runs under another ABI (the Electron shell). */
let defaultNativeBinding: string | undefined;
export function useNativeBinding(path: string | undefined): void {
  defaultNativeBinding = path;
}

export function openDb(path: string, opts: OpenOptions = {}): Db {
  const nativeBinding = opts.nativeBinding ?? defaultNativeBinding;
  const db = new Database(path, {
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(opts.readonly ? { readonly: true, fileMustExist: true } : {}),
  });
  db.pragma('busy_timeout = 30000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // A kill loses at most the last transactions, never consistency; the log index can always be rebuilt.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  if (!opts.readonly) migrate(db);
  return db;
}

/** Bring the schema to the newest version, one transaction per step. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
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
