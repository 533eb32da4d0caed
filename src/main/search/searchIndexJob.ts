// Making sure a log has its search index: built once, on the first search, in
// a worker thread (the thread that answers requests stays free), written here,
// with progress and cancel; a build that fails or is cancelled leaves nothing.
// Two searches that need the same log's index wait for one build.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../appRoot';
import { LogChangedError } from '../ingest/logErrors';
import type { Db } from '../store/db';
import type { LogRow } from '../store/logIndex';
import { markStale } from '../store/logWriter';
import { dropSearchIndex, finishSearchIndex, searchIndexOf, writeSearchColumns } from '../store/searchIndex';
import { buildSearchColumns, SearchBuildCancelled, SearchSourceChanged, type SearchBuildProgress } from './buildColumns';
import { SEARCH_FORMAT } from './columns';
import type { SearchWorkerReply, SearchWorkerRequest } from './searchWorkerProtocol';

const WORKER_SCRIPT = join(APP_ROOT, 'out', 'main', 'searchWorker.js');

export { SearchBuildCancelled };

export interface SearchIndexHooks {
  onProgress?: (p: SearchBuildProgress) => void;
  /** Aborting stops the build and drops what it wrote (the promise rejects with SearchBuildCancelled). */
  signal?: AbortSignal;
  /** better-sqlite3's binding for a worker (Electron's ABI). */
  nativeBinding?: string;
}

export interface SearchIndexState {
  /** False: the index was there already. */
  built: boolean;
  events: number;
  /** What its columns take in the index. */
  bytes: number;
  buildMs: number;
}

/** Whether a log has a complete search index of this format. */
export function hasSearchIndex(db: Db, logId: number): boolean {
  return searchIndexOf(db, logId)?.format === SEARCH_FORMAT;
}

const running = new Map<string, Promise<SearchIndexState>>();

/**
 * The log's search index, built now if it has none. `dbPath` is the index's
 * file (a worker opens it read-only; ':memory:' builds in this thread), `path`
 * where the log is read from, `label` how messages name it.
 */
export function ensureSearchIndex(db: Db, dbPath: string, log: LogRow, path: string, label: string, hooks: SearchIndexHooks = {}): Promise<SearchIndexState> {
  const have = searchIndexOf(db, log.logId);
  if (have?.format === SEARCH_FORMAT) return Promise.resolve({ built: false, events: have.events, bytes: have.bytes, buildMs: have.buildMs });
  const key = `${dbPath}\u0000${log.logId}`;
  const already = running.get(key);
  if (already) return already;
  const job = build(db, dbPath, log, path, label, hooks).finally(() => running.delete(key));
  running.set(key, job);
  return job;
}

async function build(db: Db, dbPath: string, log: LogRow, path: string, label: string, hooks: SearchIndexHooks): Promise<SearchIndexState> {
  const started = Date.now();
  dropSearchIndex(db, log.logId); // an older format, or what a build killed half-way left
  let bytes = 0;
  const write = (columns: Parameters<typeof writeSearchColumns>[2], segments: Parameters<typeof writeSearchColumns>[3]): void => {
    bytes += writeSearchColumns(db, log.logId, columns, segments);
  };
  try {
    if (hooks.signal?.aborted) throw new SearchBuildCancelled();
    const useWorker = dbPath !== ':memory:' && existsSync(WORKER_SCRIPT);
    const { events } = useWorker
      ? await inWorker(dbPath, log, path, hooks, write)
      : buildSearchColumns(db, log, path, { write }, { onProgress: hooks.onProgress, isCancelled: () => hooks.signal?.aborted ?? false });
    const buildMs = Date.now() - started;
    finishSearchIndex(db, log.logId, { format: SEARCH_FORMAT, events, bytes, buildMs });
    return { built: true, events, bytes, buildMs };
  } catch (e) {
    try {
      dropSearchIndex(db, log.logId);
    } catch {
      // a full disk: the rows go with the log, or at the next build
    }
    if (e instanceof SearchSourceChanged) {
      // The same verdict as a read of the viewer's: this index of the log is not used again.
      markStale(db, log.logId);
      throw new LogChangedError(label, e.line, e.what);
    }
    throw e;
  }
}

function inWorker(
  dbPath: string,
  log: LogRow,
  path: string,
  hooks: SearchIndexHooks,
  write: (columns: Extract<SearchWorkerReply, { type: 'columns' }>['columns'], segments: Extract<SearchWorkerReply, { type: 'columns' }>['segments']) => void,
): Promise<{ events: number }> {
  const req: SearchWorkerRequest = {
    dbPath,
    ...(hooks.nativeBinding ? { nativeBinding: hooks.nativeBinding } : {}),
    logId: log.logId,
    path,
    cancelFlag: new SharedArrayBuffer(4),
    inFlight: new SharedArrayBuffer(4),
  };
  const cancel = new Int32Array(req.cancelFlag);
  const inFlight = new Int32Array(req.inFlight);
  const onAbort = (): void => void Atomics.store(cancel, 0, 1);
  hooks.signal?.addEventListener('abort', onAbort);
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SCRIPT, { workerData: req });
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      f();
    };
    w.on('message', (m: SearchWorkerReply) => {
      try {
        switch (m.type) {
          case 'progress':
            hooks.onProgress?.(m.progress);
            break;
          case 'columns':
            write(m.columns, m.segments);
            Atomics.sub(inFlight, 0, 1);
            Atomics.notify(inFlight, 0);
            break;
          case 'done':
            settle(() => resolve({ events: m.events }));
            break;
          case 'changed':
            settle(() => reject(new SearchSourceChanged(m.what, m.line)));
            break;
          case 'cancelled':
            settle(() => reject(new SearchBuildCancelled()));
            break;
          case 'failed':
            settle(() => reject(Object.assign(new Error(m.message), { stack: m.stack })));
            break;
        }
      } catch (e) {
        Atomics.store(cancel, 0, 1);
        settle(() => reject(e as Error));
      }
    });
    w.on('error', (e) => settle(() => reject(e)));
    w.on('exit', (code) => settle(() => reject(new Error(`search index worker exited with code ${code}`))));
  });
}
