// A 64-bit hash (two 32-bit lanes) of a JSON value that is equal for two
// values exactly when Python's `==` holds between them (up to collisions):
// 1, 1.0 and true hash alike, an int past 2^53 hashes by its exact digits,
// object key order does not count. It accepts both what JSON.parse returns
// (plain objects, numbers) and Lockstep's exact PyValues (Maps, bigints), so
// the fast and the exact parse of one line always give one hash.
import { canonicalNumber } from '../py/value';

export type JsonLike =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonLike[]
  | Map<string, JsonLike>
  | { [key: string]: JsonLike };

/** Thrown when a JSON.parse number may have been rounded (an integral double past 2^53 or an overflow to ±Infinity). */
export class InexactNumber extends Error {}
const INEXACT = new InexactNumber('number may be rounded by JSON.parse');

// Lane state of the hash in progress. Module-level for speed; hashing is synchronous.
let h1 = 0;
let h2 = 0;

function feed(x: number): void {
  // murmur3's round in lane 1, an xxhash32-style round in lane 2.
  let k = Math.imul(x, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h1 ^= Math.imul(k, 0x1b873593);
  h1 = (h1 << 13) | (h1 >>> 19);
  h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  h2 = (h2 + Math.imul(x, 0x85ebca77)) | 0;
  h2 = (h2 << 13) | (h2 >>> 19);
  h2 = Math.imul(h2, 0x9e3779b1);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const TAG_NULL = 1;
const TAG_INT = 2;
const TAG_NUMTEXT = 3;
const TAG_STR = 4;
const TAG_LIST = 5;
const TAG_DICT = 6;
const TAG_ENTRY = 7;

function feedString(s: string): void {
  const n = s.length;
  feed(n);
  let i = 0;
  for (; i + 1 < n; i += 2) feed(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) feed(s.charCodeAt(i));
}

function feedSafeInt(v: number): void {
  feed(TAG_INT);
  feed(v | 0);
  feed(Math.floor(v / 4294967296) | 0);
}

/** `exactNumbers`: numbers are known exact (PyValue floats); otherwise unsafe integral doubles throw INEXACT. */
function feedValue(v: JsonLike, exactNumbers: boolean): void {
  if (v === null) return feed(TAG_NULL);
  switch (typeof v) {
    case 'number':
      if (Number.isSafeInteger(v)) return feedSafeInt(v);
      if (!exactNumbers && (Number.isInteger(v) || !Number.isFinite(v))) throw INEXACT;
      feed(TAG_NUMTEXT);
      return feedString(canonicalNumber(v));
    case 'bigint':
      if (v <= 9007199254740991n && v >= -9007199254740991n) return feedSafeInt(Number(v));
      feed(TAG_NUMTEXT);
      return feedString(v.toString());
    case 'boolean':
      return feedSafeInt(v ? 1 : 0);
    case 'string':
      feed(TAG_STR);
      return feedString(v);
  }
  if (Array.isArray(v)) {
    feed(TAG_LIST);
    feed(v.length);
    for (const x of v) feedValue(x, exactNumbers);
    return;
  }
  feed(TAG_DICT);
  feedEntries(v, exactNumbers, null);
}

export type Dict = Map<string, JsonLike> | { [key: string]: JsonLike };
type SkipEntry = (key: string, value: JsonLike) => boolean;

let sum1 = 0;
let sum2 = 0;
const NO_EXTRA: ReadonlyArray<readonly [string, JsonLike]> = [];

function addEntry(k: string, x: JsonLike, exactNumbers: boolean): void {
  h1 = 0x9747b28c;
  h2 = 0x2f9e1d33;
  feed(TAG_ENTRY);
  feedString(k);
  feedValue(x, exactNumbers);
  sum1 = (sum1 + fmix(h1 ^ Math.imul(h2, 0x27d4eb2f))) | 0;
  sum2 = (sum2 + fmix(h2 + 0x165667b1)) | 0;
}

/**
 * Order-independent combination of dict entries: each entry is hashed on its
 * own and the results are summed lane by lane. `skip` (payload level only)
 * drops skipped fields and None values, which the reference treats as absent.
 */
function feedEntries(
  d: Dict,
  exactNumbers: boolean,
  skip: SkipEntry | null,
  extra: ReadonlyArray<readonly [string, JsonLike]> = NO_EXTRA,
): void {
  const save1 = h1;
  const save2 = h2;
  const outer1 = sum1;
  const outer2 = sum2;
  sum1 = 0;
  sum2 = 0;
  let n = 0;
  if (d instanceof Map) {
    for (const [k, x] of d) {
      if (skip !== null && skip(k, x)) continue;
      addEntry(k, x, exactNumbers);
      n++;
    }
  } else {
    for (const k in d) {
      const x = d[k]!;
      if (skip !== null && skip(k, x)) continue;
      addEntry(k, x, exactNumbers);
      n++;
    }
  }
  for (const [k, x] of extra) {
    addEntry(k, x, exactNumbers);
    n++;
  }
  h1 = save1;
  h2 = save2;
  feed(n);
  feed(sum1);
  feed(sum2);
  sum1 = outer1;
  sum2 = outer2;
}

export function beginHash(seed: number): void {
  h1 = seed;
  h2 = seed ^ 0x5bd1e995;
}

export function hashValueInto(v: JsonLike, exactNumbers: boolean): void {
  feedValue(v, exactNumbers);
}

/** Hash a payload dict: `skip` drops entries, `extra` adds (or, with the key skipped, replaces) entries. */
export function hashEntriesInto(
  d: Dict,
  exactNumbers: boolean,
  skip: SkipEntry,
  extra: ReadonlyArray<readonly [string, JsonLike]> = [],
): void {
  feedEntries(d, exactNumbers, skip, extra);
}

export function hashStringInto(s: string): void {
  feed(TAG_STR);
  feedString(s);
}

export function endHash(out: Uint32Array, at: number): void {
  const a = fmix(h1 ^ Math.imul(h2, 0x165667b1));
  const b = fmix(h2 + Math.imul(h1, 0x27d4eb2f));
  out[at] = a;
  out[at + 1] = b;
}

/** Hash of one value on its own (tests, keys). */
export function hashValue(v: JsonLike, exactNumbers = true): [number, number] {
  beginHash(0x12345678);
  feedValue(v, exactNumbers);
  const out = new Uint32Array(2);
  endHash(out, 0);
  return [out[0]!, out[1]!];
}
