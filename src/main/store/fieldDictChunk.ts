// How the index keeps a log's entry dictionary (store/fieldBlocks.ts): in
// chunks as the ingest fills it, each packed. An entry is its key's id with
// what its value is (a leaf, null, or an object), in one varint, then its
// value's 128-bit hash; an object's child reference is not stored: the
// objects' children follow one another in the order of their entries, so it
// is where the previous object's children end. Children are their count,
// then each id as the zigzag of its difference from the id before it.
// About 17 bytes an entry, where six u32 words took 24.
import { IndexDamagedError } from './db';
import { ByteReader, MAX_VARINT, putVarint, unzigzag, zigzag } from './varint';

/** Words per dictionary entry (decoded): key id, value hash (4), child reference. */
export const ENTRY_WORDS = 6;
/** A child reference: 0 a value that is not an object, 1 null, n >= 2 an object whose entries are at children[n - 2]. */
export const REF_LEAF = 0;
export const REF_NULL = 1;
export const REF_DICT = 2;

/** A slice of a log's entry dictionary, written as it fills: its first entry's id and first child word, and its packed bytes. */
export interface FieldDictChunk {
  chunkNo: number;
  entryStart: number;
  childStart: number;
  entries: Uint8Array;
  children: Uint8Array;
}

let scratch = new Uint8Array(0);

/** Pack `entryCount` entries (ENTRY_WORDS words each) and `childCount` child words, starting at entry `entryStart` and child word `childStart`. */
export function packDictChunk(
  chunkNo: number,
  entryStart: number,
  childStart: number,
  entryWords: Uint32Array,
  entryCount: number,
  childWords: Uint32Array,
  childCount: number,
): FieldDictChunk {
  // Packed into scratch, then copied out at their size: one allocation a chunk (a chunk is 16,384 entries).
  if (scratch.length < 4 + entryCount * (MAX_VARINT + 16) || scratch.length < 4 + childCount * MAX_VARINT) {
    scratch = new Uint8Array(Math.max(4 + entryCount * (MAX_VARINT + 16), 4 + childCount * MAX_VARINT));
  }
  const entries = scratch;
  new DataView(entries.buffer).setUint32(0, entryCount, true);
  let at = 4;
  let next = childStart;
  for (let i = 0; i < entryCount; i++) {
    const p = ENTRY_WORDS * i;
    const ref = entryWords[p + 5]!;
    const kind = ref >= REF_DICT ? 2 : ref;
    if (ref >= REF_DICT) {
      // The reconstruction below relies on it: objects' children in entry order, one after another.
      if (ref - REF_DICT !== next) throw new Error('a dictionary chunk whose children are not in entry order');
      next += 1 + childWords[next - childStart]!;
    }
    at = putVarint(entries, at, 3 * entryWords[p]! + kind);
    for (let w = 1; w <= 4; w++) {
      const x = entryWords[p + w]!;
      entries[at++] = x;
      entries[at++] = x >>> 8;
      entries[at++] = x >>> 16;
      entries[at++] = x >>> 24;
    }
  }
  const packedEntries = entries.slice(0, at);
  const children = scratch;
  new DataView(children.buffer).setUint32(0, childCount, true);
  let c = 4;
  let prev = 0;
  for (let i = 0; i < childCount;) {
    const n = childWords[i++]!;
    c = putVarint(children, c, n);
    for (let j = 0; j < n; j++) {
      const id = childWords[i++]!;
      c = putVarint(children, c, zigzag(id - prev));
      prev = id;
    }
  }
  return { chunkNo, entryStart, childStart, entries: packedEntries, children: children.slice(0, c) };
}

/** The entries and child words a packed chunk holds (from its headers). */
export function dictChunkSize(entries: Uint8Array, children: Uint8Array): { entries: number; children: number } {
  if (entries.byteLength < 4 || children.byteLength < 4) throw new IndexDamagedError('a field dictionary chunk too short');
  const word = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  const size = { entries: word(entries), children: word(children) };
  // An entry takes 17 bytes at least, a child word one: damaged counts cannot ask for more.
  if (17 * size.entries > entries.byteLength - 4 || size.children > children.byteLength - 4)
    throw new IndexDamagedError('a field dictionary chunk of the wrong length');
  return size;
}

/** Unpack a chunk into the log's dictionary: its entries from entry `entryStart`, its child words from `childStart`. */
export function unpackDictChunk(
  entries: Uint8Array,
  children: Uint8Array,
  entryStart: number,
  childStart: number,
  outEntries: Uint32Array,
  outChildren: Uint32Array,
): void {
  const size = dictChunkSize(entries, children);
  const childEnd = childStart + size.children;
  const rc = new ByteReader(children, 4);
  let prev = 0;
  for (let i = childStart; i < childEnd;) {
    const n = rc.varint();
    if (i + 1 + n > childEnd) throw new IndexDamagedError('a field dictionary chunk whose children run past their end');
    outChildren[i++] = n;
    for (let j = 0; j < n; j++) outChildren[i++] = prev += unzigzag(rc.varint());
  }
  if (rc.at !== children.byteLength) throw new IndexDamagedError('a field dictionary chunk of the wrong length');
  const re = new ByteReader(entries, 4);
  let next = childStart;
  for (let i = 0; i < size.entries; i++) {
    const p = ENTRY_WORDS * (entryStart + i);
    const v = re.varint();
    const kind = v % 3;
    outEntries[p] = (v - kind) / 3;
    const h = re.skip(16);
    for (let w = 0; w < 4; w++) {
      const q = h + 4 * w;
      outEntries[p + 1 + w] = (entries[q]! | (entries[q + 1]! << 8) | (entries[q + 2]! << 16) | (entries[q + 3]! << 24)) >>> 0;
    }
    if (kind === 2) {
      if (next >= childEnd) throw new IndexDamagedError('a field dictionary chunk with more objects than children');
      outEntries[p + 5] = REF_DICT + next;
      next += 1 + outChildren[next]!;
    } else outEntries[p + 5] = kind;
  }
  if (re.at !== entries.byteLength || next !== childEnd) throw new IndexDamagedError('a field dictionary chunk of the wrong length');
}
