// A 128-bit keyed hash (four 32-bit lanes) of a JSON value that is equal for
// two values exactly when Python's `==` holds between them (up to collisions):
// 1, 1.0 and true hash alike, an int past 2^53 hashes by its exact digits,
// object key order does not count.
//
// Keyed: every index draws its own random 128-bit secret (useHashSecret), and
// every input word is added to a secret lane word before the first
// multiplication, so that a difference chosen in the content does not
// survive into a difference the writer of a log could predict. Objects are
// combined by sorting their entries by key and hashing the entries' hashes in
// that order: not a sum, which a generalized-birthday (Wagner) search can
// balance, as tests/hashCollision.test.ts shows for the old combination.
// The bound on a false "equal" is in docs/hashing.md.
//
// The hash is a sequence of feeds, so that two producers give the same result:
// the byte scanner (eventScanner.ts), which hashes a line as it reads it
// without building any value, and feedPyValue below, which hashes an exact
// PyValue (the slow path and the tests).
//
//   null            TAG_NULL
//   safe integer    TAG_INT lo hi         (ints, bools and integral floats up to 2^53)
//   other number    TAG_NUMTEXT text      (exact decimal digits of an integer; 'f'+shortest
//                                          digits of a float; inf, -inf, nan)
//   string          TAG_STR length units  (UTF-16 code units; four ASCII units per feed)
//   list            TAG_LIST items… TAG_LIST_END count
//   dict            TAG_DICT count, then each entry's four words in the order of their keys:
//                   an entry is hashed on its own, TAG_ENTRY key and its value's own
//                   four words (so that the index can keep each value's hash: the rules
//                   derive keys from them, store/fieldBlocks.ts)
import { skippedPayloadFields } from '../rules/referenceRules';
import { canonicalNumber, type PyValue } from '../py/value';

// --- the secret -------------------------------------------------------------

// The secret decides each lane's addend (k1..k4) and seed (s1..s4); the lanes'
// multipliers, rotations and constants are MurmurHash3 x86_128's. These defaults
// serve hashes outside any index (tests).
let k1 = 0x3c6ef372;
let k2 = 0xa54ff53a;
let k3 = 0x510e527f;
let k4 = 0x9b05688c;
let s1 = 0x1f83d9ab;
let s2 = 0x5be0cd19;
let s3 = 0x6a09e667;
let s4 = 0xbb67ae85;

function splitmix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/**
 * Key every hash that follows with this index's secret (16 random bytes).
 * Hashes are comparable only under the same secret: both logs of a pair are
 * always indexed in the same index.
 */
let secretEpoch = 0;

/** Changes whenever the secret does: what caches of hashes key on. */
export function currentSecretEpoch(): number {
  return secretEpoch;
}

let current: Uint8Array | null = null;

/** Use this secret unless it is the one in use already (a check of 16 bytes, not a derivation). */
export function useHashSecretOf(secret: Uint8Array): void {
  if (current && current.length === 16 && current.every((v, i) => v === secret[i])) return;
  useHashSecret(secret);
}

export function useHashSecret(secret: Uint8Array): void {
  current = Uint8Array.from(secret);
  if (secret.length !== 16) throw new Error('the hash secret must be 16 bytes');
  secretEpoch++;
  const w = new DataView(secret.buffer, secret.byteOffset, 16);
  const a = w.getUint32(0, true);
  const b = w.getUint32(4, true);
  const c = w.getUint32(8, true);
  const d = w.getUint32(12, true);
  k1 = splitmix(a ^ 0x01);
  k2 = splitmix(b ^ 0x02);
  k3 = splitmix(c ^ 0x03);
  k4 = splitmix(d ^ 0x04);
  s1 = splitmix(b ^ k1);
  s2 = splitmix(c ^ k2);
  s3 = splitmix(d ^ k3);
  s4 = splitmix(a ^ k4);
}

// --- the lanes --------------------------------------------------------------

let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;

export function feed(x: number): void {
  let k = Math.imul((x + k1) | 0, 0x239b961b);
  k = (k << 15) | (k >>> 17);
  h1 ^= Math.imul(k, 0xab0e9789);
  h1 = (h1 << 19) | (h1 >>> 13);
  h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

  k = Math.imul((x + k2) | 0, 0xab0e9789);
  k = (k << 16) | (k >>> 16);
  h2 ^= Math.imul(k, 0x38b34ae5);
  h2 = (h2 << 17) | (h2 >>> 15);
  h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

  k = Math.imul((x + k3) | 0, 0x38b34ae5);
  k = (k << 17) | (k >>> 15);
  h3 ^= Math.imul(k, 0xa1e38b93);
  h3 = (h3 << 15) | (h3 >>> 17);
  h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

  k = Math.imul((x + k4) | 0, 0xa1e38b93);
  k = (k << 18) | (k >>> 14);
  h4 ^= Math.imul(k, 0x239b961b);
  h4 = (h4 << 13) | (h4 >>> 19);
  h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
}

