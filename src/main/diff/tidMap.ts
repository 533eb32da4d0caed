// Thread mapping: which canary thread is compared with which ours thread.
import { INT_MAX_STR_DIGITS, pyRepr } from '../py/format';
import { pyDecimalValue } from '../py/decimalDigits';
import { pyCompare, PyError, pyHashKey, type PyValue } from '../py/value';
import { LogInputError } from '../ingest/logErrors';
import type { ThreadInfo } from './indexedLog';

/** A log's threads as the mapping reads them (an indexed log, or one seen under rules). */
interface MappedLog {
  label: string;
  threads: ThreadInfo[];
}

/** A mapping from canary tid to ours tid, in the reference's dict semantics (one entry per canary tid key). */
export interface TidPair {
  canaryTid: PyValue;
  oursTid: PyValue;
  /** Why the pair exists: the shared first kernel.call name, a manual mapping, or the similarity of the streams. */
  reason: { by: 'first-call'; name: PyValue } | { by: 'manual' } | SimilarityReason;
}

/** A pair the similarity mapping made (similarityMap.ts): how alike the streams are, how sure the pair is, and why, in words. */
interface SimilarityReason {
  by: 'similarity';
  similarity: number;
  confidence: number;
  unsure: boolean;
  why: string;
}

export class TidMapError extends Error {}

// Python's str.isspace() characters, which str.strip() strips (int() skips the
// non-ASCII ones and only the ASCII ones Py_ISSPACE knows: see pyIntBase0).
const PY_SPACE = '[ \\t\\n\\r\\x0b\\x0c\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');
export function pyStrip(s: string): string {
  return s.replace(STRIP, '');
}

const PY_SPACE_CHAR = new RegExp(`^${PY_SPACE}$`);

/** _PyUnicode_TransformDecimalAndSpaceToASCII: non-ASCII spaces to ' ', decimal digits to '0'..'9', anything else to '?'. */
function toAsciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f) out += ch;
    else if (PY_SPACE_CHAR.test(ch)) out += ' ';
    else {
      const digit = pyDecimalValue(cp);
      out += digit < 0 ? '?' : String(digit);
    }
  }
  return out;
}

/** The ASCII whitespace int() skips around the number (Py_ISSPACE: not \x1c-\x1f, unlike str.strip()). */
const isAsciiSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\x0b' || c === '\x0c';

/**
 * Python's int(text, 0): 0x/0o/0b prefixes, underscores between digits, no
 * leading zeros in decimal, Unicode decimal digits and whitespace, and the
 * 4300-digit limit on decimal strings. ValueError as Python words it.
 */
export function pyIntBase0(text: string): bigint {
  const invalid = (): PyError => {
    // "%.200R": the repr, cut to 200 characters.
    const r = [...pyRepr(text)];
    return new PyError('ValueError', `invalid literal for int() with base 0: ${r.length > 200 ? r.slice(0, 200).join('') : r.join('')}`);
  };
  const s = toAsciiDigits(text);
  let i = 0;
  while (isAsciiSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+') i++;
  else if (s[i] === '-') {
    i++;
    negative = true;
  }
  let base = 10;
  let errorIfNonzero = false;
  if (s[i] === '0') {
    const p = s[i + 1];
    if (p === 'x' || p === 'X') base = 16;
    else if (p === 'o' || p === 'O') base = 8;
    else if (p === 'b' || p === 'B') base = 2;
    else errorIfNonzero = true; // "old" C-style octal: only zeros allowed
    if (base !== 10) {
      i += 2;
      if (s[i] === '_') i++; // one underscore allowed after the prefix
    }
  }
  if (s[i] === '_') throw invalid();
  const digitValue = (c: string | undefined): number => (c === undefined ? 99 : parseInt(c, 36));
  let body = '';
  let digits = 0;
  let prev = '';
  for (; i < s.length && (s[i] === '_' || digitValue(s[i]) < base); i++) {
    const c = s[i]!;
    if (c === '_') {
      if (prev === '_') throw invalid();
    } else {
      body += c;
      digits++;
    }
    prev = c;
  }
  if (prev === '_') throw invalid();
  if (base === 10 && digits > INT_MAX_STR_DIGITS) {
    throw new PyError(
      'ValueError',
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`,
    );
  }
  if (digits === 0) throw invalid();
  while (isAsciiSpace(s[i])) i++;
  if (i !== s.length) throw invalid();
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const v = BigInt(prefix + body);
  if (errorIfNonzero && v !== 0n) throw invalid();
  return negative ? -v : v;
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
function sortTids<T>(items: T[], tidOf: (t: T) => PyValue): T[] {
  return [...items].sort((a, b) => {
    const c = pyCompare(tidOf(a), tidOf(b));
    return Number.isNaN(c) ? 0 : c;
  });
}

function groupByFirstCall(log: MappedLog): Map<string, { name: PyValue; threads: ThreadInfo[] }> {
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

function sortThreads(log: MappedLog, threads: ThreadInfo[]): ThreadInfo[] {
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
export function autoTidMap(canary: MappedLog, ours: MappedLog): Map<string, TidPair> {
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
