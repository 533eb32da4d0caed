// What one column says about one term, event by event of its segment: a
// level per event, SURE (the index alone decides: it matches), MAYBE (the
// event must be read to decide) or NONE. Levels of several columns (or list
// items) of one event combine by max; of several terms by min.
import { charsetAdmits, ENC_DICT16, ENC_DICT8, ENC_HASH, ENC_INT, intFormatter, matchKeyHash, type Column } from './columns';
import type { CompiledTerm } from './compiledQuery';
import { TOKEN_STRING } from './lineLeaves';
import { decodeStringToken, keyHash16, tokenMatchKey } from './valueKeys';

export const NONE = 0;
export const MAYBE = 1;
export const SURE = 2;

/** What the equality of an entry is decided on, for a term: its match key, or (a string asked for) its decoded string. */
function entryKey(c: Column, id: number, asString: boolean): string | null {
  const t = c.entry(id);
  const token = t.charCodeAt(0) - 48;
  if (asString) return token === TOKEN_STRING ? decodeStringToken(t.slice(1)) : null;
  return tokenMatchKey(token, t.slice(1));
}

/**
 * The dictionary entries whose raw token holds a (lower-case) fragment: one
 * indexOf pass over the lower-cased dictionary text, each hit mapped to its
 * entry (a fragment holds no NUL, so no hit straddles two entries; each entry
 * starts with its token digit, never part of a raw token).
 */
function entriesHolding(c: Column, fragment: string): number[] {
  const text = (c.lazy.dictLower ??= c.dictText.toLowerCase());
  let starts = c.lazy.entryStarts;
  if (!starts) {
    const s: number[] = [0];
    for (let at = text.indexOf('\u0000'); at >= 0; at = text.indexOf('\u0000', at + 1)) s.push(at + 1);
    c.lazy.entryStarts = starts = Int32Array.from(s);
  }
  const out: number[] = [];
  for (let at = text.indexOf(fragment); at >= 0;) {
    // the entry holding `at`: the last start at or before it
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    if (at > starts[lo]!) out.push(lo); // not the token digit itself
    const next = lo + 1 < starts.length ? starts[lo + 1]! : text.length;
    at = text.indexOf(fragment, Math.max(at + 1, out.at(-1) === lo ? next : at + 1));
  }
  return out;
}

