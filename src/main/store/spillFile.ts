// Where an ingest's pending events go when a log of many threads holds more of
// them than fits the arena's budget (store/eventArena.ts): one file beside the
// index, written in order through a buffer and read back a thread's piece at a
// time when its block is packed. Removed as soon as it is open where the
// system allows it (nothing is left behind by a killed run), else when closed.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BUFFER = 1 << 20;

export class SpillFile {
  private readonly dir: string;
  private readonly path: string;
  private fd: number;
  private readonly buf = new Uint8Array(BUFFER);
  private buffered = 0;
  /** Bytes in the file and its buffer. */
  size = 0;

  constructor(besides: string) {
    this.dir = mkdtempSync(join(besides, 'ingest-spill-'));
    this.path = join(this.dir, 'pending');
    this.fd = openSync(this.path, 'w+');
    try {
      unlinkSync(this.path);
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // an open file cannot be removed here (Windows): close() does
    }
  }

  /** Append bytes; where they start in the file. */
  append(src: Uint8Array): number {
    const at = this.size;
    if (this.buffered + src.length > BUFFER) this.flush();
    if (src.length > BUFFER) writeAll(this.fd, src, this.size);
    else {
      this.buf.set(src, this.buffered);
      this.buffered += src.length;
    }
    this.size += src.length;
    return at;
  }

  /** Read `length` bytes from `pos` into `out` at `at`. */
  read(pos: number, length: number, out: Uint8Array, at: number): void {
    if (pos + length > this.size - this.buffered) this.flush();
    for (let done = 0; done < length;) {
      const n = readSync(this.fd, out, at + done, length - done, pos + done);
      if (n === 0) throw new Error('the ingest spill file ended early');
      done += n;
    }
  }

  private flush(): void {
    writeAll(this.fd, this.buf.subarray(0, this.buffered), this.size - this.buffered);
    this.buffered = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeAll(fd: number, bytes: Uint8Array, pos: number): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, pos + done);
}
