// Worker-thread entry: reads what a rule change needs of one log's index —
// its field dictionary, then each thread's field blocks and key columns — and
// when given the rules derives each thread's stream under them, handing all
// of it over (in shared memory, or transferred): the two logs of a session
// are read and derived at once, on two cores, while the thread that answers
// requests stays free (fieldsLoader.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../store/db';
import { readFieldBlocks, readFieldDictionary } from '../store/fieldBlocks';
import { getLog } from '../store/logIndex';
import { comparisonOf } from './comparison';
import type { FieldsReply, FieldsRequest } from './fieldsWorkerProtocol';
import { IndexedLog } from './indexedLog';
import { keepColumns, keepFields, readBaseColumns, RuledLog } from './ruledLog';

const req = workerData as FieldsRequest;
const post = (m: FieldsReply, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);

try {
  const db = openDb(req.dbPath, { readonly: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    const row = getLog(db, req.logId);
    if (!row) throw new Error(`the index has no log ${req.logId} any more`);
    const base = new IndexedLog(db, row, row.path);
    const ruled = req.rules ? new RuledLog(base, comparisonOf(req.canonicalize, req.rules)) : null;
    // Shared, not transferred: this thread derives from it too.
    const dict = readFieldDictionary(db, req.logId, true);
    keepFields(base, dict, null);
    post({ type: 'dictionary', dict });
    for (const t of req.threads) {
      const blocks = readFieldBlocks(db, req.logId, t.threadNo);
      keepFields(base, null, { threadNo: t.threadNo, blocks });
      const columns = readBaseColumns(db, req.logId, t.threadNo, t.eventCount, req.canonicalize);
      keepColumns(base, t.threadNo, req.canonicalize, columns);
      const derived = ruled ? ruled.derived(t.threadNo) : null;
      // The blocks go (transferred): no other thread of this log reads them.
      post(
        { type: 'thread', threadNo: t.threadNo, blocks, columns, derived },
        blocks.map((b) => b.words.buffer as ArrayBuffer),
      );
    }
    post({ type: 'done' });
  } finally {
    db.close();
  }
} catch (e) {
  post({ type: 'failed', message: (e as Error).message });
}
