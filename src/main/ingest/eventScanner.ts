// The ingest's fast path: reads one event line as UTF-8 bytes, validates it
// as JSON and hashes what the comparison sees (kind, payload; tid_event_idx is kept as a number)
// while it reads, without building any JavaScript value. Fields the diff never
// looks at (engine, host_ns, …) are only validated.
//
// It handles the common shape of an event and gives up (returns false) on
// anything unusual — NaN/Infinity where they count, escaped or non-ASCII
// keys, repeated keys, a tid or tid_event_idx that is not a plain integer,
// deep nesting, invalid JSON — so that the exact parser, which knows every
// rule and words every error, takes the line instead. Both produce the same
// hashes (valueHash.ts), which the tests check on random lines.
import { PYTHON_INT_MAX_STR_DIGITS, PYTHON_MAX_NESTING } from '../py/parse';
import {
  beginValueHash,
  dictBegin,
  dictEnd,
  endHash,
  entryBeginAscii,
  entryEnd,
  feed,
  feedAscii,
  feedDouble,
  feedNumText,
  feedSafeInt,
  feedString,
  KEY_NAME,
  KEY_OTHER,
  KEY_RAW_HANDLE_ID,
  KEY_RETURN_VALUE,
  KEY_STATUS,
  KEY_WAIT_DURATION_CYCLES,
  listBegin,
  listEnd,
  PayloadEntries,
  resetHash,
  currentSecretEpoch,
  TAG_NULL,
  TAG_STR,
} from './valueHash';

const Q = 0x22; // "
const BS = 0x5c; // \
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;

const TOP_TID = 1;
const TOP_IDX = 2;
const TOP_KIND = 3;
const TOP_PAYLOAD = 4;

const SAFE_16 = '9007199254740991';
const MAX_KEYS_PER_LEVEL = 256;

function bytesEqual(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word.charCodeAt(i)) return false;
  return true;
}

function topKey(b: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 3:
      return bytesEqual(b, s, e, 'tid') ? TOP_TID : 0;
    case 13:
      return bytesEqual(b, s, e, 'tid_event_idx') ? TOP_IDX : 0;
    case 4:
      return bytesEqual(b, s, e, 'kind') ? TOP_KIND : 0;
    case 7:
      return bytesEqual(b, s, e, 'payload') ? TOP_PAYLOAD : 0;
  }
  return 0;
}

function payloadKey(b: Uint8Array, s: number, e: number): number {
  switch (e - s) {
    case 4:
      return bytesEqual(b, s, e, 'name') ? KEY_NAME : KEY_OTHER;
    case 12:
      return bytesEqual(b, s, e, 'return_value') ? KEY_RETURN_VALUE : KEY_OTHER;
    case 6:
      return bytesEqual(b, s, e, 'status') ? KEY_STATUS : KEY_OTHER;
    case 13:
      return bytesEqual(b, s, e, 'raw_handle_id') ? KEY_RAW_HANDLE_ID : KEY_OTHER;
    case 20:
      return bytesEqual(b, s, e, 'wait_duration_cycles') ? KEY_WAIT_DURATION_CYCLES : KEY_OTHER;
  }
  return KEY_OTHER;
}

/** Gave up: the exact parser takes the line. */
const GIVE_UP = -1;

/**
 * Short ASCII strings that recur on every line (kinds, call names, string
 * tids), decoded once: a lookup by length and bytes instead of a new string
 * per line.
 */
class AsciiInterner {
  private readonly byLength = new Map<number, { bytes: Uint8Array; text: string }[]>();
  private size = 0;

  get(b: Uint8Array, s: number, e: number): string {
    const n = e - s;
    const list = this.byLength.get(n);
    if (list) {
      outer: for (const c of list) {
        const x = c.bytes;
        for (let i = 0; i < n; i++) if (x[i] !== b[s + i]) continue outer;
        return c.text;
      }
    }
    const text = Buffer.from(b.buffer, b.byteOffset + s, n).toString('latin1');
    if (n <= 64 && this.size < 4096 && (list?.length ?? 0) < 64) {
      const entry = { bytes: Uint8Array.from(b.subarray(s, e)), text };
      if (list) list.push(entry);
      else this.byLength.set(n, [entry]);
      this.size++;
    }
    return text;
  }
}

