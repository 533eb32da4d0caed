// The search index's storage: for each thread, each path (payload.status,
// payload.args_resolved.a1, kind …) and each segment of SEGMENT_EVENTS events,
// one column: which events have a leaf at that path (positions) and what it is.
// A column is encoded the cheapest way that still answers exactly:
//
//   DICT8 / DICT16  a dictionary of the distinct tokens (raw, as written) and one id
//                   per leaf: names, kinds, statuses, flags — most columns;
//   INT             integer literals (any size) as a base and each leaf's offset
//                   from it, zigzag deltas (indexes, timestamps, cycles, handles):
//                   small, and compared exactly;
//   HASH            anything else with too many distinct values: a 64-bit keyed
//                   hash of each leaf's match key (valueKeys.ts) and the set of
//                   characters its raw tokens use (what a text search must read).
//
// Columns are built in memory per segment (ColumnBuilder), packed into the
// row the index stores (store/searchIndex.ts), and read back lazily (Column):
// a search decodes only the parts it looks at.
import { crc32 } from 'node:zlib';
import { beginValueHash, endHash, feedString } from '../ingest/valueHash';
import { IndexDamagedError } from '../store/db';
import type { SearchColumnRow } from '../store/searchIndex';
import { ByteWriter, readVarints, zigzag } from './varint';
import { keyHash16, tokenMatchKey } from './valueKeys';

/** One column of one segment, as stored (store/searchIndex.ts describes the fields). */
export type ColumnRecord = SearchColumnRow;

/** The format of the columns: an index of another format is built again. */
export const SEARCH_FORMAT = 2; // 2: a repeated key's earlier value filed for text (segmentBuilder.ts); dictionaries carry their entries' key hashes

/** Events per segment: a column's positions are 16-bit offsets into it. */
export const SEGMENT_EVENTS = 65536;

export const ENC_DICT8 = 0;
export const ENC_DICT16 = 1;
export const ENC_INT = 2;
export const ENC_HASH = 3;

/** Distinct tokens past which an all-integer column stops keeping a dictionary. */
const INT_SWITCH = 4096;
const MAX_DICT = 65536;
/** An integer column's offsets from its base stay within this (exact in a double, and their deltas too). */
const MAX_OFFSET = 2 ** 51;
/** Integer literals of up to this many digits are read as two doubles (9 digits in the low one). */
const INT_LITERAL = /^-?(0|[1-9][0-9]{0,23})$/;
/**
 * Between a dictionary's tokens: a raw JSON token never holds a NUL (JSON writes
 * one in a string as \u0000), so one string holds them all, split at once and
 * searched for a text in one pass.
 */
const DICT_SEPARATOR = '\u0000';

const hashOut = new Uint32Array(4);

/** The 64-bit keyed hash of a match key (under the index's secret, set with useHashSecret). */
export function matchKeyHash(key: string | null, out: Uint32Array, at: number): void {
  beginValueHash();
  feedString(key ?? '\u0000nan'); // NaN equals nothing: a key no query asks for
  endHash(hashOut, 0);
  out[at] = hashOut[0]!;
  out[at + 1] = hashOut[1]!;
}

function addChars(charset: Uint8Array, raw: string): void {
  const lower = raw.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 128) charset[c >> 3]! |= 1 << (c & 7);
    else charset[16]! |= 1;
  }
}

/** Whether a (lower-case) text could lie inside a token whose characters are all in the charset. */
export function charsetAdmits(charset: Uint8Array, lowerText: string): boolean {
  for (let i = 0; i < lowerText.length; i++) {
    const c = lowerText.charCodeAt(i);
    if (c < 128 ? (charset[c >> 3]! & (1 << (c & 7))) === 0 : (charset[16]! & 1) === 0) return false;
  }
  return true;
}