/** Raise `map` at each leaf's event to the level `table` gives the leaf's entry (max). */
function raiseByEntry(c: Column, table: Uint8Array, map: Uint8Array): void {
  const ids = c.ids;
  const pos = c.positions;
  const n = c.count;
  if (pos === null) {
    for (let k = 0; k < n; k++) {
      const l = table[ids[k]!]!;
      if (l > map[k]!) map[k] = l;
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const l = table[ids[k]!]!;
    if (l !== NONE && l > map[pos[k]!]!) map[pos[k]!] = l;
  }
}

/** Raise `map` at each leaf's event to `ifEqual` where the leaf's word(s) equal the target, else `ifNot`. */
function raiseByEquality(
  c: Column,
  values: Float64Array | Uint32Array,
  words: 1 | 2,
  t0: number,
  t1: number,
  ifEqual: number,
  ifNot: number,
  map: Uint8Array,
): void {
  const pos = c.positions;
  const n = c.count;
  for (let k = 0; k < n; k++) {
    const equal = words === 1 ? values[k] === t0 : values[2 * k] === t0 && values[2 * k + 1] === t1;
    const l = equal ? ifEqual : ifNot;
    if (l === NONE) continue;
    const at = pos === null ? k : pos[k]!;
    if (l > map[at]!) map[at] = l;
  }
}

/** Every event with a leaf in the column, at `level`. */
function raiseAll(c: Column, level: number, map: Uint8Array): void {
  const pos = c.positions;
  for (let k = 0; k < c.count; k++) {
    const at = pos === null ? k : pos[k]!;
    if (level > map[at]!) map[at] = level;
  }
}

const hashScratch = new Uint32Array(2);

/** An integer's offset from an integer column's base, when a leaf can be that far from it (else null). */
function offsetFrom(base: string, digits: string): number | null {
  const off = BigInt(digits) - BigInt(base);
  return off >= -(2n ** 51n) && off <= 2n ** 51n ? Number(off) : null;
}

/** A field term (=, !=) on one of its column's segments. */
export function fieldLevels(c: Column, t: Extract<CompiledTerm, { type: 'field' }>, map: Uint8Array): void {
  // A list index ([3]) is looked for among all the items ([*]): the event is read to know which.
  const sure = t.specificIndex ? MAYBE : SURE;
  // What a leaf that surely equals the value gives, and one that surely differs; != is the complement.
  const ifEqual = t.op === '=' ? sure : NONE;
  const ifNot = t.op === '=' ? NONE : sure;
  switch (c.encoding) {
    case ENC_DICT8:
    case ENC_DICT16: {
      // The entries whose key hash is the value's, told exactly by their key (a string asked for: by the
      // string itself, which has the same key: valueKeys.ts queryMatchKey).
      const asString = t.value.type === 'string';
      const want = t.value.type === 'string' ? t.value.value : t.matchKey;
      const hashes = c.keyHashes;
      const wantHash = keyHash16(t.matchKey);
      const table = new Uint8Array(hashes.length);
      for (let id = 0; id < hashes.length; id++) table[id] = hashes[id] === wantHash && entryKey(c, id, asString) === want ? ifEqual : ifNot;
      return raiseByEntry(c, table, map);
    }
    case ENC_INT: {
      const target = t.intDigits === null ? null : offsetFrom(c.base, t.intDigits);
      if (target === null) return ifNot === NONE ? undefined : raiseAll(c, ifNot, map);
      return raiseByEquality(c, c.offsets, 1, target, 0, ifEqual, ifNot, map);
    }
    case ENC_HASH: {
      matchKeyHash(t.matchKey, hashScratch, 0);
      // A hash names its match key; a quoted "0x10" shares its key with 16 and is read to be told apart.
      const equal = t.exactKey ? ifEqual : MAYBE;
      return raiseByEquality(c, c.hashes, 2, hashScratch[0]!, hashScratch[1]!, equal, ifNot, map);
    }
  }
  throw new RangeError(`unknown column encoding ${c.encoding}`);
}

/**
 * A fragment of a text (lower-cased, inside one token: fragments.ts) in one
 * column: SURE where a leaf's raw token or a key on its path holds it, MAYBE
 * where a hashed column's characters could spell it.
 */
export function fragmentLevels(c: Column, fragment: string, map: Uint8Array): void {
  const keys = (c.lazy.keysLower ??= c.keys.map((k) => k.toLowerCase()));
  if (keys.some((k) => k.includes(fragment))) return raiseAll(c, SURE, map);
  switch (c.encoding) {
    case ENC_DICT8:
    case ENC_DICT16: {
      const hits = entriesHolding(c, fragment);
      if (hits.length === 0) return; // the column's leaves are not even read
      const table = new Uint8Array(c.entryCount);
      for (const id of hits) table[id] = SURE;
      return raiseByEntry(c, table, map);
    }
    case ENC_INT: {
      if (!/^[-0-9]+$/.test(fragment)) return;
      const offsets = c.offsets;
      const text = intFormatter(c.base);
      const pos = c.positions;
      for (let k = 0; k < c.count; k++) if (text(offsets[k]!).includes(fragment)) map[pos === null ? k : pos[k]!] = SURE;
      return;
    }
    case ENC_HASH:
      if (charsetAdmits(c.charset, fragment)) raiseAll(c, MAYBE, map);
      return;
  }
}

/**
 * A regex whose every match lies inside one token (regexWithinToken.ts), in
 * one column: SURE where a key on its path or a leaf's raw token matches it,
 * MAYBE where a hashed leaf could (its raw text is not kept), else NONE.
 * `fragments`: lower-case texts every match holds, to try the regex on the
 * tokens holding them only.
 */
export function regexLevels(c: Column, re: RegExp, fragments: string[], map: Uint8Array): void {
  if (c.keys.some((k) => re.test(k))) return raiseAll(c, SURE, map);
  const holds = (raw: string): boolean => {
    if (fragments.length === 0) return true;
    const lower = raw.toLowerCase();
    return fragments.every((f) => lower.includes(f));
  };
  switch (c.encoding) {
    case ENC_DICT8:
    case ENC_DICT16: {
      const n = c.entryCount;
      const candidates = fragments.length === 0 ? Array.from({ length: n }, (_, id) => id) : entriesHolding(c, fragments[0]!);
      let any = false;
      const table = new Uint8Array(n);
      for (const id of candidates) {
        const raw = c.entry(id).slice(1);
        if (holds(raw) && re.test(raw)) {
          table[id] = SURE;
          any = true;
        }
      }
      if (any) raiseByEntry(c, table, map);
      return;
    }
    case ENC_INT: {
      if (!fragments.every((f) => /^[-0-9]+$/.test(f))) return;
      const offsets = c.offsets;
      const text = intFormatter(c.base);
      const pos = c.positions;
      for (let k = 0; k < c.count; k++) {
        const raw = text(offsets[k]!);
        if (holds(raw) && re.test(raw)) map[pos === null ? k : pos[k]!] = SURE;
      }
      return;
    }
    case ENC_HASH:
      if (fragments.every((f) => charsetAdmits(c.charset, f))) raiseAll(c, MAYBE, map);
      return;
  }
}