export class EventScanner {
  // What the last successful scan found.
  tidKey = '';
  /** The tid when it is a number (for the thread cache), else NaN. */
  tidNumber = NaN;
  idx = 0;
  kind = '';
  payloadShape: 'missing' | 'dict' = 'missing';
  /** payload.name: a string, null (JSON null), or undefined (absent). */
  name: string | null | undefined = undefined;
  readonly entries = new PayloadEntries();
  readonly kindWords = new Uint32Array(4);

  private b: Buffer = Buffer.alloc(0);
  private readonly strings = new AsciiInterner();
  private p = 0;
  private e = 0;
  private depth = 0;
  // Key ranges of the objects being read, per level, to refuse repeated keys.
  private keyStart = new Int32Array(64 * MAX_KEYS_PER_LEVEL);
  private keyEnd = new Int32Array(64 * MAX_KEYS_PER_LEVEL);
  private keyHashes = new Int32Array(64 * MAX_KEYS_PER_LEVEL);
  private keyCount = new Int32Array(64);

  /** Scan the line in bytes [start, end) of buf. True when it could; then the fields above hold the event. */
  scan(buf: Buffer, start: number, end: number): boolean {
    this.b = buf;
    this.p = start;
    this.e = end;
    this.depth = 0;
    this.name = undefined;
    this.payloadShape = 'missing';
    this.entries.clear();
    resetHash();
    const ok = this.event();
    if (!ok) resetHash();
    return ok;
  }

  private ws(): void {
    const b = this.b;
    let p = this.p;
    while (p < this.e) {
      const c = b[p]!;
      if (c !== 0x20 && c !== 0x09) break;
      p++;
    }
    this.p = p;
  }

  private event(): boolean {
    const b = this.b;
    this.ws();
    if (b[this.p] !== LBRACE || this.p >= this.e) return false;
    this.p++;
    if (!this.enter()) return false;
    let seen = 0;
    this.ws();
    if (b[this.p] === RBRACE) return false; // {}: no tid
    for (;;) {
      // Repeats of other top-level keys do not matter (their values are not compared); ours are caught by `seen`.
      const ks = this.memberKey(false);
      if (ks < 0) return false;
      const which = topKey(b, ks, this.keyEnd_);
      if (which !== 0) {
        if (seen & (1 << which)) return false;
        seen |= 1 << which;
      }
      let ok: boolean;
      switch (which) {
        case TOP_TID:
          ok = this.tid();
          break;
        case TOP_IDX:
          ok = this.tidEventIdx();
          break;
        case TOP_KIND:
          ok = this.kindValue();
          break;
        case TOP_PAYLOAD:
          ok = this.payload();
          break;
        default:
          ok = this.value(false);
      }
      if (!ok) return false;
      const more = this.memberEnd(RBRACE);
      if (more < 0) return false;
      if (more === 0) break;
    }
    this.depth--;
    this.ws();
    return this.p === this.e && seen === ((1 << TOP_TID) | (1 << TOP_IDX) | (1 << TOP_KIND) | ((1 << TOP_PAYLOAD) & seen));
  }

  private enter(): boolean {
    if (++this.depth > PYTHON_MAX_NESTING || this.depth >= 64) return false;
    this.keyCount[this.depth] = 0;
    return true;
  }

