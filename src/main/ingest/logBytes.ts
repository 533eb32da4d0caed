// The bytes of a log, in order, as the reference would read them from the
// decompressed file: a plain log as it is on disk, a gzip or zstd log
// decompressed while it is read (never whole in memory). Which one is told by
// the file's first bytes, not its name. Offsets everywhere else (lines, the
// index, reads back) are offsets in these bytes; only progress and errors about
// the compressed data speak of the file's own bytes.
import { closeSync, openSync, readSync } from 'node:fs';
import { fsPath } from '../py/codecs';
import { Gunzip } from 'minizlib';
import { Decompress } from 'fzstd';
import { Xxh64 } from '@node-rs/xxhash';
import type { Compression } from '../store/logIndex';

/** gzip (RFC 1952) and zstd (RFC 8878) by their magic numbers: bytes no plain log can start with (the reference fails on them as not UTF-8, or not JSON). */
export function detectCompression(head: Uint8Array): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // A skippable frame first (pzstd writes one; the seekable format may): zstd all the same.
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  return null;
}

/** The compressed data cannot be decompressed: damaged (not cut short, which is LogBytes.truncatedAt). */
export class DamagedDataError extends Error {
  constructor(
    readonly compression: Compression,
    /** Where in the file: a zstd block or checksum; for gzip, how far zlib had read when it noticed (its checksum is checked at a member's end). */
    readonly at: number,
    readonly detail: string,
    where: 'at' | 'in the block at' | 'noticed at',
  ) {
    super(`the ${compression} data is damaged (${detail}) ${where} byte ${at}`);
  }
}

/** A log's bytes, read in order once. */
export interface LogBytes {
  readonly compression: Compression | null;
  /** Up to `length` next bytes into buf at `at`; 0 at the end. Throws DamagedDataError. */
  read(buf: Buffer, at: number, length: number): number;
  /** Bytes of the file itself read so far (the compressed bytes of a compressed log): what progress counts. */
  readonly fileBytesRead: number;
  /** The compressed data ended before its stream did (a file cut short): the file's size then; else null. */
  readonly truncatedAt: number | null;
  close(): void;
}

/** Compressed bytes fed to the decompressor at a time: how closely a damage is located. */
const FEED_BYTES = 256 << 10;

