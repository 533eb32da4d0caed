// A compressed log is read back (the viewer, the exact comparison, reports)
// from a decompressed copy written while it is indexed: reads by offset then
// cost what they cost on a plain log. The copy is a cache beside the index
// (store/readBackCopies.ts says where, how large, and clears it); it is written
// under a temporary name and renamed once the whole log has been read.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { LogBytes } from './logBytes';

export class CopyingBytes implements LogBytes {
  private readonly fd: number;
  private readonly partial: string;

  constructor(
    private readonly inner: LogBytes,
    private readonly copyPath: string,
  ) {
    this.partial = `${copyPath}.partial`;
    this.fd = openSync(this.partial, 'w');
  }

  get compression(): LogBytes['compression'] {
    return this.inner.compression;
  }
  get fileBytesRead(): number {
    return this.inner.fileBytesRead;
  }
  get truncatedAt(): number | null {
    return this.inner.truncatedAt;
  }

  read(buf: Buffer, at: number, length: number): number {
    const n = this.inner.read(buf, at, length);
    // writeSync may write less than asked (a file-size limit): the rest is written, or it fails.
    for (let done = 0; done < n;) done += writeSync(this.fd, buf, at + done, n - done);
    return n;
  }

  /** The whole log was read: the copy takes its name. */
  commit(): void {
    renameSync(this.partial, this.copyPath);
  }

  close(): void {
    this.inner.close();
    closeSync(this.fd);
    rmSync(this.partial, { force: true });
  }
}
