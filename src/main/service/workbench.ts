// The workbench's one implementation of the contract (src/shared/api.ts).
// Plain Node: the Electron shell and `lockstep serve` both carry it, the tests
// drive it directly. Long work (ingest) runs in worker threads and streams
// progress; everything else answers from the index in milliseconds. The
// handlers live per domain in ./handlers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiError, BookmarkView, EventName, Events, Result, ViewMode } from '../../shared/api';
import { checkRequest } from '../../shared/requestSchemas';
import { DiffOptionError, NoTidMapping } from '../diff/diffLogs';
import { CutLogError, IngestCancelled, LogChangedError, LogInputError } from '../ingest/logErrors';
import { PyError } from '../py/value';
import { isDamage, type Db } from '../store/db';
import { openKeptIndex, removeIndexFiles } from '../store/indexLocation';
import { reclaimSpace } from '../store/logWriter';
import { noSpace } from '../store/noSpace';
import { openSessionsDb } from '../store/sessionsLocation';
import { DataDirInUse, lockDataDir } from '../store/dataDirLock';
import { notFound, RequestError, type Handlers, type PairSides, type WorkbenchContext, type WorkbenchOptions } from './context';
import { bookmarkHandlers } from './handlers/bookmarkHandlers';
import { cacheHandlers } from './handlers/cacheHandlers';
import { diffHandlers } from './handlers/diffHandlers';
import { mapHandlers } from './handlers/mapHandlers';
import { proposalHandlers } from './handlers/proposalHandlers';
import { reportHandlers } from './handlers/reportHandlers';
import { searchHandlers } from './handlers/searchHandlers';
import { rulesHandlers } from './handlers/rulesHandlers';
import { sessionHandlers } from './handlers/sessionHandlers';
import { triageHandlers } from './handlers/triageHandlers';
import { closeSession, JobConflict, readableBookmarks, type OpenSession } from './openSession';
import type { PairRowsModel } from './pairRows';

export type { WorkbenchOptions } from './context';
export { DataDirInUse } from '../store/dataDirLock';

export class Workbench implements WorkbenchContext {
  private indexDb: Db;
  readonly dbPath: string;
  readonly sessionsDb: Db;
  readonly sessions = new Map<string, OpenSession>();
  readonly jobs = new Map<string, AbortController>();
  readonly cancelledEarly = new Map<string, number>();
  private readonly listeners = new Set<(event: EventName, payload: Events[EventName]) => void>();
  private readonly handlers: Handlers;
  private readonly releaseLock: () => void;
  /** What happened to the data directory's files at start (a damaged database recovered): shown once by the page. */
  readonly notices: string[] = [];

  constructor(readonly opts: WorkbenchOptions) {
    this.dbPath = join(opts.dataDir, 'index.sqlite');
    try {
      mkdirSync(opts.dataDir, { recursive: true });
    } catch (e) {
      throw new DataDirError(opts.dataDir, e);
    }
    // One host per data directory: a second would overwrite the first's session settings.
    try {
      this.releaseLock = lockDataDir(opts.dataDir, opts.host === 'electron' ? 'the desktop workbench' : 'lockstep serve');
    } catch (e) {
      if (e instanceof DataDirInUse) throw e;
      throw new DataDirError(opts.dataDir, e);
    }
    try {
      [this.indexDb, this.sessionsDb] = this.openDatabases();
    } catch (e) {
      this.releaseLock();
      throw e;
    }
    this.handlers = {
      ...sessionHandlers(this),
      ...diffHandlers(this),
      ...mapHandlers(this),
      ...proposalHandlers(this),
      ...bookmarkHandlers(this),
      ...reportHandlers(this),
      ...triageHandlers(this),
      ...cacheHandlers(this),
      ...searchHandlers(this),
      ...rulesHandlers(this),
    };
  }

  private openDatabases(): [Db, Db] {
    const opts = this.opts;
    const open = <T>(what: () => T): T => {
      try {
        return what();
      } catch (e) {
        const code = String((e as { code?: unknown }).code ?? '');
        if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_FULL') throw new DataDirError(opts.dataDir, e);
        throw e;
      }
    };
    // A damaged index is rebuilt (it is a cache); a damaged sessions database is moved aside, never deleted.
    const index = open(() => openKeptIndex(this.dbPath, { nativeBinding: opts.nativeBinding }));
    if (index.rebuilt) this.notices.push(index.rebuilt);
    let sessions;
    try {
      sessions = open(() => openSessionsDb(join(opts.dataDir, 'sessions.sqlite'), { nativeBinding: opts.nativeBinding }));
    } catch (e) {
      index.db.close();
      throw e;
    }
    if (sessions.movedAside) this.notices.push(sessions.movedAside);
    return [index.db, sessions.db];
  }

  get db(): Db {
    return this.indexDb;
  }

  onEvent(listener: (event: EventName, payload: Events[EventName]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) l(event, payload);
  }

