// Worker-thread entry: builds one log's search index (buildColumns.ts),
// posting its columns to the thread that owns the index, with progress, so
// that the thread answering the user stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../store/db';
import { getLog } from '../store/logIndex';
import { buildSearchColumns, SearchBuildCancelled, SearchSourceChanged } from './buildColumns';
import { MAX_IN_FLIGHT, type SearchWorkerReply, type SearchWorkerRequest } from './searchWorkerProtocol';

const req = workerData as SearchWorkerRequest;
const cancelled = new Int32Array(req.cancelFlag);
const isCancelled = (): boolean => Atomics.load(cancelled, 0) !== 0;
const inFlight = new Int32Array(req.inFlight);
const post = (m: SearchWorkerReply): void => parentPort!.postMessage(m);

try {
  const db = openDb(req.dbPath, { readonly: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    const log = getLog(db, req.logId);
    if (!log) throw new Error(`log ${req.logId} is not in the index`);
    const { events } = buildSearchColumns(
      db,
      log,
      req.path,
      {
        write: (columns, segments) => {
          // Wait for the writer rather than queue copies of every column in its memory.
          for (let n = Atomics.load(inFlight, 0); n >= MAX_IN_FLIGHT; n = Atomics.load(inFlight, 0)) {
            Atomics.wait(inFlight, 0, n, 100);
            if (isCancelled()) throw new SearchBuildCancelled();
          }
          Atomics.add(inFlight, 0, 1);
          post({ type: 'columns', columns, segments });
        },
      },
      { isCancelled, onProgress: (progress) => post({ type: 'progress', progress }) },
    );
    post({ type: 'done', events });
  } finally {
    db.close();
  }
} catch (e) {
  if (e instanceof SearchSourceChanged) post({ type: 'changed', what: e.what, line: e.line });
  else if (e instanceof SearchBuildCancelled) post({ type: 'cancelled' });
  else post({ type: 'failed', message: (e as Error).message, stack: (e as Error).stack ?? '' });
}
