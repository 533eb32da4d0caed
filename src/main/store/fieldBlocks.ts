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

/** The payload of an event: absent, an object, or any other value (compared exactly). */
export const SHAPE_MISSING = 0;
export const SHAPE_DICT = 1;
export const SHAPE_OTHER = 2;

const FORMAT = 1;
const HEADER = 16;
/** Kind ids and entry counts past these take a word of their own. */
const KIND_ESCAPE = 0xfffff;
const COUNT_ESCAPE = 0x3ff;

/** Words per dictionary entry: key id, value hash (4), child reference. */
export const ENTRY_WORDS = 6;
/** A child reference: 0 a value that is not an object, 1 null, n >= 2 an object whose entries are at children[n - 2]. */
export const REF_LEAF = 0;
export const REF_NULL = 1;
export const REF_DICT = 2;

/** One thread's events' fields, in event order, packed into u32 words. */
export class FieldBlockBuilder {
  private words: Uint32Array;
  private n = 0;
  count = 0;

  constructor(initial = 64) {
    this.words = new Uint32Array(initial);
  }

  private room(k: number): void {
    if (this.n + k <= this.words.length) return;
    const w = new Uint32Array(Math.max(this.words.length * 2, this.n + k));
    w.set(this.words.subarray(0, this.n));
    this.words = w;
  }

  /** An event: its kind's id, its payload's shape, and its top-level entries' ids in key order. */
  add(kindId: number, shape: number, ids: ArrayLike<number>, count: number): void {
    this.room(count + 3);
    const w = this.words;
    let p = this.n;
    w[p++] = Math.min(kindId, KIND_ESCAPE) | (shape << 20) | (Math.min(count, COUNT_ESCAPE) << 22);
    if (kindId >= KIND_ESCAPE) w[p++] = kindId;
    if (count >= COUNT_ESCAPE) w[p++] = count;
    for (let i = 0; i < count; i++) w[p++] = ids[i]!;
    this.n = p;
    this.count++;
  }

  blobSize(): number {
    return HEADER + 4 * this.n;
  }

  /** Pack the events so far and start over. */
  take(into?: Buffer): Buffer {
    const size = this.blobSize();
    const out = into ? into.subarray(0, size) : Buffer.alloc(size);
    out.writeUInt32LE(FORMAT, 0);
    out.writeUInt32LE(this.count, 4);
    out.writeUInt32LE(this.n, 12);
    out.set(new Uint8Array(this.words.buffer, 0, 4 * this.n), HEADER);
    out.writeUInt32LE(crc32(out.subarray(HEADER)), 8);
    this.n = 0;
    this.count = 0;
    return out;
  }
}

/** A decoded field block: read it event by event with FieldCursor. */
export interface FieldBlock {
  count: number;
  words: Uint32Array;
}

function decodeFieldBlock(blob: Uint8Array): FieldBlock {
  if (blob.byteLength < HEADER) throw new IndexDamagedError('a field block too short');
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = dv.getUint32(12, true);
  if (dv.getUint32(0, true) !== FORMAT || HEADER + 4 * n !== blob.byteLength) throw new IndexDamagedError('a field block in an unknown format');
  if (crc32(blob.subarray(HEADER)) !== dv.getUint32(8, true)) throw new IndexDamagedError('a field block whose checksum does not match');
  const words = new Uint32Array(n);
  new Uint8Array(words.buffer).set(blob.subarray(HEADER));
  return { count: dv.getUint32(4, true), words };
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

/** A slice of a log's entry dictionary, written as it fills: its first entry's id and first child word. */
export interface FieldDictChunk {
  chunkNo: number;
  entryStart: number;
  childStart: number;
  entries: Uint8Array;
  children: Uint8Array;
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

function concat(parts: Uint8Array[], total: number): Uint32Array {
  const out = new Uint32Array(total / 4);
  const bytes = new Uint8Array(out.buffer);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function readFieldDictionary(db: Db, logId: number): FieldDictionary {
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
    if (r.entry_start !== e / (4 * ENTRY_WORDS) || r.child_start !== c / 4 || r.entries.byteLength % (4 * ENTRY_WORDS) || r.children.byteLength % 4) {
      throw new IndexDamagedError(`the field dictionary of log ${logId} is not whole`);
    }
    e += r.entries.byteLength;
    c += r.children.byteLength;
  }
  return {
    entries: concat(
      rows.map((r) => r.entries),
      e,
    ),
    children: concat(
      rows.map((r) => r.children),
      c,
    ),
    keys: JSON.parse(names.keys) as string[],
    kinds: JSON.parse(names.kinds) as string[],
  };
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
