// The find box's costs through the real Workbench service (the handlers both
// hosts carry), on a pair of one-thread logs: building the search index of
// both logs once (its time against the ingest's, its size against the logs),
// the first search after opening (nothing decoded yet), and then, each query
// new (so no answer is cached), finds of every kind across the whole thread,
// Enter from a random row, and a window of the filtered list.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestArg, RequestName, RequestResult } from '../src/shared/api';
import { Rng } from '../src/main/generator/prng';
import { Workbench } from '../src/main/service/workbench';
import type { QueryTimings } from './benchQueries';

export interface SearchBench {
  events: number;
  /** Indexing both logs when the session opens (the event index), ms. */
  ingestMs: number;
  /** Building both logs' search index (search/prepare), ms. */
  buildMs: number;
  /** What the index file grew by with the search index, bytes (after a checkpoint). */
  indexGrowth: number;
  /** What the columns take by their own count, bytes. */
  columnBytes: number;
  firstFindMs: number;
  firstFindCpuMs: number;
  queries: SearchTimings;
  /** Rows matched by the densest query, for the record. */
  denseRows: number;
}

export type SearchTimings = (QueryTimings[number] & { cpuMedian: number; cpuP99: number })[];

/** Wall times, and the median CPU time of this thread's work (what the figures are on a machine shared with others). */
function stats(name: string, xs: number[], cpu: number[]): SearchTimings[number] {
  const s = [...xs].sort((a, b) => a - b);
  const c = [...cpu].sort((a, b) => a - b);
  return {
    name,
    median: s[Math.floor(s.length / 2)]!,
    p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!,
    max: s.at(-1)!,
    n: s.length,
    cpuMedian: c[Math.floor(c.length / 2)]!,
    cpuP99: c[Math.min(c.length - 1, Math.floor(c.length * 0.99))]!,
  };
}

/** Wall and CPU milliseconds of one request. */
async function timed(work: () => Promise<unknown>): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t = performance.now();
  await work();
  const c = process.cpuUsage(c0);
  return [performance.now() - t, (c.user + c.system) / 1000];
}

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

function fileBytes(path: string): number {
  let n = 0;
  for (const suffix of ['', '-wal']) if (existsSync(path + suffix)) n += statSync(path + suffix).size;
  return n;
}

const NAMES = [
  'NtCreateFile',
  'NtReadFile',
  'NtWriteFile',
  'NtClose',
  'KeWaitForSingleObject',
  'KeSetEvent',
  'RtlEnterCriticalSection',
  'XexGetProcedureAddress',
  'NtDeviceIoControlFile',
  'ObReferenceObjectByHandle',
];
const KINDS = ['kernel.call', 'kernel.return', 'handle.create', 'wait.begin', 'wait.end', 'import.call'];

export async function measureSearch(dataDir: string, canaryPath: string, oursPath: string): Promise<SearchBench> {
  const w = new Workbench({ dataDir, host: 'browser', version: 'bench', demo: null });
  const dbPath = join(dataDir, 'index.sqlite');
  try {
    let t = performance.now();
    let session = await call(w, 'session/open', { jobId: 'search-open', canaryPath, oursPath });
    const ingestMs = performance.now() - t;
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = fileBytes(dbPath);
    t = performance.now();
    const built = await call(w, 'search/prepare', { sessionId: session.id, jobId: 'search-build' });
    const buildMs = performance.now() - t;
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    const indexGrowth = fileBytes(dbPath) - before;
    // Reopened: nothing of the columns is in memory yet.
    await call(w, 'session/close', { sessionId: session.id });
    session = await call(w, 'session/open', { jobId: 'search-reopen', canaryPath, oursPath });
    const pair = [...session.pairs].sort((a, b) => Math.max(b.canaryTotal, b.oursTotal) - Math.max(a.canaryTotal, a.oursTotal))[0]!;
    const base = { sessionId: session.id, pairKey: pair.key, view: 'aligned' as const };
    // A text search reads every column's dictionary: the cost of the first search of a session.
    const [firstFindMs, firstFindCpuMs] = await timed(() => call(w, 'search/find', { ...base, query: 'NtCreateFile', buckets: 800 }));

    const rng = new Rng('bench-search');
    const families: [string, () => string][] = [
      ['name: (one call name)', () => `name:${rng.pick(NAMES)}`],
      ['kind: (a sixth of the events)', () => `kind:${rng.pick(KINDS)}`],
      ['a field = a value (payload.args_resolved.handle=N)', () => `payload.args_resolved.handle=${rng.int(0, 65535)}`],
      ['three terms (name, kind, status !=)', () => `name:${rng.pick(NAMES)} kind:kernel.return payload.status!=${rng.int(0, 3)}`],
      ['text (a piece of a name, any case)', () => rng.pick(NAMES).slice(rng.int(0, 3), rng.int(6, 10)).toLowerCase()],
      ['regex with a literal (/NtXxx.*File/)', () => `/${rng.pick(NAMES).slice(0, 5)}[A-Za-z]*File/`],
    ];
    const queries: SearchTimings = [];
    let denseRows = 0;
    const asked = new Set<string>();
    for (const [name, make] of families) {
      const xs: number[] = [];
      const cpu: number[] = [];
      let stopped = 0;
      for (let i = 0; i < 40; i++) {
        const query = make();
        if (asked.has(query)) continue; // each query new: nothing answered from the cache
        asked.add(query);
        const [ms, cpuMs] = await timed(async () => {
          const r = await call(w, 'search/find', { ...base, query, buckets: 800 });
          denseRows = Math.max(denseRows, r.rows);
          if (!r.complete) stopped++;
        });
        xs.push(ms);
        cpu.push(cpuMs);
      }
      queries.push(stats(`search/find: ${name}${stopped ? ` (${stopped} stopped reading at 600 ms)` : ''}`, xs, cpu));
    }
    // Enter from random rows, and a window of the filtered list, for a dense query (answers cached per query, as when typing on).
    const dense = 'kind:kernel.return';
    const found = await call(w, 'search/find', { ...base, query: dense, buckets: 800 });
    const step: [number[], number[]] = [[], []];
    const filtered: [number[], number[]] = [[], []];
    for (let i = 0; i < 200; i++) {
      const from = rng.int(0, pair.alignment.rows - 1);
      const [a, b] = await timed(() => call(w, 'search/step', { ...base, query: dense, from, direction: 1, context: 3 }));
      step[0].push(a);
      step[1].push(b);
      const around = rng.int(0, pair.alignment.rows - 1);
      const [c, d] = await timed(() => call(w, 'search/filtered', { ...base, query: dense, context: 3, from: 0, count: 128, around }));
      filtered[0].push(c);
      filtered[1].push(d);
    }
    queries.push(stats(`search/step (Enter) from a random row, ${found.rows.toLocaleString('en')} matching rows`, ...step));
    queries.push(stats('search/filtered: 128 entries of the filtered list around a random row', ...filtered));
    return {
      events: session.canary.events + session.ours.events,
      ingestMs,
      buildMs,
      indexGrowth,
      columnBytes: built.canary.bytes + built.ours.bytes,
      firstFindMs,
      firstFindCpuMs,
      queries,
      denseRows,
    };
  } finally {
    w.close();
  }
}
