// A 64-bit hash (two 32-bit lanes) of a JSON value that is equal for two
// values exactly when Python's `==` holds between them (up to collisions):
// 1, 1.0 and true hash alike, an int past 2^53 hashes by its exact digits,
// object key order does not count.
//
// The hash is defined as a sequence of feeds, so that two producers give the
// same result: the byte scanner (eventScanner.ts), which hashes a line as it
// reads it without building any value, and feedPyValue below, which hashes an
// exact PyValue (the slow path and the tests).
//
//   null            TAG_NULL
//   safe integer    TAG_INT lo hi         (ints, bools and integral floats up to 2^53)
//   other number    TAG_NUMTEXT text      (exact decimal digits of an integer; 'f'+shortest
//                                          digits of a float; inf, -inf, nan)
//   string          TAG_STR length units  (UTF-16 code units, two per feed)
//   list            TAG_LIST items… TAG_LIST_END count
//   dict            TAG_DICT, then count and the lane-wise sum of one hash per
//                   entry (TAG_ENTRY key value, from a fixed seed): order-free
import { skippedPayloadFields } from '../rules/referenceRules';
import { canonicalNumber, type PyValue } from '../py/value';

let h1 = 0;
let h2 = 0;

export function feed(x: number): void {
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

export const TAG_NULL = 1;
const TAG_INT = 2;
const TAG_NUMTEXT = 3;
export const TAG_STR = 4;
const TAG_LIST = 5;
const TAG_DICT = 6;
const TAG_ENTRY = 7;
const TAG_LIST_END = 8;
const TAG_OTHER_PAYLOAD = 9;

const ENTRY_SEED_1 = 0x9747b28c;
const ENTRY_SEED_2 = 0x2f9e1d33;

/**
 * A string: its length and code units. An all-ASCII string packs four units
 * per feed (its length carries a flag bit), any other string two: either way
 * the feeds depend only on the string, so equal strings hash alike.
 */
export function feedString(s: string): void {
  const n = s.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    feed(n | 0x40000000);
    let i = 0;
    for (; i + 3 < n; i += 4) feed(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24));
    let last = 0;
    for (let k = 0; i < n; i++, k += 8) last |= s.charCodeAt(i) << k;
    if (n & 3) feed(last);
    return;
  }
  feed(n);
  let i = 0;
  for (; i + 1 < n; i += 2) feed(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) feed(s.charCodeAt(i));
}

