// Thread mapping: which canary thread is compared with which ours thread.
import { pyRepr } from '../py/format';
import { pyCompare, PyError, pyHashKey, type PyValue } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import type { IndexedLog, ThreadInfo } from './indexedLog';

/** A mapping from canary tid to ours tid, in the reference's dict semantics (one entry per canary tid key). */
export interface TidPair {
  canaryTid: PyValue;
  oursTid: PyValue;
  /** Why the pair exists: the shared first kernel.call name, or a manual mapping. */
  reason: { by: 'first-call'; name: PyValue } | { by: 'manual' };
}

export class TidMapError extends Error {}

// Python's str.isspace() characters, which str.strip() and int() strip.
const PY_SPACE = '[ \\t\\n\\r\\x0b\\x0c\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');
export function pyStrip(s: string): string {
  return s.replace(STRIP, '');
}

/** Python's int(text, 0): 0x/0o/0b prefixes, underscores between digits, no leading zeros in decimal. */
export function pyIntBase0(text: string): bigint {
  const s = pyStrip(text);
  const m = /^([+-]?)(?:(0[xX](?:_?[0-9a-fA-F])+)|(0[oO](?:_?[0-7])+)|(0[bB](?:_?[01])+)|([1-9](?:_?[0-9])*)|(0(?:_?0)*))$/.exec(s);
  if (!m) throw new PyError('ValueError', `invalid literal for int() with base 0: ${pyRepr(text)}`);
  const body = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6])!.replace(/_/g, '');
  const v = m[5] !== undefined || m[6] !== undefined ? BigInt(body) : BigInt(body.toLowerCase());
  return m[1] === '-' ? -v : v;
}

/** parse_tid_map_arg: "6=1,7=2" (later tokens override earlier ones for the same canary tid). */
export function parseTidMapArg(s: string): Map<string, TidPair> {
  const out = new Map<string, TidPair>();
  for (let token of s.split(',')) {
    token = pyStrip(token);
    if (!token) continue;
    const eq = token.indexOf('=');
    if (eq === -1) throw new TidMapError(`--tid-map: bad token ${pyRepr(token)} (expected canary=ours)`);
    const c = pyIntBase0(pyStrip(token.slice(0, eq)));
    const o = pyIntBase0(pyStrip(token.slice(eq + 1)));
    const key = pyHashKey(c);
    const prev = out.get(key);
    // A dict keeps the first key object and takes the new value.
    out.set(key, { canaryTid: prev ? prev.canaryTid : c, oursTid: o, reason: { by: 'manual' } });
  }
  return out;
}

/** Python's sorted() on tids: TypeError where they cannot be ordered. */
export function sortTids<T>(items: T[], tidOf: (t: T) => PyValue): T[] {
  return [...items].sort((a, b) => {
    const c = pyCompare(tidOf(a), tidOf(b));
    return Number.isNaN(c) ? 0 : c;
  });
}

function groupByFirstCall(log: IndexedLog): Map<string, { name: PyValue; threads: ThreadInfo[] }> {
  const groups = new Map<string, { name: PyValue; threads: ThreadInfo[] }>();
  for (const t of log.threads) {
    if (t.firstCallCrash !== null) {
      throw new LogInputError(
        log.label,
        t.firstCallLine,
        `the automatic tid mapping cannot read this first kernel.call's payload.name (the reference fails here with ${t.firstCallCrash})`,
      );
    }
    const name = t.firstCallName;
    if (name === undefined || name === null) continue;
    const key = pyHashKey(name);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name, threads: [] }));
    g.threads.push(t);
  }
  return groups;
}

function sortThreads(log: IndexedLog, threads: ThreadInfo[]): ThreadInfo[] {
  try {
    return sortTids(threads, (t) => t.tid);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    throw new LogInputError(log.label, null, `its tids cannot be sorted for the automatic tid mapping (the reference fails here with ${e.message})`);
  }
}

/**
 * auto_tid_map: pair threads by the name of their first kernel.call, sorted
 * tids zipped within a name; threads without a kernel.call or partner stay unmapped.
 */
export function autoTidMap(canary: IndexedLog, ours: IndexedLog): Map<string, TidPair> {
  const cg = groupByFirstCall(canary);
  const og = groupByFirstCall(ours);
  const mapping = new Map<string, TidPair>();
  for (const [key, { name, threads }] of cg) {
    const cs = sortThreads(canary, threads);
    const os = sortThreads(ours, og.get(key)?.threads ?? []);
    for (let i = 0; i < Math.min(cs.length, os.length); i++) {
      mapping.set(cs[i]!.tidKey, { canaryTid: cs[i]!.tid, oursTid: os[i]!.tid, reason: { by: 'first-call', name } });
    }
  }
  return mapping;
}

/** sorted(tid_map.items()): by canary tid, then ours tid. */
export function sortedPairs(mapping: Map<string, TidPair>): TidPair[] {
  return [...mapping.values()].sort((a, b) => {
    let c = pyCompare(a.canaryTid, b.canaryTid);
    if (c === 0) c = pyCompare(a.oursTid, b.oursTid);
    return Number.isNaN(c) ? 0 : c;
  });
}
