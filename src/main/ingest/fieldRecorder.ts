// Records what the index keeps of each event's fields (store/fieldBlocks.ts)
// as the ingest hashes them: every payload entry, at any depth, once per
// distinct key and value (a small cache of recent entries finds repeats:
// names, statuses and small numbers recur on every other line), and each
// event's kind and top-level entries. Memory stays bounded: the dictionary
// goes to the index a chunk at a time, the cache has a fixed size.
import { jsonDumpsExact } from '../py/format';
import type { PyValue } from '../py/value';
import { ENTRY_WORDS, packDictChunk, REF_DICT, REF_LEAF, REF_NULL, type FieldDictChunk } from '../store/fieldDictChunk';
import { nullValueHash, type EntryRecorder } from './valueHash';

/** Entries per dictionary chunk written to the index. */
const CHUNK_ENTRIES = 16384;
/** Slots of the cache of recent entries (direct-mapped by the entry's hash). */
const CACHE_SLOTS = 1 << 16;

/** ASCII key bytes → key id, without decoding the key again for every line. */
class ByteKeys {
  private readonly byHash = new Map<number, { bytes: Uint8Array; id: number }[]>();

  find(buf: Uint8Array, s: number, e: number, h: number): number {
    const list = this.byHash.get(h);
    if (!list) return -1;
    outer: for (const c of list) {
      const b = c.bytes;
      if (b.length !== e - s) continue;
      for (let i = 0; i < b.length; i++) if (b[i] !== buf[s + i]) continue outer;
      return c.id;
    }
    return -1;
  }

  add(buf: Uint8Array, s: number, e: number, h: number, id: number): void {
    const entry = { bytes: Uint8Array.from(buf.subarray(s, e)), id };
    const list = this.byHash.get(h);
    if (list) list.push(entry);
    else this.byHash.set(h, [entry]);
  }
}

export class FieldRecorder implements EntryRecorder {
  readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly byteKeys = new ByteKeys();
  readonly kinds: string[] = [];
  private readonly kindIds = new Map<string, number>();
  private readonly kindByText = new Map<string, number>();

  private entries: Uint32Array<ArrayBuffer> = new Uint32Array(ENTRY_WORDS * 1024);
  private entryCount = 0;
  private entryStart = 0;
  private children: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private childCount = 0;
  private childStart = 0;
  private chunkNo = 0;

  private readonly cache = new Uint32Array(5 * CACHE_SLOTS);
  private readonly nullWords = new Uint32Array(4);

  /** Entries written so far (for the benchmark). */
  get size(): number {
    return this.entryStart + this.entryCount;
  }

  constructor(private readonly onChunk: (chunk: FieldDictChunk) => void) {
    nullValueHash(this.nullWords);
    this.cache.fill(0xffffffff);
  }

  private keyId(key: string | null, buf: Uint8Array | null, s: number, e: number): number {
    if (key === null) {
      let h = 0x811c9dc5 | 0;
      for (let i = s; i < e; i++) h = Math.imul(h ^ buf![i]!, 0x01000193);
      let id = this.byteKeys.find(buf!, s, e, h);
      if (id < 0) {
        id = this.stringKeyId(Buffer.from(buf!.buffer, buf!.byteOffset + s, e - s).toString('latin1'));
        this.byteKeys.add(buf!, s, e, h, id);
      }
      return id;
    }
    return this.stringKeyId(key);
  }

  private stringKeyId(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.keyIds.set(key, id);
    }
    return id;
  }

  entry(
    key: string | null,
    buf: Uint8Array | null,
    s: number,
    e: number,
    value: Uint32Array,
    entryWords: Uint32Array,
    at: number,
    kids: Int32Array | null,
    kidCount: number,
  ): number {
    const e0 = entryWords[at]!;
    const e1 = entryWords[at + 1]!;
    const e2 = entryWords[at + 2]!;
    const e3 = entryWords[at + 3]!;
    const c = this.cache;
    const slot = 5 * ((e0 ^ (e1 >>> 7)) & (CACHE_SLOTS - 1));
    // Same entry hash: the same key and value (a 128-bit keyed hash), so the same record.
    if (c[slot] === e0 && c[slot + 1] === e1 && c[slot + 2] === e2 && c[slot + 3] === e3 && c[slot + 4] !== 0xffffffff) return c[slot + 4]!;
    const id = this.entryStart + this.entryCount;
    let ref = REF_LEAF;
    if (kids !== null) {
      if (this.childCount + kidCount + 1 > this.children.length) this.children = grow(this.children, this.childCount + kidCount + 1);
      ref = REF_DICT + this.childStart + this.childCount;
      this.children[this.childCount++] = kidCount;
      for (let i = 0; i < kidCount; i++) this.children[this.childCount++] = kids[i]!;
    } else if (value[0] === this.nullWords[0] && value[1] === this.nullWords[1] && value[2] === this.nullWords[2] && value[3] === this.nullWords[3]) {
      ref = REF_NULL;
    }
    if (ENTRY_WORDS * (this.entryCount + 1) > this.entries.length) this.entries = grow(this.entries, ENTRY_WORDS * (this.entryCount + 1));
    const w = this.entries;
    const p = ENTRY_WORDS * this.entryCount++;
    w[p] = this.keyId(key, buf, s, e);
    w[p + 1] = value[0]!;
    w[p + 2] = value[1]!;
    w[p + 3] = value[2]!;
    w[p + 4] = value[3]!;
    w[p + 5] = ref;
    c[slot] = e0;
    c[slot + 1] = e1;
    c[slot + 2] = e2;
    c[slot + 3] = e3;
    c[slot + 4] = id;
    if (this.entryCount >= CHUNK_ENTRIES) this.flush();
    return id;
  }

  /** The id of a kind given as a string (the fast scanner's), whose hash is `words`. */
  kindOfString(kind: string, words: Uint32Array): number {
    const id = this.kindByText.get(kind);
    if (id !== undefined) return id;
    const got = this.kindOfWords(words, () => jsonDumpsExact(kind));
    this.kindByText.set(kind, got);
    return got;
  }

  /** The id of any kind value (the exact parser's; undefined: the event has none), whose hash is `words`. */
  kindOf(kind: PyValue | undefined, words: Uint32Array): number {
    return this.kindOfWords(words, () => (kind === undefined ? 'null' : jsonDumpsExact(kind)));
  }

  private kindOfWords(words: Uint32Array, text: () => string): number {
    const k = `${words[0]},${words[1]},${words[2]},${words[3]}`;
    let id = this.kindIds.get(k);
    if (id === undefined) {
      id = this.kinds.length;
      this.kinds.push(text());
      this.kindIds.set(k, id);
    }
    return id;
  }

  /** Send what the dictionary holds since the last chunk. */
  flush(): void {
    if (this.entryCount === 0 && this.childCount === 0) return;
    this.onChunk(packDictChunk(this.chunkNo++, this.entryStart, this.childStart, this.entries, this.entryCount, this.children, this.childCount));
    this.entryStart += this.entryCount;
    this.childStart += this.childCount;
    this.entryCount = 0;
    this.childCount = 0;
  }
}

function grow(a: Uint32Array, need: number): Uint32Array<ArrayBuffer> {
  const out = new Uint32Array(Math.max(need, 2 * a.length));
  out.set(a);
  return out;
}
