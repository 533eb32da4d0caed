// What the index keeps of each event's fields, so that its key under any rule
// set can be derived without reading the log again (diff/deriveKeys.ts):
//
// - per log, a dictionary of entries (a payload key with its value), each
//   kept once however often it recurs (hash-consed): its key's id, its
//   value's 128-bit keyed hash, and for an object value the ids of its own
//   entries in key order, so that a rule on a nested path can re-hash it;
// - per block of events (the same blocks as eventBlock.ts), each event's
//   kind (an id in the log's kinds), the shape of its payload and the ids of
//   its top-level payload entries in key order.
//
// Kept beside the event blocks (tables field_blocks, field_dict, field_names)
// rather than inside them: the default comparison never reads them.
import { crc32 } from 'node:zlib';
import { IndexDamagedError, type Db } from './db';
import { dictChunkSize, ENTRY_WORDS, unpackDictChunk } from './fieldDictChunk';
import { ByteReader, MAX_VARINT, putVarint, unzigzag, zigzag } from './varint';

export { ENTRY_WORDS, REF_DICT, REF_NULL, type FieldDictChunk } from './fieldDictChunk';

/** The payload of an event: absent, an object, or any other value (compared exactly). */
export const SHAPE_MISSING = 0;
export const SHAPE_DICT = 1;
export const SHAPE_OTHER = 2;

// Format 2: each event a record of varints relative to the event before it in
// the block (format 1 took a u32 word for every number):
//   kind id, shape + 4 × entry count, then each entry id as the zigzag of its
//   difference from the id before it (ids recorded together are close).
const FORMAT = 2;
/** format u32, count u32, CRC-32 of the bytes after the header u32, decoded words u32. */
const HEADER = 16;
/** Kind ids and entry counts past these take a word of their own (in the decoded words). */
const KIND_ESCAPE = 0xfffff;
const COUNT_ESCAPE = 0x3ff;

/** What a field record is relative to: the last entry id of the block so far (reset at a block's start). */
export class FieldBase {
  id = 0;

  reset(): void {
    this.id = 0;
  }
}

/** Bytes an event's field record of `count` entries takes at most. */
export function maxFieldRecord(count: number): number {
  return 2 * MAX_VARINT + count * MAX_VARINT;
}

/** Write an event's field record at `at` (room for maxFieldRecord(count)); the position after it. */
export function putFieldRecord(out: Uint8Array, at: number, base: FieldBase, kindId: number, shape: number, ids: ArrayLike<number>, count: number): number {
  at = putVarint(out, at, kindId);
  at = putVarint(out, at, shape + 4 * count);
  let prev = base.id;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    at = putVarint(out, at, zigzag(id - prev));
    prev = id;
  }
  base.id = prev;
  return at;
}

/** One block's events' fields being packed: their records, as a thread's pending events hold them (store/eventArena.ts). */
export class FieldBlockBuilder {
  private body = new Uint8Array(16384);
  private bodyLength = 0;
  private count = 0;

  /** Where `bytes` of records go: fill the returned array's first `bytes` bytes, then call loaded(). */
  room(bytes: number): Uint8Array {
    if (bytes > this.body.length) this.body = new Uint8Array(Math.max(bytes, 2 * this.body.length));
    this.bodyLength = bytes;
    return this.body;
  }

  /** The records put in room() are those of `count` events. */
  loaded(count: number): void {
    this.count = count;
  }

  blobSize(): number {
    return HEADER + this.bodyLength;
  }

  /** Pack the events' fields and start over. */
  take(into?: Buffer): Buffer {
    const size = this.blobSize();
    const out = into ? into.subarray(0, size) : Buffer.alloc(size);
    const body = this.body.subarray(0, this.bodyLength);
    out.writeUInt32LE(FORMAT, 0);
    out.writeUInt32LE(this.count, 4);
    out.writeUInt32LE(decodedWords(body, 0, this.bodyLength, this.count, null), 12);
    out.set(body, HEADER);
    out.writeUInt32LE(crc32(out.subarray(HEADER)), 8);
    this.bodyLength = 0;
    this.count = 0;
    return out;
  }
}

/**
 * Decode `count` field records of bytes[start, end) into `words` (when given)
 * as FieldCursor reads them; the words they take. Throws when the records do
 * not fill the bytes exactly.
 */
function decodedWords(bytes: Uint8Array, start: number, end: number, count: number, words: Uint32Array | null): number {
  const r = new ByteReader(bytes, start, end);
  let p = 0;
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const kind = r.varint();
    const sc = r.varint();
    const shape = sc % 4;
    const n = Math.floor(sc / 4);
    if (words) words[p] = Math.min(kind, KIND_ESCAPE) | (shape << 20) | (Math.min(n, COUNT_ESCAPE) << 22);
    p++;
    if (kind >= KIND_ESCAPE) {
      if (words) words[p] = kind;
      p++;
    }
    if (n >= COUNT_ESCAPE) {
      if (words) words[p] = n;
      p++;
    }
    for (let j = 0; j < n; j++) {
      prev += unzigzag(r.varint());
      if (words) words[p] = prev;
      p++;
    }
  }
  if (r.at !== end) throw new IndexDamagedError('a field block of the wrong length');
  return p;
}

