// Worker-thread entry: ingests one log into the index with its own SQLite
// connection, posting progress, so the thread that answers users stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../store/db';
import { ingestLog } from './ingestLog';
import { IngestCancelled, LogInputError } from './logErrors';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

const req = workerData as WorkerRequest;
const cancelled = new Int32Array(req.cancelFlag);
const post = (m: WorkerReply): void => parentPort!.postMessage(m);

try {
  const db = openDb(req.dbPath, { nativeBinding: req.nativeBinding });
  try {
    let last = 0;
    const r = ingestLog(
      db,
      req.path,
      req.label,
      {
        isCancelled: () => Atomics.load(cancelled, 0) !== 0,
        onProgress: (p) => {
          const now = Date.now();
          if (now - last >= 100 || p.bytesDone === p.bytesTotal) {
            last = now;
            post({ type: 'progress', progress: p });
          }
        },
      },
      req.fingerprint,
    );
    post({ type: 'done', logId: r.log.logId, reused: r.reused });
  } finally {
    db.close();
  }
} catch (e) {
  if (e instanceof LogInputError) post({ type: 'input-error', file: e.file, line: e.line, reason: e.reason });
  else if (e instanceof IngestCancelled) post({ type: 'cancelled' });
  else post({ type: 'failed', message: (e as Error).message, stack: (e as Error).stack ?? '' });
}