/**
 * Absorb four words at once, one per lane: how entries' hashes (already mixed
 * across all four lanes by `finish`) are combined into their object's, at the
 * cost of one feed rather than four.
 */
function feed4(a: number, b: number, c: number, d: number): void {
  let k = Math.imul((a + k1) | 0, 0x239b961b);
  k = (k << 15) | (k >>> 17);
  h1 ^= Math.imul(k, 0xab0e9789);
  h1 = (h1 << 19) | (h1 >>> 13);
  h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

  k = Math.imul((b + k2) | 0, 0xab0e9789);
  k = (k << 16) | (k >>> 16);
  h2 ^= Math.imul(k, 0x38b34ae5);
  h2 = (h2 << 17) | (h2 >>> 15);
  h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

  k = Math.imul((c + k3) | 0, 0x38b34ae5);
  k = (k << 17) | (k >>> 15);
  h3 ^= Math.imul(k, 0xa1e38b93);
  h3 = (h3 << 15) | (h3 >>> 17);
  h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

  k = Math.imul((d + k4) | 0, 0xa1e38b93);
  k = (k << 18) | (k >>> 14);
  h4 ^= Math.imul(k, 0x239b961b);
  h4 = (h4 << 13) | (h4 >>> 19);
  h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Start a hash from one of the seeds (different seeds for values, entries, events). */
function begin(seed: number): void {
  h1 = s1 ^ seed;
  h2 = s2 ^ Math.imul(seed, 0x9e3779b1);
  h3 = s3 ^ (seed + 0x7f4a7c15);
  h4 = s4 ^ Math.imul(seed ^ 0x94d049bb, 0x2c1b3c6d);
}

/** The four lanes, mixed across each other (MurmurHash3 x86_128's finalization), into out[at..at+4). */
function finish(out: Uint32Array, at: number): void {
  let a = h1;
  let b = h2;
  let c = h3;
  let d = h4;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = fmix(a);
  b = fmix(b);
  c = fmix(c);
  d = fmix(d);
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  out[at] = a;
  out[at + 1] = b;
  out[at + 2] = c;
  out[at + 3] = d;
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
const TAG_ALLOC_MASKED = 10;
const TAG_PAIRED = 11;
const TAG_PAYLOAD_SKIPPED = 12;

const SEED_VALUE = 0x12345678;
const SEED_ENTRY = 0x2f9e1d33;
const SEED_EVENT = 0x4c6b5374;

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

// --- objects: entries hashed on their own, combined in key order --------------

/** The entries of one object being hashed, and the outer lanes to resume when it ends. */
class Level {
  n = 0;
  words = new Uint32Array(64);
  /** Each entry's id from the recorder (when one records). */
  ids = new Int32Array(16);
  /** Each entry's key: a string, or bytes [keyS, keyE) of `buf` (the scanner's line). */
  keyStr: (string | null)[] = [];
  keyS = new Int32Array(16);
  keyE = new Int32Array(16);
  buf: Uint8Array | null = null;
  order = new Int32Array(16);
  o1 = 0;
  o2 = 0;
  o3 = 0;
  o4 = 0;

  reset(): void {
    this.n = 0;
    this.buf = null;
  }

  add(keyStr: string | null, buf: Uint8Array | null, s: number, e: number): void {
    const i = this.n++;
    if (4 * this.n > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
      const ks = new Int32Array(this.keyS.length * 2);
      ks.set(this.keyS);
      this.keyS = ks;
      const ke = new Int32Array(this.keyE.length * 2);
      ke.set(this.keyE);
      this.keyE = ke;
      const ids = new Int32Array(this.keyS.length);
      ids.set(this.ids);
      this.ids = ids;
      this.order = new Int32Array(this.keyS.length);
    }
    this.keyStr[i] = keyStr;
    this.keyS[i] = s;
    this.keyE[i] = e;
    if (buf) this.buf = buf;
    finishEntry(keyStr, buf, s, e, this.words, 4 * i);
    this.ids[i] = recorder ? recordEntry(keyStr, buf, s, e, this.words, 4 * i) : -1;
  }

  /** Entry indices sorted by key (insertion sort: objects are small). */
  sorted(): Int32Array {
    const ord = this.order;
    for (let i = 0; i < this.n; i++) {
      let j = i;
      while (j > 0 && this.compare(ord[j - 1]!, i) > 0) {
        ord[j] = ord[j - 1]!;
        j--;
      }
      ord[j] = i;
    }
    return ord;
  }

  private compare(a: number, b: number): number {
    const sa = this.keyStr[a];
    const sb = this.keyStr[b];
    if (sa !== null && sa !== undefined && sb !== null && sb !== undefined) return sa < sb ? -1 : sa > sb ? 1 : 0;
    // Byte ranges of an ASCII line: byte order is the code unit order.
    const buf = this.buf!;
    const as = this.keyS[a]!;
    const ae = this.keyE[a]!;
    const bs = this.keyS[b]!;
    const be = this.keyE[b]!;
    const n = Math.min(ae - as, be - bs);
    for (let i = 0; i < n; i++) {
      const d = buf[as + i]! - buf[bs + i]!;
      if (d !== 0) return d;
    }
    return ae - as - (be - bs);
  }
}

const MAX_DEPTH = 1100;
const levels: Level[] = [];
let depth = 0;

function level(d: number): Level {
  let l = levels[d];
  if (!l) levels[d] = l = new Level();
  return l;
}

export function dictBegin(): void {
  if (depth >= MAX_DEPTH) throw new Error('nesting too deep to hash');
  const l = level(depth++);
  l.reset();
  l.o1 = h1;
  l.o2 = h2;
  l.o3 = h3;
  l.o4 = h4;
}

// The keys of the entries being hashed, innermost last (an entry's value may hold objects of its own).
const keyStr: (string | null)[] = [];
const keyBuf: (Uint8Array | null)[] = [];
const keyS = new Int32Array(MAX_DEPTH + 2);
const keyE = new Int32Array(MAX_DEPTH + 2);
let keys = 0;

/** Start an entry: its value's feeds follow (the value is hashed on its own, then with the key: finishEntry). */
export function entryBegin(key: string): void {
  begin(SEED_VALUE);
  pendingDict = false;
  keyStr[keys] = key;
  keyBuf[keys] = null;
  keys++;
}

export function entryBeginAscii(buf: Uint8Array, s: number, e: number): void {
  begin(SEED_VALUE);
  pendingDict = false;
  keyStr[keys] = null;
  keyBuf[keys] = buf;
  keyS[keys] = s;
  keyE[keys] = e;
  keys++;
}

const valueWords = new Uint32Array(4);

/** The entry's hash into out[at..at+4): its key, then its value's own four words (the lanes hold the value's feeds). */
function finishEntry(key: string | null, buf: Uint8Array | null, s: number, e: number, out: Uint32Array, at: number): void {
  finish(valueWords, 0);
  begin(SEED_ENTRY);
  feed(TAG_ENTRY);
  if (key !== null) feedString(key);
  else feedAscii(buf!, s, e);
  feed4(valueWords[0]!, valueWords[1]!, valueWords[2]!, valueWords[3]!);
  finish(out, at);
}

/** An entry's hash from its key and its value's hash (what finishEntry computes as a value is read). */
export function entryHashOf(key: string, value: Uint32Array, vat: number, out: Uint32Array, at: number): void {
  begin(SEED_ENTRY);
  feed(TAG_ENTRY);
  feedString(key);
  feed4(value[vat]!, value[vat + 1]!, value[vat + 2]!, value[vat + 3]!);
  finish(out, at);
}

// --- recording each entry (the index's field blocks) ------------------------

/** Takes every entry as it is hashed and gives it an id (ingest/fieldRecorder.ts). */
export interface EntryRecorder {
  /**
   * An entry: its key (a string, or ASCII bytes [s, e) of buf), its value's
   * hash, whether the value is null, and when it is an object the ids of its
   * entries in key order. Returns the entry's id.
   */
  entry(
    key: string | null,
    buf: Uint8Array | null,
    s: number,
    e: number,
    value: Uint32Array,
    entryWords: Uint32Array,
    entryAt: number,
    children: Int32Array | null,
    childCount: number,
  ): number;
}

let recorder: EntryRecorder | null = null;

/** Record every entry hashed from now on (null: stop). */
export function recordEntries(r: EntryRecorder | null): void {
  recorder = r;
}

// The ids of the entries of the object just finished, in key order: the value of the entry that ends next, if nothing came between.
let pendingDict = false;
let pendingChildren = new Int32Array(64);
let pendingCount = 0;

function recordEntry(key: string | null, buf: Uint8Array | null, s: number, e: number, words: Uint32Array, at: number): number {
  const dict = pendingDict;
  pendingDict = false;
  return recorder!.entry(key, buf, s, e, valueWords, words, at, dict ? pendingChildren : null, dict ? pendingCount : 0);
}

/** Finish the innermost entry into `into` (the object being hashed, or a payload's entries). */
function endEntryInto(into: Level): void {
  keys--;
  into.add(keyStr[keys]!, keyBuf[keys]!, keyS[keys]!, keyE[keys]!);
}

/** The finished entry goes into the object being hashed. */
export function entryEnd(): void {
  endEntryInto(level(depth - 1));
}

export function dictEnd(): void {
  const l = level(--depth);
  h1 = l.o1;
  h2 = l.o2;
  h3 = l.o3;
  h4 = l.o4;
  feed(TAG_DICT);
  feed(l.n);
  const ord = l.sorted();
  const w = l.words;
  for (let i = 0; i < l.n; i++) {
    const at = 4 * ord[i]!;
    feed4(w[at]!, w[at + 1]!, w[at + 2]!, w[at + 3]!);
  }
  if (recorder) {
    if (pendingChildren.length < l.n) pendingChildren = new Int32Array(2 * l.n);
    for (let i = 0; i < l.n; i++) pendingChildren[i] = l.ids[ord[i]!]!;
    pendingCount = l.n;
    pendingDict = true;
  }
}

export function listBegin(): void {
  pendingDict = false;
  feed(TAG_LIST);
}

export function listEnd(items: number): void {
  pendingDict = false;
  feed(TAG_LIST_END);
  feed(items);
}

/** Abandon whatever was in progress (a line the scanner gave up on). */
export function resetHash(): void {
  depth = 0;
  keys = 0;
  pendingDict = false;
}

export function beginValueHash(): void {
  begin(SEED_VALUE);
}

export function endHash(out: Uint32Array, at: number): void {
  finish(out, at);
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

/** A value's standalone hash (four words). */
export function hashPyValue(v: PyValue, out: Uint32Array = new Uint32Array(4), at = 0): Uint32Array {
  begin(SEED_VALUE);
  feedPyValue(v);
  finish(out, at);
  return out;
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
  private readonly entries = new Level();
  special = new Uint8Array(32);
  isNull = new Uint8Array(32);

  get n(): number {
    return this.entries.n;
  }

  clear(): void {
    this.entries.reset();
  }

  /** Add the entry just hashed (entryBegin … value feeds). */
  push(special: number, valueIsNull: boolean): void {
    const i = this.entries.n;
    if (i === this.isNull.length) {
      const z = new Uint8Array(this.isNull.length * 2);
      z.set(this.isNull);
      this.isNull = z;
      const sp = new Uint8Array(this.special.length * 2);
      sp.set(this.special);
      this.special = sp;
    }
    this.special[i] = special;
    this.isNull[i] = valueIsNull ? 1 : 0;
    endEntryInto(this.entries);
  }

  /** The entries' ids (from the recorder) in key order, into out; returns how many. */
  sortedIds(out: Int32Array): number {
    const ord = this.entries.sorted();
    const ids = this.entries.ids;
    for (let r = 0; r < this.n; r++) out[r] = ids[ord[r]!]!;
    return this.n;
  }

  has(special: number): boolean {
    for (let i = 0; i < this.n; i++) if (this.special[i] === special) return true;
    return false;
  }

  /**
   * Feed the entries that count, in key order: not the kind's skipped fields,
   * not None values (absent and None compare equal in the reference), and,
   * when `masked`, not return_value or status (allocator canonicalization
   * rewrites them).
   */
  feedCounted(skipMask: number, masked: boolean): void {
    const ord = this.entries.sorted();
    const w = this.entries.words;
    let n = 0;
    for (let i = 0; i < this.n; i++) if (this.counts(i, skipMask, masked)) n++;
    feed(TAG_DICT);
    feed(n);
    for (let r = 0; r < this.n; r++) {
      const i = ord[r]!;
      if (!this.counts(i, skipMask, masked)) continue;
      feed4(w[4 * i]!, w[4 * i + 1]!, w[4 * i + 2]!, w[4 * i + 3]!);
    }
  }

  private counts(i: number, skipMask: number, masked: boolean): boolean {
    const k = this.special[i]!;
    if (masked && (k === KEY_RETURN_VALUE || k === KEY_STATUS)) return false;
    return this.isNull[i] === 0 && (skipMask & (1 << k)) === 0;
  }
}

export type PayloadShape = 'missing' | 'dict' | 'other';

/**
 * An event's key, the hash of what the reference's compare_event looks at
 * apart from tid_event_idx (each engine numbers its own events; the
 * positional comparison checks tid_event_idx on its own): its kind, and its
 * payload (a dict's entries under the kind's rules; any other value whole).
 * With `masked`, an allocator return's key without return_value and status
 * (but with whether status is present): see store/eventBlock.ts canonicalKey.
 */
export function eventKey(
  kindWords: Uint32Array,
  shape: PayloadShape,
  entries: PayloadEntries,
  otherWords: Uint32Array | null,
  skipMask: number,
  masked: boolean,
  out: Uint32Array,
  at: number,
): void {
  begin(SEED_EVENT);
  feed4(kindWords[0]!, kindWords[1]!, kindWords[2]!, kindWords[3]!);
  if (shape === 'other') {
    feed(TAG_OTHER_PAYLOAD);
    feed4(otherWords![0]!, otherWords![1]!, otherWords![2]!, otherWords![3]!);
  } else {
    entries.feedCounted(skipMask, masked);
    if (masked) {
      feed(TAG_ALLOC_MASKED);
      feed(entries.has(KEY_STATUS) ? 1 : 0);
    }
  }
  finish(out, at);
}

/** The hash of a null value (what a recorder compares values with); call it between hashes, never inside one. */
export function nullValueHash(out: Uint32Array): void {
  begin(SEED_VALUE);
  feed(TAG_NULL);
  finish(out, 0);
}

// --- keys under a rule set, from what the index keeps (diff/deriveKeys.ts) ---

/** An object's value hash from its entries' hashes (4 words each, in key order): what dictEnd computes. */
export function dictValueHashOf(entries: Uint32Array, n: number, out: Uint32Array, at: number): void {
  begin(SEED_VALUE);
  feed(TAG_DICT);
  feed(n);
  for (let i = 0; i < n; i++) feed4(entries[4 * i]!, entries[4 * i + 1]!, entries[4 * i + 2]!, entries[4 * i + 3]!);
  finish(out, at);
}

/**
 * An event's key from its kind's hash and the hashes of the payload entries
 * that count (in key order): eventKey's value for a dict payload when the
 * entries are the same. `paired` lists the paired fields present (their
 * values are compared by pairing, not by the key); `payloadSkipped`: a rule
 * leaves the whole payload out.
 */
export function eventKeyOf(
  kindWords: Uint32Array,
  entries: Uint32Array,
  n: number,
  paired: ArrayLike<number>,
  pairedCount: number,
  payloadSkipped: boolean,
  out: Uint32Array,
  at: number,
): void {
  begin(SEED_EVENT);
  feed4(kindWords[0]!, kindWords[1]!, kindWords[2]!, kindWords[3]!);
  if (payloadSkipped) feed(TAG_PAYLOAD_SKIPPED);
  else {
    feed(TAG_DICT);
    feed(n);
    for (let i = 0; i < n; i++) feed4(entries[4 * i]!, entries[4 * i + 1]!, entries[4 * i + 2]!, entries[4 * i + 3]!);
  }
  if (pairedCount > 0) {
    feed(TAG_PAIRED);
    feed(pairedCount);
    for (let i = 0; i < pairedCount; i++) feed(paired[i]!);
  }
  finish(out, at);
}

/**
 * An allocator return's masked key from the entries that count, return_value
 * and status left out: eventKey's with `masked` (store/eventBlock.ts
 * canonicalKey makes the canonical key of it and the ordinal).
 */
export function maskedKeyOf(kindWords: Uint32Array, entries: Uint32Array, n: number, hasStatus: boolean, out: Uint32Array, at: number): void {
  begin(SEED_EVENT);
  feed4(kindWords[0]!, kindWords[1]!, kindWords[2]!, kindWords[3]!);
  feed(TAG_DICT);
  feed(n);
  for (let i = 0; i < n; i++) feed4(entries[4 * i]!, entries[4 * i + 1]!, entries[4 * i + 2]!, entries[4 * i + 3]!);
  feed(TAG_ALLOC_MASKED);
  feed(hasStatus ? 1 : 0);
  finish(out, at);
}