/** feedString of the ASCII text in bytes [s, e) (every byte < 0x80). */
export function feedAscii(buf: Uint8Array, s: number, e: number): void {
  const n = e - s;
  feed(n | 0x40000000);
  let i = s;
  for (; i + 3 < e; i += 4) feed(buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
  let last = 0;
  for (let k = 0; i < e; i++, k += 8) last |= buf[i]! << k;
  if (n & 3) feed(last);
}

export function feedSafeInt(v: number): void {
  feed(TAG_INT);
  feed(v | 0);
  feed(Math.floor(v / 4294967296) | 0);
}

/** A number that is not a safe integer, by its canonical text (see canonicalNumber). */
export function feedNumText(text: string): void {
  feed(TAG_NUMTEXT);
  feedString(text);
}

/** Any double, as Python's float: safe integers by value, others by canonical text. */
export function feedDouble(x: number): void {
  if (Number.isSafeInteger(x)) feedSafeInt(x);
  else feedNumText(canonicalNumber(x));
}

// Nesting frames: the outer lanes (and dict sums) are saved while a dict's entries hash on their own.
const MAX_DEPTH = 1100;
const saved1 = new Int32Array(MAX_DEPTH);
const saved2 = new Int32Array(MAX_DEPTH);
const savedSum1 = new Int32Array(MAX_DEPTH);
const savedSum2 = new Int32Array(MAX_DEPTH);
const savedCount = new Int32Array(MAX_DEPTH);
let depth = 0;
let sum1 = 0;
let sum2 = 0;
let count = 0;

export function dictBegin(): void {
  feed(TAG_DICT);
  saved1[depth] = h1;
  saved2[depth] = h2;
  savedSum1[depth] = sum1;
  savedSum2[depth] = sum2;
  savedCount[depth] = count;
  depth++;
  sum1 = 0;
  sum2 = 0;
  count = 0;
}

/** Start an entry's own hash: key fed, value feeds follow. */
export function entryBegin(key: string): void {
  h1 = ENTRY_SEED_1;
  h2 = ENTRY_SEED_2;
  feed(TAG_ENTRY);
  feedString(key);
}

export function entryBeginAscii(buf: Uint8Array, s: number, e: number): void {
  h1 = ENTRY_SEED_1;
  h2 = ENTRY_SEED_2;
  feed(TAG_ENTRY);
  feedAscii(buf, s, e);
}

/** The finished entry's two words (not yet added anywhere). */
function entryWords(out: Uint32Array, at: number): void {
  out[at] = fmix(h1 ^ Math.imul(h2, 0x27d4eb2f));
  out[at + 1] = fmix(h2 + 0x165667b1);
}

const words = new Uint32Array(2);
export function entryEnd(): void {
  entryWords(words, 0);
  sum1 = (sum1 + words[0]!) | 0;
  sum2 = (sum2 + words[1]!) | 0;
  count++;
}

export function dictEnd(): void {
  depth--;
  h1 = saved1[depth]!;
  h2 = saved2[depth]!;
  feed(count);
  feed(sum1);
  feed(sum2);
  sum1 = savedSum1[depth]!;
  sum2 = savedSum2[depth]!;
  count = savedCount[depth]!;
}

export function listBegin(): void {
  feed(TAG_LIST);
}

export function listEnd(items: number): void {
  feed(TAG_LIST_END);
  feed(items);
}

/** Abandon whatever was in progress (a line the scanner gave up on). */
export function resetHash(): void {
  depth = 0;
  sum1 = 0;
  sum2 = 0;
  count = 0;
}

function beginHash(seed: number): void {
  h1 = seed;
  h2 = seed ^ 0x5bd1e995;
}

export function endHash(out: Uint32Array, at: number): void {
  out[at] = fmix(h1 ^ Math.imul(h2, 0x165667b1));
  out[at + 1] = fmix(h2 + Math.imul(h1, 0x27d4eb2f));
}

/** Hash an exact value (a PyValue: bigint ints, number floats, Map dicts). */
export function feedPyValue(v: PyValue): void {
  if (v === null) return feed(TAG_NULL);
  switch (typeof v) {
    case 'number':
      return feedDouble(v);
    case 'bigint':
      if (v <= 9007199254740991n && v >= -9007199254740991n) return feedSafeInt(Number(v));
      return feedNumText(v.toString());
    case 'boolean':
      return feedSafeInt(v ? 1 : 0);
    case 'string':
      feed(TAG_STR);
      return feedString(v);
  }
  if (Array.isArray(v)) {
    listBegin();
    for (const x of v) feedPyValue(x);
    return listEnd(v.length);
  }
  dictBegin();
  for (const [k, x] of v) {
    entryBegin(k);
    feedPyValue(x);
    entryEnd();
  }
  dictEnd();
}

const VALUE_SEED = 0x12345678;

/** A value's standalone hash. */
export function hashPyValue(v: PyValue, out: Uint32Array = new Uint32Array(2), at = 0): Uint32Array {
  beginHash(VALUE_SEED);
  feedPyValue(v);
  endHash(out, at);
  return out;
}

export function beginValueHash(): void {
  beginHash(VALUE_SEED);
}

// --- events -----------------------------------------------------------------

/** Payload keys the event rules look at, by number (the scanner knows them by their bytes). */
export const KEY_OTHER = 0;
export const KEY_NAME = 1;
export const KEY_RETURN_VALUE = 2;
export const KEY_STATUS = 3;
export const KEY_RAW_HANDLE_ID = 4;
export const KEY_WAIT_DURATION_CYCLES = 5;
const SPECIAL_KEYS = ['', 'name', 'return_value', 'status', 'raw_handle_id', 'wait_duration_cycles'];

export function specialKey(key: string): number {
  const i = SPECIAL_KEYS.indexOf(key);
  return i > 0 ? i : KEY_OTHER;
}

/** The payload fields skipped for a kind (SKIP_PAYLOAD_FIELDS_BY_KIND), as a mask over the special keys. */
export function skipMaskFor(kind: unknown): number {
  let mask = 0;
  for (const field of skippedPayloadFields(kind)) {
    const k = specialKey(field);
    if (k === KEY_OTHER) throw new Error(`skipped field ${field} must be one of SPECIAL_KEYS`);
    mask |= 1 << k;
  }
  return mask;
}

/** A payload's top-level entries, hashed one by one, for the event hash to combine under the kind's rules. */
export class PayloadEntries {
  n = 0;
  special = new Uint8Array(32);
  words = new Uint32Array(64);
  isNull = new Uint8Array(32);

  clear(): void {
    this.n = 0;
  }

  /** Add the entry just hashed (entryBegin … value feeds). */
  push(special: number, valueIsNull: boolean): void {
    if (this.n === this.isNull.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
      const z = new Uint8Array(this.isNull.length * 2);
      z.set(this.isNull);
      this.isNull = z;
      const sp = new Uint8Array(this.special.length * 2);
      sp.set(this.special);
      this.special = sp;
    }
    this.special[this.n] = special;
    this.isNull[this.n] = valueIsNull ? 1 : 0;
    entryWords(this.words, 2 * this.n);
    this.n++;
  }

  has(special: number): boolean {
    for (let i = 0; i < this.n; i++) if (this.special[i] === special) return true;
    return false;
  }
}

const EVENT_SEED = 0x4c6b5374;
const sentinelWords = new Uint32Array(2);

export type PayloadShape = 'missing' | 'dict' | 'other';

/**
 * An event's hash from its parts: the standalone hashes of kind and
 * tid_event_idx (None when absent), and the payload — a dict's entries minus
 * the kind's skipped fields and None values (absent and None compare equal in
 * the reference), or any other value's hash. With `sentinel`, return_value
 * (and status, if the payload has it) are replaced as allocator
 * canonicalization does.
 */
export function eventHash(
  kindWords: Uint32Array,
  idxWords: Uint32Array,
  shape: PayloadShape,
  entries: PayloadEntries,
  otherWords: Uint32Array | null,
  skipMask: number,
  sentinel: string | null,
  out: Uint32Array,
  at: number,
): void {
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  if (shape !== 'other') {
    let hasStatus = false;
    for (let i = 0; i < entries.n; i++) {
      const k = entries.special[i]!;
      if (sentinel !== null && (k === KEY_RETURN_VALUE || k === KEY_STATUS)) {
        if (k === KEY_STATUS) hasStatus = true;
        continue;
      }
      if (entries.isNull[i] || (skipMask & (1 << k)) !== 0) continue;
      s1 = (s1 + entries.words[2 * i]!) | 0;
      s2 = (s2 + entries.words[2 * i + 1]!) | 0;
      n++;
    }
    if (sentinel !== null) {
      for (const k of hasStatus ? ['return_value', 'status'] : ['return_value']) {
        entryBegin(k);
        feed(TAG_STR);
        feedString(sentinel);
        entryWords(sentinelWords, 0);
        s1 = (s1 + sentinelWords[0]!) | 0;
        s2 = (s2 + sentinelWords[1]!) | 0;
        n++;
      }
    }
  }
  beginHash(EVENT_SEED);
  feed(kindWords[0]!);
  feed(kindWords[1]!);
  feed(idxWords[0]!);
  feed(idxWords[1]!);
  if (shape === 'other') {
    feed(TAG_OTHER_PAYLOAD);
    feed(otherWords![0]!);
    feed(otherWords![1]!);
  } else {
    feed(TAG_DICT);
    feed(n);
    feed(s1);
    feed(s2);
  }
  endHash(out, at);
}
