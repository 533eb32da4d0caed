// Worker-thread entry: aligns pairs from the index, so that the thread that
// answers requests stays free while a large session is aligned (the same
// alignThreads as everywhere: the results are the ones an alignment in that
// thread gives).
import { parentPort, workerData } from 'node:worker_threads';
import { isDamage, openDb } from '../store/db';
import { alignThreads } from './alignThreads';
import type { AlignReply, AlignRequest } from './alignWorkerProtocol';
import { KeyReader } from './keyReader';

const req = workerData as AlignRequest;
const post = (m: AlignReply): void => parentPort!.postMessage(m);

try {
  const db = openDb(req.dbPath, { readonly: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    req.pairs.forEach((p, index) => {
      const a = new KeyReader(db, p.canaryLog, p.canaryThread, p.canaryEvents, req.canonicalize);
      const b = new KeyReader(db, p.oursLog, p.oursThread, p.oursEvents, req.canonicalize);
      const alignment = alignThreads(a, b, undefined, { progress: (eventsDone) => post({ type: 'progress', index, eventsDone }) });
      post({ type: 'aligned', index, alignment });
    });
  } finally {
    db.close();
  }
} catch (e) {
  const err = e as Error & { code?: unknown };
  post({ type: 'failed', message: err.message, stack: err.stack ?? '', code: typeof err.code === 'string' ? err.code : null, damaged: isDamage(e) });
}
