// What a rule change reads of a large log's index (its field dictionary, each
// thread's field blocks and key columns: the first change after opening a
// session spent most of its time there) is read in a worker thread per log
// (fieldsWorker.ts): the canary and ours are read at once on two cores, and
// the thread that answers requests stays free meanwhile. What the worker
// reads is kept with the log as if read here (ruledLog.ts). A worker that
// fails leaves nothing half kept that matters: whatever is missing is read
// in this thread where it is needed, and any damage is reported from there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../appRoot';
import type { FieldsReply, FieldsRequest } from './fieldsWorkerProtocol';
import type { IndexedLog } from './indexedLog';
import type { Comparison } from './comparison';
import { fieldDataKept, keepColumns, keepDerived, keepFields } from './ruledLog';

const WORKER_SCRIPT = join(APP_ROOT, 'out', 'main', 'fieldsWorker.js');
/** Events of a log below which it is read where needed: a worker costs more to start than a small log to read. */
const DEFAULT_THRESHOLD = 200_000;

const pending = new WeakMap<IndexedLog, Map<boolean, Promise<void>>>();

export interface LoadFieldsOptions {
  nativeBinding?: string;
  /** Read in a worker from this many events in the log. */
  threshold?: number;
  /** Hears each thread's events as the worker hands the thread over (its progress). */
  onThread?: (events: number) => void;
}

/**
 * Read what a rule change needs of the log's index in a worker, and derive
 * the log's streams under the comparison there, unless it is kept already,
 * the log is small, or the index is in memory; resolves when it is kept (or
 * the worker gave up: see above). Two calls for one log share one read (the
 * second derives in this thread).
 */
export function loadFieldData(base: IndexedLog, cmp: Comparison, dbPath: string, opts: LoadFieldsOptions = {}): Promise<void> {
  const canonicalize = cmp.canonicalize;
  if (base.log.eventCount < (opts.threshold ?? DEFAULT_THRESHOLD) || dbPath === ':memory:' || !existsSync(WORKER_SCRIPT)) return Promise.resolve();
  if (fieldDataKept(base, canonicalize)) return Promise.resolve();
  let byCanon = pending.get(base);
  if (!byCanon) pending.set(base, (byCanon = new Map()));
  const under = byCanon.get(canonicalize);
  if (under) return under;
  const req: FieldsRequest = {
    dbPath,
    logId: base.log.logId,
    threads: base.threads.map((t) => ({ threadNo: t.threadNo, eventCount: t.eventCount })),
    canonicalize,
    rules: cmp.reference ? null : cmp.rules,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  };
  const run = new Promise<void>((resolve) => {
    const w = new Worker(WORKER_SCRIPT, { workerData: req });
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      byCanon.delete(canonicalize);
      void w.terminate();
      resolve();
    };
    w.on('message', (m: FieldsReply) => {
      if (m.type === 'dictionary') keepFields(base, m.dict, null);
      else if (m.type === 'thread') {
        keepFields(base, null, { threadNo: m.threadNo, blocks: m.blocks });
        opts.onThread?.(base.threads.find((t) => t.threadNo === m.threadNo)?.eventCount ?? 0);
        keepColumns(base, m.threadNo, canonicalize, m.columns);
        if (m.derived) keepDerived(base, cmp, m.threadNo, m.derived);
      } else settle();
    });
    w.on('error', settle);
    w.on('exit', settle);
  });
  byCanon.set(canonicalize, run);
  return run;
}