/** A decoded field block: read it event by event with FieldCursor. */
export interface FieldBlock {
  count: number;
  words: Uint32Array;
}

function decodeFieldBlock(blob: Uint8Array): FieldBlock {
  if (blob.byteLength < HEADER) throw new IndexDamagedError('a field block too short');
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (dv.getUint32(0, true) !== FORMAT) throw new IndexDamagedError('a field block in an unknown format');
  if (crc32(blob.subarray(HEADER)) !== dv.getUint32(8, true)) throw new IndexDamagedError('a field block whose checksum does not match');
  const count = dv.getUint32(4, true);
  const n = dv.getUint32(12, true);
  // Each record takes at least two bytes and one word per id byte at most: a damaged count cannot ask for more.
  if (n > 3 * count + blob.byteLength) throw new IndexDamagedError('a field block of the wrong length');
  const words = new Uint32Array(n);
  if (decodedWords(blob, HEADER, blob.byteLength, count, words) !== n) throw new IndexDamagedError('a field block of the wrong length');
  return { count, words };
}

/** Walks a field block's events in order. */
export class FieldCursor {
  private p = 0;
  kindId = 0;
  shape = 0;
  count = 0;
  /** The event's entry ids are words[idsAt .. idsAt + count). */
  idsAt = 0;

  constructor(readonly block: FieldBlock) {}

  next(): void {
    const w = this.block.words;
    let p = this.p;
    const head = w[p++]!;
    let kind = head & 0xfffff;
    let count = head >>> 22;
    if (kind === KIND_ESCAPE) kind = w[p++]!;
    if (count === COUNT_ESCAPE) count = w[p++]!;
    this.kindId = kind;
    this.shape = (head >>> 20) & 3;
    this.count = count;
    this.idsAt = p;
    this.p = p + count;
  }
}

/** A log's whole entry dictionary and names, read back for a derivation. */
export interface FieldDictionary {
  entries: Uint32Array;
  children: Uint32Array;
  /** Key strings by id. */
  keys: string[];
  /** Kinds by id, as exact JSON (a kind need not be a string). */
  kinds: string[];
}

/** `shared`: in shared memory, for a worker that reads it and hands it over while it still uses it (diff/fieldsWorker.ts). */
export function readFieldDictionary(db: Db, logId: number, shared = false): FieldDictionary {
  const names = db.prepare('SELECT keys, kinds FROM field_names WHERE log_id = ?').get(logId) as { keys: string; kinds: string } | undefined;
  if (!names) throw new IndexDamagedError(`the index has no field names of log ${logId}`);
  const rows = db.prepare('SELECT entry_start, child_start, entries, children FROM field_dict WHERE log_id = ? ORDER BY chunk_no').all(logId) as {
    entry_start: number;
    child_start: number;
    entries: Buffer;
    children: Buffer;
  }[];
  let e = 0;
  let c = 0;
  for (const r of rows) {
    const size = dictChunkSize(r.entries, r.children);
    if (r.entry_start !== e || r.child_start !== c) throw new IndexDamagedError(`the field dictionary of log ${logId} is not whole`);
    e += size.entries;
    c += size.children;
  }
  const words = (n: number): Uint32Array => (shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n));
  const entries = words(ENTRY_WORDS * e);
  const children = words(c);
  for (const r of rows) unpackDictChunk(r.entries, r.children, r.entry_start, r.child_start, entries, children);
  return { entries, children, keys: JSON.parse(names.keys) as string[], kinds: JSON.parse(names.kinds) as string[] };
}

/** A thread's field blocks in order, read in one query. */
export function readFieldBlocks(db: Db, logId: number, threadNo: number): FieldBlock[] {
  const rows = db.prepare('SELECT block_no, data FROM field_blocks WHERE log_id = ? AND thread_no = ? ORDER BY block_no').all(logId, threadNo) as {
    block_no: number;
    data: Buffer;
  }[];
  rows.forEach((r, i) => {
    if (r.block_no !== i) throw new IndexDamagedError(`the index lacks field block ${i} of thread ${threadNo} in log ${logId}`);
  });
  return rows.map((r) => decodeFieldBlock(r.data));
}

/** The kinds a log holds, as exact JSON (without reading its dictionary). */
export function readFieldKinds(db: Db, logId: number): string[] {
  const r = db.prepare('SELECT kinds FROM field_names WHERE log_id = ?').get(logId) as { kinds: string } | undefined;
  return r ? (JSON.parse(r.kinds) as string[]) : [];
}