  /** A key that repeats within its object makes Python keep the last value: leave that to the exact parser. */
  private recordKey(s: number, e: number): boolean {
    const level = this.depth;
    const n = this.keyCount[level]!;
    if (n >= MAX_KEYS_PER_LEVEL) return false;
    const base = level * MAX_KEYS_PER_LEVEL;
    const len = e - s;
    const b = this.b;
    let h = 0x811c9dc5 | 0; // FNV-1a of the key: most comparisons end at this number
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    for (let i = 0; i < n; i++) {
      if (this.keyHashes[base + i] !== h) continue;
      const os = this.keyStart[base + i]!;
      if (this.keyEnd[base + i]! - os !== len) continue;
      let same = true;
      for (let j = 0; j < len; j++) {
        if (b[os + j] !== b[s + j]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    this.keyStart[base + n] = s;
    this.keyEnd[base + n] = e;
    this.keyHashes[base + n] = h;
    this.keyCount[level] = n + 1;
    return true;
  }

  /** End (exclusive) of the key memberKey read last. */
  private keyEnd_ = 0;

  /**
   * `"key" :` of an object member, whitespace around it consumed. Returns the
   * key's first byte (keyEnd_ its end), or -1 to give up. `unique`: refuse a
   * key repeated in its object.
   */
  private memberKey(unique: boolean): number {
    this.ws();
    const ks = this.keyRange();
    if (ks < 0) return GIVE_UP;
    const ke = this.p - 1;
    if (unique && !this.recordKey(ks, ke)) return GIVE_UP;
    this.ws();
    if (this.p >= this.e || this.b[this.p] !== COLON) return GIVE_UP;
    this.p++;
    this.ws();
    this.keyEnd_ = ke;
    return ks;
  }

  /** After a member's value: 1 at a comma (more follow), 0 at `close`, -1 anything else. */
  private memberEnd(close: number): number {
    this.ws();
    if (this.p >= this.e) return -1;
    const c = this.b[this.p++];
    return c === COMMA ? 1 : c === close ? 0 : -1;
  }

  /** A key: plain ASCII without escapes. Returns its first byte (this.p is past the closing quote), or -1. */
  private keyRange(): number {
    const b = this.b;
    if (b[this.p] !== Q) return GIVE_UP;
    const s = this.p + 1;
    let p = s;
    const e = this.e;
    while (p < e) {
      const c = b[p]!;
      if (c === Q) break;
      if (c === BS || c >= 0x80 || c < 0x20) return GIVE_UP;
      p++;
    }
    if (p >= e) return GIVE_UP;
    this.p = p + 1;
    return s;
  }

  /** The closing quote of the string whose opening quote is at p: ASCII without escapes only, else -1. */
  private plainStringEnd(p: number): number {
    const b = this.b;
    const e = this.e;
    p++;
    while (p < e) {
      const c = b[p]!;
      if (c === Q) return p;
      if (c === BS || c >= 0x80 || c < 0x20) return GIVE_UP;
      p++;
    }
    return GIVE_UP;
  }

  /**
   * Any string at p: validates it as Python's scanner would (no raw control
   * characters, only the JSON escapes) and, if `hashing`, feeds its decoded
   * code units. Returns false to give up.
   */
  private string(hashing: boolean): boolean {
    const b = this.b;
    const e = this.e;
    const s = this.p + 1;
    let p = s;
    let escapes = false;
    let ascii = true;
    while (p < e) {
      const c = b[p]!;
      if (c === Q) break;
      if (c < 0x20) return false;
      if (c === BS) {
        escapes = true;
        const x = b[p + 1];
        if (x === 0x75) {
          // \uXXXX
          for (let k = 2; k < 6; k++) {
            const h = b[p + k];
            if (h === undefined || p + k >= e || !((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return false;
          }
          p += 6;
          continue;
        }
        if (x !== Q && x !== BS && x !== 0x2f && x !== 0x62 && x !== 0x66 && x !== 0x6e && x !== 0x72 && x !== 0x74) return false;
        p += 2;
        continue;
      }
      if (c >= 0x80) ascii = false;
      p++;
    }
    if (p >= e) return false;
    this.p = p + 1;
    if (!hashing) return true;
    feed(TAG_STR);
    if (!escapes && ascii) feedAscii(b, s, p);
    else if (!escapes) feedString(b.toString('utf8', s, p));
    else feedString(JSON.parse(b.toString('utf8', s - 1, p + 1)) as string);
    return true;
  }

  /** A number at p, validated by JSON's grammar; hashed exactly as Python reads it. */
  private number(hashing: boolean): boolean {
    const b = this.b;
    const e = this.e;
    const s = this.p;
    let p = s;
    const neg = b[p] === MINUS;
    if (neg) p++;
    const intStart = p;
    let c = b[p];
    if (p >= e || c === undefined) return false;
    if (c === ZERO) p++;
    else if (c > ZERO && c <= NINE) {
      p++;
      while (p < e && (c = b[p]!) >= ZERO && c <= NINE) p++;
    } else return false;
    const intDigits = p - intStart;
    let isFloat = false;
    if (p < e && b[p] === DOT) {
      p++;
      const f = p;
      while (p < e && (c = b[p]!) >= ZERO && c <= NINE) p++;
      if (p === f) return false;
      isFloat = true;
    }
    if (p < e && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      if (p < e && (b[p] === 0x2b || b[p] === MINUS)) p++;
      const x = p;
      while (p < e && (c = b[p]!) >= ZERO && c <= NINE) p++;
      if (p === x) return false;
      isFloat = true;
    }
    this.p = p;
    if (!isFloat && intDigits > PYTHON_INT_MAX_STR_DIGITS) return false;
    if (!hashing) return true;
    if (!isFloat && intDigits <= 15) {
      let v = 0;
      for (let i = intStart; i < p; i++) v = v * 10 + (b[i]! - ZERO);
      feedSafeInt(neg ? -v : v);
      return true;
    }
    const text = b.toString('latin1', s, p);
    if (isFloat) feedDouble(Number(text));
    else if (intDigits === 16 && text.slice(neg ? 1 : 0) <= SAFE_16) feedSafeInt(Number(text));
    else feedNumText(text);
    return true;
  }

  private literal(word: string): boolean {
    const b = this.b;
    const p = this.p;
    if (p + word.length > this.e) return false;
    for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
    this.p = p + word.length;
    return true;
  }

  /** Any value at p; hashed when `hashing`. */
  private value(hashing: boolean): boolean {
    const b = this.b;
    if (this.p >= this.e) return false;
    const c = b[this.p]!;
    switch (c) {
      case Q:
        return this.string(hashing);
      case LBRACE:
        return this.object(hashing);
      case LBRACKET:
        return this.array(hashing);
      case 0x74: // t
        if (!this.literal('true')) return false;
        if (hashing) feedSafeInt(1);
        return true;
      case 0x66: // f
        if (!this.literal('false')) return false;
        if (hashing) feedSafeInt(0);
        return true;
      case 0x6e: // n
        if (!this.literal('null')) return false;
        if (hashing) feed(TAG_NULL);
        return true;
      case 0x4e: // NaN
        return !hashing && this.literal('NaN');
      case 0x49: // Infinity
        return !hashing && this.literal('Infinity');
      case MINUS:
        if (b[this.p + 1] === 0x49) return !hashing && this.literal('-Infinity');
        return this.number(hashing);
    }
    if (c >= ZERO && c <= NINE) return this.number(hashing);
    return false;
  }

  private object(hashing: boolean): boolean {
    const b = this.b;
    this.p++;
    if (!this.enter()) return false;
    if (hashing) dictBegin();
    this.ws();
    if (b[this.p] === RBRACE && this.p < this.e) {
      this.p++;
    } else {
      for (;;) {
        const ks = this.memberKey(true);
        if (ks < 0) return false;
        if (hashing) entryBeginAscii(b, ks, this.keyEnd_);
        if (!this.value(hashing)) return false;
        if (hashing) entryEnd();
        const more = this.memberEnd(RBRACE);
        if (more < 0) return false;
        if (more === 0) break;
      }
    }
    if (hashing) dictEnd();
    this.depth--;
    return true;
  }

  private array(hashing: boolean): boolean {
    const b = this.b;
    this.p++;
    if (!this.enter()) return false;
    if (hashing) listBegin();
    let items = 0;
    this.ws();
    if (b[this.p] === RBRACKET && this.p < this.e) {
      this.p++;
    } else {
      for (;;) {
        this.ws();
        if (!this.value(hashing)) return false;
        items++;
        const more = this.memberEnd(RBRACKET);
        if (more < 0) return false;
        if (more === 0) break;
      }
    }
    if (hashing) listEnd(items);
    this.depth--;
    return true;
  }

  /** tid: a plain integer or an ASCII string; anything else goes to the exact parser. */
  private tid(): boolean {
    const b = this.b;
    const c = b[this.p];
    if (c === Q) {
      const end = this.plainStringEnd(this.p);
      if (end < 0) return false;
      this.tidKey = 's' + this.strings.get(b, this.p + 1, end);
      this.tidNumber = NaN;
      this.p = end + 1;
      return true;
    }
    const v = this.plainInt();
    if (v === null) return false;
    this.tidKey = 'n' + v;
    this.tidNumber = v;
    return true;
  }

  /** An integer of at most 15 digits (always exact), or null (p unchanged). */
  private plainInt(): number | null {
    const b = this.b;
    let p = this.p;
    const neg = b[p] === MINUS;
    if (neg) p++;
    const s = p;
    let v = 0;
    let c: number;
    while (p < this.e && (c = b[p]!) >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      p++;
    }
    const digits = p - s;
    if (digits === 0 || digits > 15 || (digits > 1 && b[s] === ZERO)) return null;
    const next = b[p];
    if (p < this.e && (next === DOT || next === 0x65 || next === 0x45)) return null;
    this.p = p;
    return neg ? -v || 0 : v;
  }

  private tidEventIdx(): boolean {
    const v = this.plainInt();
    if (v === null) return false;
    this.idx = v;
    return true;
  }

  private kindValue(): boolean {
    const end = this.plainStringEnd(this.p);
    if (end < 0 || this.b[this.p] !== Q) return false;
    const s = this.p + 1;
    this.kind = this.strings.get(this.b, s, end);
    this.p = end + 1;
    // A log has a handful of kinds: each one's hash is computed once (under the secret in use).
    let words = this.kindHashes.get(this.kind);
    if (!words || this.kindSecret !== currentSecretEpoch()) {
      if (this.kindSecret !== currentSecretEpoch()) this.kindHashes.clear();
      this.kindSecret = currentSecretEpoch();
      beginValueHash();
      feed(TAG_STR);
      feedAscii(this.b, s, end);
      words = new Uint32Array(4);
      endHash(words, 0);
      if (this.kindHashes.size < 256) this.kindHashes.set(this.kind, words);
    }
    this.kindWords.set(words);
    return true;
  }

  private readonly kindHashes = new Map<string, Uint32Array>();
  private kindSecret = -1;

  /** The payload object: each top-level entry hashed on its own, for the event rules to combine. */
  private payload(): boolean {
    const b = this.b;
    if (b[this.p] !== LBRACE) return false; // a payload that is not an object: the exact path flags it
    this.p++;
    if (!this.enter()) return false;
    this.payloadShape = 'dict';
    const entries = this.entries;
    this.ws();
    if (b[this.p] === RBRACE && this.p < this.e) {
      this.p++;
    } else {
      for (;;) {
        const ks = this.memberKey(true);
        if (ks < 0) return false;
        const ke = this.keyEnd_;
        const special = payloadKey(b, ks, ke);
        const vs = this.p;
        entryBeginAscii(b, ks, ke);
        if (!this.value(true)) return false;
        const isNull = b[vs] === 0x6e;
        if (special === KEY_NAME) {
          if (isNull) this.name = null;
          else if (b[vs] === Q) {
            const end = this.plainStringEnd(vs);
            if (end < 0) return false;
            this.name = this.strings.get(b, vs + 1, end);
          } else return false;
        }
        entries.push(special, isNull);
        const more = this.memberEnd(RBRACE);
        if (more < 0) return false;
        if (more === 0) break;
      }
    }
    this.depth--;
    return true;
  }
}