/** Whether a short token is an integer literal as JSON writes one (no leading zero, not -0). */
function isShortInt(raw: string): boolean {
  let i = raw.charCodeAt(0) === 45 ? 1 : 0;
  const first = raw.charCodeAt(i);
  if (first === 48) return raw.length === i + 1 && i === 0;
  if (i === raw.length) return false;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** An integer literal as high and low parts (value = hi * 1e9 + lo, both exact doubles), or null. */
function intParts(raw: string): [number, number] | null {
  if (!INT_LITERAL.test(raw) || raw === '-0') return null;
  const negative = raw.charCodeAt(0) === 45;
  const digits = negative ? raw.slice(1) : raw;
  const sign = negative ? -1 : 1;
  if (digits.length <= 9) return [0, sign * Number(digits)];
  return [sign * Number(digits.slice(0, -9)), sign * Number(digits.slice(-9))];
}

/** The exact decimal text of base + offset, for the leaves of an integer column with this base (its decimal text). */
export function intFormatter(base: string): (offset: number) => string {
  const baseNumber = Number(base);
  if (Number.isSafeInteger(baseNumber))
    return (off) => (Number.isSafeInteger(baseNumber + off) ? String(baseNumber + off) : (BigInt(base) + BigInt(off)).toString());
  const parts = intParts(base);
  if (!parts || parts[0] < 0) return (off) => (BigInt(base) + BigInt(off)).toString();
  // A large non-negative base (a timestamp in ns): add in two parts of nine digits, no BigInt per leaf.
  const [bhi, blo] = parts;
  return (off) => {
    const offHi = Math.floor(off / 1e9);
    let lo = blo + (off - offHi * 1e9);
    let hi = bhi + offHi;
    if (lo >= 1e9) {
      lo -= 1e9;
      hi++;
    }
    if (hi < 0) return (BigInt(base) + BigInt(off)).toString();
    return hi === 0 ? String(lo) : String(hi) + String(lo).padStart(9, '0');
  };
}

class Growable<T extends Uint16Array | Uint32Array | Float64Array> {
  n = 0;
  constructor(
    public a: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

const u16 = (n: number): Uint16Array => new Uint16Array(n);
const u32 = (n: number): Uint32Array => new Uint32Array(n);
const f64 = (n: number): Float64Array => new Float64Array(n);

/** One path's leaves in one segment, while the segment is read. */
export class ColumnBuilder {
  private readonly pos = new Growable(u16(8), u16);
  /** Per token type: raw text to entry. */
  private dict: Map<string, number>[] | null = [new Map(), new Map(), new Map(), new Map()];
  private entries: string[] | null = [];
  private ids: Growable<Uint32Array> | null = new Growable(u32(8), u32);
  /** While every leaf is an integer: each one's offset from the first (the base). */
  private offsets: Growable<Float64Array> | null = new Growable(f64(8), f64);
  private base: { text: string; hi: number; lo: number } | null = null;
  private hashes: Growable<Uint32Array> | null = null;
  private charset: Uint8Array | null = null;

  constructor(
    readonly path: string,
    readonly keys: string,
  ) {}

  get count(): number {
    return this.pos.n;
  }

  /** The leaf's offset from the base when it is an integer close enough to it, else NaN. */
  private offsetOf(token: number, raw: string): number {
    if (token !== 1) return NaN;
    const base = this.base;
    if (raw.length <= 15 && base !== null && base.hi === 0 && isShortInt(raw)) {
      const off = Number(raw) - base.lo;
      return Math.abs(off) <= MAX_OFFSET ? off : NaN;
    }
    const p = intParts(raw);
    if (!p) return NaN;
    if (base === null) {
      // The first integer is the base: with a small one, every short leaf takes the quick way above.
      this.base = Math.abs(p[0]) < 9e6 ? { text: raw, hi: 0, lo: p[0] * 1e9 + p[1] } : { text: raw, hi: p[0], lo: p[1] };
      return 0;
    }
    const dh = p[0] - base.hi;
    if (Math.abs(dh) > 9e6) return NaN;
    const off = dh * 1e9 + (p[1] - base.lo);
    return Math.abs(off) <= MAX_OFFSET ? off : NaN;
  }

  add(local: number, token: number, raw: string): void {
    this.pos.push(local);
    if (this.offsets) {
      const off = this.offsetOf(token, raw);
      if (!Number.isNaN(off)) this.offsets.push(off);
      else if (this.dict) this.offsets = null;
      else this.offsetsToHashes();
    }
    if (this.dict) {
      const byToken = this.dict[token]!;
      let id = byToken.get(raw);
      if (id === undefined) {
        id = this.entries!.length;
        byToken.set(raw, id);
        this.entries!.push(String.fromCharCode(48 + token) + raw);
      }
      this.ids!.push(id);
      if (this.offsets && this.entries!.length > INT_SWITCH) this.dropDict();
      else if (this.entries!.length > MAX_DICT) this.dictToHashes();
    } else if (this.hashes) {
      this.pushHash(token, raw);
    }
  }

  /** Take the last leaf back (a key repeated in an object: its earlier value is void). */
  pop(): void {
    this.pos.n--;
    if (this.ids) this.ids.n--;
    if (this.offsets) this.offsets.n--;
    if (this.hashes) this.hashes.n -= 2;
  }

  private pushHash(token: number, raw: string): void {
    const h = this.hashes!;
    h.push(0);
    h.push(0);
    matchKeyHash(tokenMatchKey(token, raw), h.a, h.n - 2);
    addChars(this.charset!, raw);
  }

  private dropDict(): void {
    this.dict = null;
    this.entries = null;
    this.ids = null;
  }

  private dictToHashes(): void {
    const entries = this.entries!;
    const ids = this.ids!;
    this.hashes = new Growable(u32(Math.max(16, 2 * ids.a.length)), u32);
    this.charset = new Uint8Array(17);
    const keys = entries.map((t) => {
      addChars(this.charset!, t.slice(1));
      const out = new Uint32Array(2);
      matchKeyHash(tokenMatchKey(t.charCodeAt(0) - 48, t.slice(1)), out, 0);
      return out;
    });
    for (let k = 0; k < ids.n; k++) {
      const h = keys[ids.a[k]!]!;
      this.hashes.push(h[0]!);
      this.hashes.push(h[1]!);
    }
    this.dropDict();
    this.offsets = null;
  }

  /** An integer column meets a leaf that is not one (or too far from its base): hashes from here on. */
  private offsetsToHashes(): void {
    const offsets = this.offsets!;
    const text = intFormatter(this.base!.text);
    this.hashes = new Growable(u32(Math.max(16, 2 * offsets.a.length)), u32);
    this.charset = new Uint8Array(17);
    // The leaf being added is pushed by the caller's hash branch.
    for (let k = 0; k < offsets.n; k++) {
      const raw = text(offsets.a[k]!);
      this.hashes.push(0);
      this.hashes.push(0);
      matchKeyHash(tokenMatchKey(1, raw), this.hashes.a, this.hashes.n - 2);
      addChars(this.charset, raw);
    }
    this.offsets = null;
  }

  private offsetBytes(): Uint8Array {
    const n = this.pos.n;
    const w = new ByteWriter(n * 2 + 8);
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const v = this.offsets!.a[k]!;
      w.varint(zigzag(v - prev));
      prev = v;
    }
    return w.bytes();
  }

  /** Pack into what the index stores. `events`: the segment's events (a column with one leaf per event stores no positions). */
  finish(threadNo: number, segment: number, events: number): ColumnRecord {
    const n = this.pos.n;
    let dense = n === events;
    for (let k = 0; dense && k < n; k++) if (this.pos.a[k] !== k) dense = false;
    let positions: Uint8Array | null = null;
    if (!dense) {
      const w = new ByteWriter(n + 8);
      let prev = 0;
      for (let k = 0; k < n; k++) {
        w.varint(this.pos.a[k]! - prev);
        prev = this.pos.a[k]!;
      }
      positions = w.bytes();
    }
    let encoding: number;
    let data: Uint8Array;
    let dict: string | null = null;
    if (this.entries && this.entries.length <= 256) {
      encoding = ENC_DICT8;
      data = withKeyHashes(Uint8Array.from(this.ids!.a.subarray(0, n)), this.entries);
      dict = this.entries.join(DICT_SEPARATOR);
    } else if (this.entries) {
      const dictText = this.entries.join(DICT_SEPARATOR);
      const asInts = this.offsets ? this.offsetBytes() : null;
      if (asInts && asInts.length < 2 * n + dictText.length) {
        encoding = ENC_INT;
        data = asInts;
        dict = this.base!.text;
      } else {
        encoding = ENC_DICT16;
        data = withKeyHashes(new Uint8Array(new Uint16Array(this.ids!.a.subarray(0, n)).buffer), this.entries);
        dict = dictText;
      }
    } else if (this.offsets) {
      encoding = ENC_INT;
      data = this.offsetBytes();
      dict = this.base!.text;
    } else {
      encoding = ENC_HASH;
      data = new Uint8Array(this.hashes!.a.buffer, 0, 8 * n).slice();
    }
    const charset = encoding === ENC_HASH ? this.charset : null;
    return {
      threadNo,
      segment,
      path: this.path,
      keys: this.keys,
      count: n,
      encoding,
      positions,
      data,
      dict,
      dictCrc: dict === null ? 0 : crc32(dict),
      charset,
      crc: blobCrc(positions, data),
    };
  }
}

/**
 * A dictionary column's data: each leaf's entry id, then each entry's match-key hash (keyHash16),
 * so that a field search's first look at a column compares numbers and works out no entry's key.
 */
function withKeyHashes(ids: Uint8Array, entries: string[]): Uint8Array {
  const hashes = new Uint16Array(entries.length);
  entries.forEach((t, id) => (hashes[id] = keyHash16(tokenMatchKey(t.charCodeAt(0) - 48, t.slice(1)))));
  const out = new Uint8Array(ids.length + 2 * entries.length);
  out.set(ids);
  out.set(new Uint8Array(hashes.buffer), ids.length);
  return out;
}

/** The checksum a stored column's blobs carry (its dictionary has its own): damaged pages are noticed, not searched. */
function blobCrc(positions: Uint8Array | null, data: Uint8Array): number {
  const c = crc32(data);
  return positions ? crc32(positions, c) : c;
}

function varints(...args: Parameters<typeof readVarints>): void {
  try {
    readVarints(...args);
  } catch (e) {
    throw new IndexDamagedError(`a search column that does not decode (${(e as Error).message})`);
  }
}

/** What a Column is read from: its head, its dictionary (read at once) and its blobs (read when first needed). */
export interface ColumnSource {
  path: string;
  keys: string;
  count: number;
  encoding: number;
  charset: Uint8Array | null;
  dict: string | null;
  dictCrc: number;
  blobs: () => { positions: Uint8Array | null; data: Uint8Array; crc: number };
}

/** A column as the builder made it, for reading back (tests). */
export function columnSource(r: ColumnRecord): ColumnSource {
  return { ...r, blobs: () => ({ positions: r.positions, data: r.data, crc: r.crc }) };
}

/**
 * A stored column, checked, decoded part by part as searches need them (and
 * kept): a text search reads dictionaries, and the leaves of only the columns
 * that hold the text; a field search one path's ids or integers. Throws
 * IndexDamagedError when a part cannot be what was written (the index is a
 * cache: it is rebuilt).
 */
export class Column {
  readonly path: string;
  readonly keys: string[];
  readonly encoding: number;
  readonly count: number;
  private readonly source: ColumnSource;
  private blobs: { positions: Uint8Array | null; data: Uint8Array } | null = null;
  private decoded: {
    positions?: Uint16Array | null;
    ids?: Uint8Array | Uint16Array;
    entryStarts?: Int32Array;
    keyHashes?: Uint16Array;
    offsets?: Float64Array;
    hashes?: Uint32Array;
  } = {};
  /** Worked out on first use by the searches (columnMatch.ts), then kept with the column. */
  readonly lazy: { keysLower?: string[]; dictLower?: string; entryStarts?: Int32Array } = {};

  constructor(source: ColumnSource) {
    if (source.encoding < ENC_DICT8 || source.encoding > ENC_HASH) throw new IndexDamagedError(`a search column in an unknown encoding ${source.encoding}`);
    if (source.dict !== null && crc32(source.dict) !== source.dictCrc) throw new IndexDamagedError('a search dictionary whose checksum does not match');
    this.source = source;
    this.path = source.path;
    this.keys = JSON.parse(source.keys) as string[];
    this.encoding = source.encoding;
    this.count = source.count;
  }

  /** Memory the column may take once decoded (about, and the same whatever has been decoded yet). */
  get bytes(): number {
    const perLeaf = [1, 2, 8, 8][this.encoding]!;
    return this.count * (perLeaf + 4) + 6 * (this.source.dict?.length ?? 0) + 128;
  }

  private leaves(): { positions: Uint8Array | null; data: Uint8Array } {
    if (!this.blobs) {
      const b = this.source.blobs();
      if (blobCrc(b.positions, b.data) !== b.crc) throw new IndexDamagedError('a search column whose checksum does not match');
      this.blobs = b;
    }
    return this.blobs;
  }

  private exact(bytes: number): ArrayBuffer {
    const data = this.leaves().data;
    if (data.length !== bytes) throw new IndexDamagedError('a search column of the wrong length');
    return new Uint8Array(data).buffer as ArrayBuffer; // a copy: SQLite's Buffer may sit at any offset
  }

  /** Each leaf's offset in the segment; null: leaf k is event k. */
  get positions(): Uint16Array | null {
    if (this.decoded.positions === undefined) {
      const p = this.leaves().positions;
      let out: Uint16Array | null = null;
      if (p) varints(p, this.count, (out = new Uint16Array(this.count)), 'positions');
      this.decoded.positions = out;
    }
    return this.decoded.positions;
  }

  /** DICT*: each leaf's entry. */
  get ids(): Uint8Array | Uint16Array {
    if (!this.decoded.ids) {
      const width = this.encoding === ENC_DICT8 ? 1 : 2;
      const data = this.exact(width * this.count + 2 * this.entryCount);
      const ids = width === 1 ? new Uint8Array(data, 0, this.count) : new Uint16Array(data, 0, this.count);
      this.decoded.keyHashes = new Uint16Array(data.slice(width * this.count));
      const n = this.entryCount;
      let max = 0;
      for (let k = 0; k < ids.length; k++) if (ids[k]! > max) max = ids[k]!;
      if (ids.length > 0 && max >= n) throw new IndexDamagedError('a search column that names no token');
      this.decoded.ids = ids;
    }
    return this.decoded.ids;
  }

  /** DICT*: each entry's match-key hash (keyHash16), written with the column. */
  get keyHashes(): Uint16Array {
    if (!this.decoded.keyHashes) void this.ids;
    return this.decoded.keyHashes!;
  }

  /** DICT*: the tokens of the dictionary, NUL-separated (what a text is looked for in). */
  get dictText(): string {
    const d = this.source.dict;
    if (d === null || this.encoding > ENC_DICT16) throw new IndexDamagedError('a search column without its dictionary');
    return d;
  }

  /**
   * DICT*: where each entry starts in dictText. Offsets, not the entries split into strings: a
   * search's first look at a log reads every column's dictionary, and a million small strings kept
   * alive make every young-generation collection copy them (tens of ms, in the middle of a find).
   */
  get entryStarts(): Int32Array {
    if (!this.decoded.entryStarts) {
      const d = this.dictText;
      let n = 1;
      for (let at = d.indexOf(DICT_SEPARATOR); at >= 0; at = d.indexOf(DICT_SEPARATOR, at + 1)) n++;
      const starts = new Int32Array(n);
      let k = 1;
      for (let at = d.indexOf(DICT_SEPARATOR); at >= 0; at = d.indexOf(DICT_SEPARATOR, at + 1)) starts[k++] = at + 1;
      this.decoded.entryStarts = starts;
    }
    return this.decoded.entryStarts;
  }

  /** DICT*: how many distinct tokens. */
  get entryCount(): number {
    return this.entryStarts.length;
  }

  /** DICT*: entry `id`, "<token digit><raw text>". */
  entry(id: number): string {
    const starts = this.entryStarts;
    const end = id + 1 < starts.length ? starts[id + 1]! - 1 : this.dictText.length;
    return this.dictText.slice(starts[id]!, end);
  }

  /** INT: the base's decimal text. */
  get base(): string {
    const d = this.source.dict;
    if (d === null || !/^-?[0-9]+$/.test(d)) throw new IndexDamagedError('an integer search column without its base');
    return d;
  }

  /** INT: each leaf's offset from the base. */
  get offsets(): Float64Array {
    if (!this.decoded.offsets) varints(this.leaves().data, this.count, (this.decoded.offsets = new Float64Array(this.count)), 'zigzag');
    return this.decoded.offsets;
  }

  /** HASH: two words per leaf. */
  get hashes(): Uint32Array {
    return (this.decoded.hashes ??= new Uint32Array(this.exact(8 * this.count)));
  }

  /** HASH: the characters the raw tokens use. */
  get charset(): Uint8Array {
    const c = this.source.charset;
    if (!c || c.length !== 17) throw new IndexDamagedError('a hashed search column without its character set');
    return c;
  }
}
