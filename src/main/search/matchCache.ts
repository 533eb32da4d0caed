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

function remember<T>(cache: Map<string, T>, key: string, limit: number, make: () => T): T {
  let v = cache.get(key);
  if (v !== undefined) {
    cache.delete(key); // most recently used last
  } else {
    v = make();
    if (cache.size >= limit) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, v);
  return v;
}

/** A thread's matches (searched once per log, thread and query). */
function threadMatches(log: IndexedLog, threadNo: number, q: CompiledQuery, deadline: Deadline): ThreadMatches {
  let cache = byLog.get(log);
  if (!cache) byLog.set(log, (cache = new Map()));
  return remember(cache, `${threadNo}\u0000${q.text}`, THREAD_QUERIES, () => searchThread(log, threadNo, q, deadline));
}

export interface PairSide {
  log: IndexedLog;
  threadNo: number;
}

/**
 * A query's matches in a pair's view. `owner` is what the view's rows come
 * from (the pair's alignment): a new alignment is a new owner, and nothing of
 * the old one's answers is used for it.
 */
export function pairMatches(owner: object, view: string, c: PairSide, o: PairSide, q: CompiledQuery, rows: RowMapper, deadline: Deadline): PairMatches {
  let cache = byOwner.get(owner);
  if (!cache) byOwner.set(owner, (cache = new Map()));
  return remember(cache, `${view}\u0000${q.text}`, PAIR_QUERIES, () => {
    const cm = threadMatches(c.log, c.threadNo, q, deadline);
    const om = threadMatches(o.log, o.threadNo, q, deadline);
    return new PairMatches(rows.total, cm, om, rows);
  });
}
