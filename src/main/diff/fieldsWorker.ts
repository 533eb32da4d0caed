// Worker-thread entry: reads what a rule change needs of one log's index —
// its field dictionary, then each thread's field blocks and key columns — and
// hands them over (transferred, or in shared memory): the two logs of a
// session are read at once, on two cores, while the thread that answers
// requests stays free (fieldsLoader.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../store/db';
import { readFieldBlocks, readFieldDictionary } from '../store/fieldBlocks';
import type { FieldsReply, FieldsRequest } from './fieldsWorkerProtocol';
import { readBaseColumns } from './ruledLog';

const req = workerData as FieldsRequest;
const post = (m: FieldsReply, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);

try {
  const db = openDb(req.dbPath, { readonly: true, ...(req.nativeBinding ? { nativeBinding: req.nativeBinding } : {}) });
  try {
    const dict = readFieldDictionary(db, req.logId);
    post({ type: 'dictionary', dict }, [dict.entries.buffer as ArrayBuffer, dict.children.buffer as ArrayBuffer]);
    for (const t of req.threads) {
      const blocks = readFieldBlocks(db, req.logId, t.threadNo);
      const columns = readBaseColumns(db, req.logId, t.threadNo, t.eventCount, req.canonicalize);
      post(
        { type: 'thread', threadNo: t.threadNo, blocks, columns },
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
