// The last queries' answers, kept while their logs (and their pair's
// alignment) are open: the count, the next match, the ruler and the filtered
// list of one query all come from one search of each thread.
import type { IndexedLog } from '../diff/indexedLog';
import type { CompiledQuery } from './compiledQuery';
import { PairMatches, type RowMapper } from './pairMatches';
import { searchThread, type Deadline, type ThreadMatches } from './threadSearch';

const THREAD_QUERIES = 24;
const PAIR_QUERIES = 8;

const byLog = new WeakMap<IndexedLog, Map<string, ThreadMatches>>();
const byOwner = new WeakMap<object, Map<string, PairMatches>>();

function remember<T>(cache: Map<string, T>, key: string, limit: number, make: () => T, stale: (v: T) => boolean = () => false): T {
  let v = cache.get(key);
  if (v !== undefined && stale(v)) {
    cache.delete(key);
    v = undefined;
  }
  if (v !== undefined) {
    cache.delete(key); // most recently used last
  } else {
    v = make();
    if (cache.size >= limit) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, v);
  return v;
}

/** A thread's matches (searched once per log, thread and query; again when asked to finish one cut short). */
function threadMatches(log: IndexedLog, threadNo: number, q: CompiledQuery, deadline: Deadline, retry: boolean): ThreadMatches {
  let cache = byLog.get(log);
  if (!cache) byLog.set(log, (cache = new Map()));
  return remember(
    cache,
    `${threadNo}\u0000${q.text}`,
    THREAD_QUERIES,
    () => searchThread(log, threadNo, q, deadline),
    (m) => retry && !m.complete,
  );
}

export interface PairSide {
  log: IndexedLog;
  threadNo: number;
}

/**
 * A query's matches in a pair's view. `owner` is what the view's rows come
 * from (the pair's alignment): a new alignment is a new owner, and nothing of
 * the old one's answers is used for it. `retry`: a search that stopped reading
 * (its time ran out, perhaps in another request's search of every pair) is
 * run again with this request's time; the steps and windows that follow a
 * count use the answer the count gave.
 */
export function pairMatches(
  owner: object,
  view: string,
  c: PairSide,
  o: PairSide,
  q: CompiledQuery,
  rows: RowMapper,
  deadline: Deadline,
  retry = false,
): PairMatches {
  let cache = byOwner.get(owner);
  if (!cache) byOwner.set(owner, (cache = new Map()));
  return remember(
    cache,
    `${view}\u0000${q.text}`,
    PAIR_QUERIES,
    () => {
      const cm = threadMatches(c.log, c.threadNo, q, deadline, retry);
      const om = threadMatches(o.log, o.threadNo, q, deadline, retry);
      return new PairMatches(rows.total, cm, om, rows);
    },
    (m) => retry && !((m.canary?.complete ?? true) && (m.ours?.complete ?? true)),
  );
}
