// Worker-thread entry: aligns pairs from the index, so that the thread that
// answers requests stays free while a large session is aligned (the same
// computeAlignment as everywhere, under the session's rules: the results are
// the ones an alignment in that thread gives). Under rules it is given the
// streams that thread derived: the keys are derived once per rule set.
import { parentPort, workerData } from 'node:worker_threads';
import { comparisonOf } from '../diff/comparison';
import type { ThreadSide } from '../diff/firstDivergence';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { isDamage, openDb, type Db } from '../store/db';
import { getLog } from '../store/logIndex';
import { computeAlignment } from './alignPair';
import type { AlignReply, AlignRequest } from './alignWorkerProtocol';

const req = workerData as AlignRequest;
const post = (m: AlignReply): void => parentPort!.postMessage(m);

try {
  const db = openDb(req.dbPath, { readonly: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    const cmp = comparisonOf(req.canonicalize, req.rules);
    const logs = new Map<number, RuledLog>();
    const side = (d: Db, logId: number, threadNo: number): ThreadSide => {
      let log = logs.get(logId);
      if (!log) {
        const row = getLog(d, logId);
        if (!row) throw new Error(`the index has no log ${logId} any more`);
        logs.set(logId, (log = new RuledLog(new IndexedLog(d, row, row.path), cmp)));
        for (const s of req.streams) if (s.logId === logId) log.adopt(s.threadNo, s.parts);
      }
      const thread = log.streamThread(threadNo);
      if (!thread) throw new Error(`the index has no thread ${threadNo} in log ${logId} any more`);
      return { log, thread };
    };
    req.pairs.forEach((p, index) => {
      const c = side(db, p.canaryLog, p.canaryThread);
      const o = side(db, p.oursLog, p.oursThread);
      const alignment = computeAlignment(c, o, undefined, { progress: (eventsDone) => post({ type: 'progress', index, eventsDone }) });
      post({ type: 'aligned', index, alignment });
    });
  } finally {
    db.close();
  }
} catch (e) {
  const err = e as Error & { code?: unknown };
  post({ type: 'failed', message: err.message, stack: err.stack ?? '', code: typeof err.code === 'string' ? err.code : null, damaged: isDamage(e) });
}