class PlainBytes implements LogBytes {
  readonly compression = null;
  readonly truncatedAt = null;
  fileBytesRead = 0;
  constructor(private readonly fd: number) {}
  read(buf: Buffer, at: number, length: number): number {
    const n = readSync(this.fd, buf, at, length, null);
    this.fileBytesRead += n;
    return n;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** A decompressor fed from the file a slice at a time, its output queued until read. */
abstract class DecompressedBytes implements LogBytes {
  abstract readonly compression: Compression;
  fileBytesRead = 0;
  truncatedAt: number | null = null;
  private readonly queue: Uint8Array[] = [];
  private head = 0; // bytes of queue[0] already read
  private ended = false;

  constructor(private readonly fd: number) {}

  /** Give the decompressor the next compressed bytes (final: there are no more). Output goes to emit. */
  protected abstract feed(chunk: Buffer, final: boolean): void;

  protected emit(data: Uint8Array): void {
    if (data.length > 0) this.queue.push(data);
  }

  protected damaged(detail: string): DamagedDataError {
    return new DamagedDataError(this.compression, this.fileBytesRead, detail, 'noticed at');
  }

  /** Damage found while bytes before it were being handed out: thrown at the next read, so that the lines before it are read first. */
  private deferred: Error | null = null;

  read(buf: Buffer, at: number, length: number): number {
    if (this.deferred) throw this.deferred;
    // As much as asked, as a file read would give: the line splitter works a large chunk at a time.
    let n = 0;
    while (n < length) {
      if (this.queue.length === 0) {
        if (this.ended) break;
        try {
          this.pull();
        } catch (e) {
          if (n === 0) throw e;
          this.deferred = e as Error;
          break;
        }
        continue;
      }
      const first = this.queue[0]!;
      const take = Math.min(length - n, first.length - this.head);
      buf.set(first.subarray(this.head, this.head + take), at + n);
      n += take;
      this.head += take;
      if (this.head === first.length) {
        this.queue.shift();
        this.head = 0;
      }
    }
    return n;
  }

  private pull(): void {
    // A fresh buffer each time: a decompressor may keep a slice of what it was given.
    const chunk = Buffer.allocUnsafe(FEED_BYTES);
    const got = readSync(this.fd, chunk, 0, chunk.length, null);
    this.fileBytesRead += got;
    if (got === 0) this.ended = true;
    this.feed(chunk.subarray(0, got), got === 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** gzip through node:zlib, driven synchronously by minizlib (npm's own, as node-tar uses it): members one after another, as gzip -d reads them. */
class GzipBytes extends DecompressedBytes {
  readonly compression = 'gzip';
  // chunkSize goes through to node:zlib (minizlib's types leave it out): larger output pieces, fewer of them.
  private readonly z = new Gunzip({ chunkSize: 256 << 10 } as ConstructorParameters<typeof Gunzip>[0]);
  private error: (Error & { code?: string }) | null = null;

  constructor(fd: number) {
    super(fd);
    this.z.on('data', (d: Buffer) => this.emit(d));
    this.z.on('error', (e: unknown) => void (this.error = e as Error));
  }

  protected feed(chunk: Buffer, final: boolean): void {
    if (final) this.z.end();
    else this.z.write(chunk);
    const e = this.error;
    if (!e) return;
    // zlib says "unexpected end of file" when the file ends inside a member: a cut file, not a damaged one.
    if (final && e.code === 'Z_BUF_ERROR') this.truncatedAt = this.fileBytesRead;
    else throw this.damaged(e.message.replace(/^zlib: /, ''));
  }
}

/**
 * zstd through fzstd (pure JavaScript: nothing to build, the same in Node and
 * Electron), fed one block at a time by a walk of the frames (RFC 8878: a
 * block's header says its size), so that every frame's content checksum is
 * checked (fzstd does not check it: a damaged byte in a literal would pass)
 * and a damage is located at its block. Frames one after another as zstd -d
 * reads them; skippable frames (pzstd's, a seek table) skipped.
 */
class ZstdBytes extends DecompressedBytes {
  readonly compression = 'zstd';
  /** Compressed bytes not yet walked, and the file offset of their first. */
  private input: Buffer = Buffer.alloc(0);
  private at = 0;
  private state: 'frame' | 'block' | 'checksum' | 'skip' = 'frame';
  private skipLeft = 0;
  private frame: { z: Decompress; hash: Xxh64 | null } | null = null;

  protected feed(chunk: Buffer, final: boolean): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    while (this.step());
    if (final && (this.state !== 'frame' || this.input.length > 0)) this.truncatedAt = this.fileBytesRead;
  }

  /** Walk one piece of the stream if its bytes are all here; false when it waits for more. */
  private step(): boolean {
    const p = this.input;
    if (this.state === 'skip') {
      const n = Math.min(this.skipLeft, p.length);
      this.consume(n);
      this.skipLeft -= n;
      if (this.skipLeft === 0) this.state = 'frame';
      return n > 0;
    }
    if (this.state === 'frame') {
      if (p.length < 4) return false;
      const magic = p.readUInt32LE(0);
      if ((magic & 0xfffffff0) === 0x184d2a50) {
        if (p.length < 8) return false;
        this.skipLeft = p.readUInt32LE(4);
        this.consume(8);
        this.state = 'skip';
        return true;
      }
      if (magic !== 0xfd2fb528) throw this.damagedAt(this.at, 'not a zstd frame where one should start');
      if (p.length < 6) return false;
      const fhd = p[4]!;
      const single = (fhd >> 5) & 1;
      const fcsBytes = [single, 2, 4, 8][fhd >> 6]!;
      const header = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + fcsBytes;
      if (p.length < header) return false;
      const hash = (fhd >> 2) & 1 ? new Xxh64(0n) : null;
      const z = new Decompress((d) => {
        hash?.update(d);
        this.emit(d);
      });
      this.frame = { z, hash };
      this.push(p.subarray(0, header), header);
      this.state = 'block';
      return true;
    }
    if (this.state === 'block') {
      if (p.length < 3) return false;
      const h = p[0]! | (p[1]! << 8) | (p[2]! << 16);
      const type = (h >> 1) & 3;
      if (type === 3) throw this.damagedAt(this.at, 'a block of the reserved type', 'in the block at');
      const size = 3 + (type === 1 ? 1 : h >>> 3);
      if (p.length < size) return false;
      const last = (h & 1) === 1;
      this.push(p.subarray(0, size), size);
      if (last && !this.frame!.hash) {
        // The frame's last block: whatever fzstd holds comes out now, and the next frame gets a decoder of its own.
        this.push(Buffer.alloc(0), 0, true);
        this.state = 'frame';
      } else if (last) this.state = 'checksum';
      return true;
    }
    // The content checksum (the low 32 bits of the frame's XXH64, little-endian), given to fzstd too,
    // which skips it: told it is the frame's end, it hands out all it holds first.
    if (p.length < 4) return false;
    const expected = p.readUInt32LE(0);
    const at = this.at;
    this.push(p.subarray(0, 4), 4, true);
    if (expected !== Number(this.frame!.hash!.digest() & 0xffffffffn)) throw this.damagedAt(at, 'its content checksum does not match');
    this.state = 'frame';
    return true;
  }

  private push(bytes: Buffer, n: number, final = false): void {
    try {
      // fzstd may keep what it is given until it has a whole block: a view is safe, since no chunk read is ever written again.
      this.frame!.z.push(bytes, final);
    } catch (e) {
      throw this.damagedAt(this.at, (e as Error).message, 'in the block at');
    }
    this.consume(n);
  }

  private consume(n: number): void {
    this.input = this.input.subarray(n);
    this.at += n;
  }

  private damagedAt(at: number, detail: string, where: 'at' | 'in the block at' = 'at'): DamagedDataError {
    return new DamagedDataError('zstd', at, detail, where);
  }
}

/** Open a log's bytes for reading in order, decompressing as its first bytes say. */
export function openLogBytes(path: string): LogBytes {
  const fd = openSync(fsPath(path), 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    const compression = detectCompression(head.subarray(0, n));
    if (compression === 'gzip') return new GzipBytes(fd);
    if (compression === 'zstd') return new ZstdBytes(fd);
    return new PlainBytes(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