  /** Validate and run one request; every failure comes back as data. */
  async handle(name: unknown, arg: unknown): Promise<Result<unknown>> {
    const checked = checkRequest(name, arg);
    if (!checked.ok) return { ok: false, error: { code: 'bad-request', message: checked.message } };
    try {
      const handler = this.handlers[checked.name] as (a: unknown) => unknown;
      return { ok: true, value: await handler(checked.arg) };
    } catch (e) {
      if (isDamage(e)) return { ok: false, error: this.recoverFromDamage(e) };
      // Nothing read from a changed log is shown: the page offers to index it again.
      if (e instanceof LogChangedError) this.emit('app/log-changed', { file: e.file, message: e.message });
      const why = noSpace(e);
      if (why && !(e instanceof RequestError)) return { ok: false, error: this.recoverFromNoSpace(why) };
      return { ok: false, error: toApiError(e) };
    }
  }

  /**
   * A request met a damaged database. The sessions database is the user's
   * work: it is left as it is and the next start moves it aside. The index is
   * a cache: the open sessions (which read it) are closed, it is rebuilt, and
   * the page is told to open the logs again; bookmarks and notes are kept.
   */
  private recoverFromDamage(e: unknown): ApiError {
    let sessionsOk: boolean;
    try {
      sessionsOk = this.sessionsDb.pragma('quick_check', { simple: true }) === 'ok';
    } catch {
      sessionsOk = false;
    }
    const path = join(this.opts.dataDir, 'sessions.sqlite');
    if (!sessionsOk) {
      const message = `the sessions database ${path} is damaged (${(e as Error).message}); restart the workbench: it keeps the damaged file aside and starts a new one`;
      return { code: 'damaged', message };
    }
    return this.resetIndex(
      'damaged',
      `the index ${this.dbPath} was damaged (${(e as Error).message}); it is rebuilt: open the logs again (bookmarks and notes are kept)`,
    );
  }

  /**
   * A request found no room in the data directory. Its own transaction was
   * rolled back; what a failed ingest wrote is given back to the disk. When
   * the disk allows not even that, the index goes (a cache: the logs rebuild it).
   */
  private recoverFromNoSpace(why: string): ApiError {
    const where = `cannot write in ${this.opts.dataDir}: ${why}`;
    if (reclaimSpace(this.indexDb)) return { code: 'disk-full', message: `${where}; nothing of this request was kept — free some space and try again` };
    return this.resetIndex(
      'disk-full',
      `${where}; the index was removed to give its space back — free some space, then open the logs again (bookmarks and notes are kept)`,
    );
  }

  /** Close every open session (they read the index), remove the index, start an empty one; the page is told. */
  private resetIndex(code: 'damaged' | 'disk-full', message: string): ApiError {
    for (const c of this.jobs.values()) c.abort();
    for (const s of this.sessions.values()) closeSession(s);
    this.sessions.clear();
    this.indexDb.close();
    removeIndexFiles(this.dbPath);
    this.indexDb = openKeptIndex(this.dbPath, { nativeBinding: this.opts.nativeBinding }).db;
    this.emit('app/sessions-closed', { code, message });
    return { code, message };
  }

  session(id: string): OpenSession {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`no open session ${id}`);
    return s;
  }

  pair(s: OpenSession, pairKey: string): PairSides {
    const p = s.result.pairs.find((r) => r.canaryThread.tidKey === pairKey);
    if (!p) throw notFound(`no pair ${pairKey} in this session`);
    return {
      c: { log: s.canary, thread: p.canaryThread },
      o: { log: s.ours, thread: p.oursThread },
      alignment: s.alignments.get(pairKey)!,
      total: Math.max(p.canaryTotal, p.oursTotal),
      n: Math.min(p.canaryTotal, p.oursTotal),
    };
  }

  bookmarksOf(s: OpenSession, pairKey: string): BookmarkView[] {
    return readableBookmarks(s, this.sessionsDb).views.filter((b) => b.pairKey === pairKey);
  }

  pairRows(s: OpenSession, pairKey: string, view: ViewMode): PairRowsModel {
    return this.pair(s, pairKey).alignment.rows(view);
  }

  close(): void {
    for (const c of this.jobs.values()) c.abort();
    for (const s of this.sessions.values()) closeSession(s);
    this.sessions.clear();
    this.indexDb.close();
    this.sessionsDb.close();
    this.releaseLock();
  }
}

/** The data directory cannot be made or written: one line naming it and why. */
export class DataDirError extends Error {
  constructor(dir: string, e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'it cannot be written here (read-only or no permission)'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'a file stands where a directory should be'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : (e as Error).message;
    super(`cannot use the data directory ${dir}: ${why}; choose another with --data-dir (or LOCKSTEP_DATA_DIR)`);
  }
}

function toApiError(e: unknown): ApiError {
  if (e instanceof RequestError) return e.error;
  if (e instanceof JobConflict) return { code: 'conflict', message: e.message };
  if (e instanceof LogInputError)
    return { code: 'input', message: e.message, detail: { file: e.file, line: e.line, ...(e instanceof CutLogError ? { cut: true } : {}) } };
  if (e instanceof IngestCancelled) return { code: 'cancelled', message: 'cancelled: nothing of this ingest was kept' };
  if (e instanceof NoTidMapping) return { code: 'no-mapping', message: e.message };
  if (e instanceof DiffOptionError || e instanceof PyError) return { code: 'input', message: e.message };
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT' || err?.code === 'EACCES' || err?.code === 'EISDIR' || err?.code === 'ENOTFILE') return { code: 'input', message: err.message };
  return { code: 'internal', message: `internal error: ${err?.message ?? String(e)}` };
}
