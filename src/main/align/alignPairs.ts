// The alignments of a session's pairs without blocking the thread that
// answers requests: what the index keeps is read back; what is missing is
// aligned in a worker thread (alignWorker.ts) with progress, and kept. Few
// events to align are aligned here at once: a worker costs more to start.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../appRoot';
import type { ThreadSide } from '../diff/firstDivergence';
import { IngestCancelled } from '../ingest/logErrors';
import { IndexDamagedError } from '../store/db';
import type { Alignment } from '../store/alignments';
import { computeAlignment, keepAlignment, keptAlignment } from './alignPair';
import type { AlignReply, AlignRequest, PairToAlign } from './alignWorkerProtocol';

const WORKER_SCRIPT = join(APP_ROOT, 'out', 'main', 'alignWorker.js');
/** Events (both sides of every pair to align) below which the pairs are aligned in this thread: tens of milliseconds. */
const DEFAULT_WORKER_THRESHOLD = 200_000;

interface AlignProgress {
  pairsDone: number;
  pairsTotal: number;
  /** Events (both sides) of the pairs to align, and how many are behind. */
  eventsDone: number;
  eventsTotal: number;
}

export interface AlignPairsHooks {
  onProgress?: (p: AlignProgress) => void;
  /** Aborting stops the worker; what was aligned before stays kept. */
  signal?: AbortSignal;
  /** Align in a worker when the pairs to align hold at least this many events. */
  workerThreshold?: number;
  /** better-sqlite3's binding for the running runtime, for the worker's connection. */
  nativeBinding?: string;
}

/** A failure the worker reported, as the error this thread would have thrown. */
function workerError(m: Extract<AlignReply, { type: 'failed' }>): Error {
  if (m.damaged) return new IndexDamagedError(m.message);
  return Object.assign(new Error(m.message), { stack: m.stack, ...(m.code ? { code: m.code } : {}) });
}

/**
 * Each pair's alignment, in order: read back where the index keeps it, else
 * computed (in a worker when there is much to align, under the pairs'
 * comparison: its rules go with the request) and kept. `dbPath` is the
 * file of the index `c.log.db` is a connection to (':memory:' aligns here).
 */
export async function alignPairs(pairs: { c: ThreadSide; o: ThreadSide }[], dbPath: string, hooks: AlignPairsHooks = {}): Promise<Alignment[]> {
  const out: (Alignment | null)[] = pairs.map(({ c, o }) => keptAlignment(c, o));
  const missing = pairs.map((_, i) => i).filter((i) => out[i] === null);
  const sizes = missing.map((i) => pairs[i]!.c.thread.eventCount + pairs[i]!.o.thread.eventCount);
  const eventsTotal = sizes.reduce((a, b) => a + b, 0);
  let pairsDone = 0;
  let eventsDone = 0;
  const report = (within = 0): void => hooks.onProgress?.({ pairsDone, pairsTotal: missing.length, eventsDone: eventsDone + within, eventsTotal });
  const done = (k: number, a: Alignment): void => {
    const { c, o } = pairs[missing[k]!]!;
    keepAlignment(c, o, a);
    out[missing[k]!] = a;
    pairsDone++;
    eventsDone += sizes[k]!;
    report();
  };
  if (missing.length > 0) {
    report();
    const threshold = hooks.workerThreshold ?? DEFAULT_WORKER_THRESHOLD;
    if (eventsTotal < threshold || dbPath === ':memory:' || !existsSync(WORKER_SCRIPT)) {
      for (let k = 0; k < missing.length; k++) {
        // A turn between pairs: a cancel (or another request) is heard between them.
        if (k > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (hooks.signal?.aborted) throw new IngestCancelled();
        const i = missing[k]!;
        done(k, computeAlignment(pairs[i]!.c, pairs[i]!.o));
      }
    } else {
      const todo: PairToAlign[] = missing.map((i) => {
        const { c, o } = pairs[i]!;
        return {
          canaryLog: c.log.log.logId,
          canaryThread: c.thread.threadNo,
          canaryEvents: c.thread.eventCount,
          oursLog: o.log.log.logId,
          oursThread: o.thread.threadNo,
          oursEvents: o.thread.eventCount,
        };
      });
      // Every pair of a session is compared under one comparison: the worker reads the streams derived here.
      const { canonicalize, rules } = pairs[0]!.c.log.cmp;
      const streams = missing.flatMap((i) => {
        const { c, o } = pairs[i]!;
        return [c, o].flatMap((side) => {
          const parts = side.log.streamParts(side.thread.threadNo);
          return parts ? [{ logId: side.log.log.logId, threadNo: side.thread.threadNo, parts }] : [];
        });
      });
      await inWorker(
        { dbPath, canonicalize, rules, pairs: todo, streams, ...(hooks.nativeBinding ? { nativeBinding: hooks.nativeBinding } : {}) },
        hooks.signal,
        {
          aligned: done,
          progress: (_k, within) => report(within),
        },
      );
    }
  }
  return out as Alignment[];
}

function inWorker(
  req: AlignRequest,
  signal: AbortSignal | undefined,
  on: { aligned: (k: number, a: Alignment) => void; progress: (k: number, eventsDone: number) => void },
): Promise<void> {
  if (signal?.aborted) return Promise.reject(new IngestCancelled());
  return new Promise<void>((resolve, reject) => {
    const w = new Worker(WORKER_SCRIPT, { workerData: req });
    let left = req.pairs.length;
    let settled = false;
    const settle = (e: Error | null): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      if (e) reject(e);
      else resolve();
    };
    const onAbort = (): void => settle(new IngestCancelled());
    signal?.addEventListener('abort', onAbort);
    w.on('message', (m: AlignReply) => {
      if (settled) return;
      try {
        if (m.type === 'progress') on.progress(m.index, m.eventsDone);
        else if (m.type === 'aligned') {
          on.aligned(m.index, m.alignment);
          if (--left === 0) settle(null);
        } else settle(workerError(m));
      } catch (e) {
        settle(e as Error);
      }
    });
    w.on('error', (e) => settle(e));
    w.on('exit', (code) => settle(left === 0 ? null : new Error(`alignment worker exited with code ${code}`)));
  });
}
