// Ingest the canary and the ours log of a pair: both at once in worker
// threads when they are large, in this thread when they are small (a worker
// costs more to start than a small log costs to read). Errors are reported as
// the reference reports them: canary's first, then ours'.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../appRoot';
import type { Db } from '../store/db';
import { findReusableLog, getLog, hashSecret, type FileFingerprint, type LogRow } from '../store/logIndex';
import { beginLog, discardLog, LogWriter } from '../store/logWriter';
import { prepareReadBackCopy } from '../store/readBackCopies';
import { fingerprintFile } from './fingerprint';
import { fileError, ingestLog, type IngestProgress } from './ingestLog';
import { CutLogError, IngestCancelled, LogInputError } from './logErrors';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

type Side = 'canary' | 'ours';

export interface LogSource {
  path: string;
  /** How messages name the file. */
  label: string;
}

export interface PairIngestHooks {
  onProgress?: (side: Side, p: IngestProgress) => void;
  /** Aborting cancels the ingest and discards what it wrote. */
  signal?: AbortSignal;
  /** Use worker threads for logs at least this large (bytes). */
  workerThreshold?: number;
  /** A last line cut short (a run that crashed) is left out, not refused (--accept-truncated). */
  acceptTruncated?: boolean;
}

export interface IngestedPair {
  canary: LogRow;
  ours: LogRow;
  reused: { canary: boolean; ours: boolean };
}

const WORKER_SCRIPT = join(APP_ROOT, 'out', 'main', 'ingestWorker.js');
const DEFAULT_WORKER_THRESHOLD = 16 << 20;
const YOUNG_GENERATION_MB = 8;

type Outcome = { ok: true; log: LogRow; reused: boolean } | { ok: false; error: Error };

function inThread(db: Db, src: LogSource, fp: FileFingerprint, side: Side, hooks: PairIngestHooks): Outcome {
  try {
    const r = ingestLog(
      db,
      src.path,
      src.label,
      { onProgress: (p) => hooks.onProgress?.(side, p), isCancelled: () => hooks.signal?.aborted ?? false, acceptTruncated: hooks.acceptTruncated ?? false },
      fp,
    );
    return { ok: true, log: r.log, reused: r.reused };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}

function inWorker(
  db: Db,
  dbPath: string,
  src: LogSource,
  fp: FileFingerprint,
  side: Side,
  hooks: PairIngestHooks,
  cancelOthers: { flags: Int32Array[] },
): Promise<Outcome> {
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  cancelOthers.flags.push(flag);
  const onAbort = (): void => void Atomics.store(flag, 0, 1);
  hooks.signal?.addEventListener('abort', onAbort);
  // The worker reads and packs; this thread writes, so that two workers never wait on each other's SQLite lock.
  const logId = beginLog(db, fp);
  const writer = new LogWriter(db, logId);
  const req: WorkerRequest = {
    path: src.path,
    label: src.label,
    fingerprint: fp,
    secret: hashSecret(db),
    cancelFlag,
    acceptTruncated: hooks.acceptTruncated ?? false,
    copyTo: fp.compression ? prepareReadBackCopy(db, logId) : null,
    spillDir: dirname(dbPath),
    inFlight: new SharedArrayBuffer(4),
  };
  const inFlight = new Int32Array(req.inFlight);
  return new Promise<Outcome>((resolve) => {
    // A small young generation: the worker's garbage (a batch's records once posted) is short-lived, and
    // V8's default lets it grow to tens of MB per worker before collecting (1,000 threads: 297 -> 265 MB peak).
    const w = new Worker(WORKER_SCRIPT, { workerData: req, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    let settled = false;
    const finish = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      if (!o.ok) discardLog(db, logId);
      void w.terminate();
      resolve(o);
    };
    w.on('message', (m: WorkerReply) => {
      try {
        switch (m.type) {
          case 'progress':
            hooks.onProgress?.(side, m.progress);
            break;
          case 'blocks':
            for (const c of m.chunks) writer.addFieldChunk(c);
            for (const r of m.records) writer.addRecord(r);
            writer.flush();
            Atomics.sub(inFlight, 0, 1);
            Atomics.notify(inFlight, 0);
            break;
          case 'features':
            writer.addThreadFeatures(m.records);
            break;
          case 'finish':
            writer.finish(m.threads, m.stats);
            finish({ ok: true, log: getLog(db, logId)!, reused: false });
            break;
          case 'input-error':
            finish({ ok: false, error: m.cut ? new CutLogError(m.file, m.line, m.reason) : new LogInputError(m.file, m.line, m.reason) });
            break;
          case 'cancelled':
            finish({ ok: false, error: new IngestCancelled() });
            break;
          case 'failed':
            finish({ ok: false, error: Object.assign(new Error(m.message), { stack: m.stack, code: m.code }) });
            break;
        }
      } catch (e) {
        finish({ ok: false, error: e as Error });
      }
    });
    w.on('error', (e) => finish({ ok: false, error: e }));
    w.on('exit', (code) => finish({ ok: false, error: new Error(`ingest worker exited with code ${code}`) }));
  });
}

/**
 * Index both logs of a pair into the database at `dbPath` (`db` is this
 * thread's connection to it). Resolves with both logs, or rejects with the
 * error the reference would report first.
 */
export async function ingestPair(db: Db, dbPath: string, canary: LogSource, ours: LogSource, hooks: PairIngestHooks = {}): Promise<IngestedPair> {
  const fp = (src: LogSource): FileFingerprint | Error => {
    try {
      return fingerprintFile(src.path);
    } catch (e) {
      return fileError(src.label, e);
    }
  };
  const cfp = fp(canary);
  if (cfp instanceof Error) throw cfp;
  const ofp = fp(ours);
  const sameContent = !(ofp instanceof Error) && ofp.fingerprint === cfp.fingerprint && ofp.size === cfp.size && ofp.mtimeMs === cfp.mtimeMs;

  const threshold = hooks.workerThreshold ?? DEFAULT_WORKER_THRESHOLD;
  const useWorkers = existsSync(WORKER_SCRIPT) && dbPath !== ':memory:';
  const cancel = { flags: [] as Int32Array[] };
  const run = (src: LogSource, f: FileFingerprint, side: Side): Promise<Outcome> | Outcome => {
    // An index of this very content is reused here: no worker to start for it.
    const existing = findReusableLog(db, f, hooks.acceptTruncated);
    if (existing) {
      hooks.onProgress?.(side, { bytesDone: f.size, bytesTotal: f.size, events: existing.eventCount, elapsedMs: 0, reused: true });
      return { ok: true, log: existing, reused: true };
    }
    // A compressed log holds several times its size in lines (about 10× for gzip or zstd of JSONL).
    const work = f.compression ? f.size * 8 : f.size;
    return useWorkers && work >= threshold ? inWorker(db, dbPath, src, f, side, hooks, cancel) : inThread(db, src, f, side, hooks);
  };

  // Start both (the large ones run in parallel); the small ones run here in order.
  const cPromise = run(canary, cfp, 'canary');
  const oPromise = ofp instanceof Error || sameContent ? null : run(ours, ofp, 'ours');
  const c = await cPromise;
  if (!c.ok) {
    for (const f of cancel.flags) Atomics.store(f, 0, 1);
    if (oPromise) await oPromise;
    throw c.error;
  }
  if (ofp instanceof Error) throw ofp;
  const o = oPromise ? await oPromise : { ok: true as const, log: c.log, reused: true };
  if (!o.ok) throw o.error;
  return { canary: c.log, ours: o.log, reused: { canary: c.reused, ours: o.reused } };
}
