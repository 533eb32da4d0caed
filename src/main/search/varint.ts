// The search index's integer columns: varints (store/varint.ts, the same
// LEB128 and zigzag the index's blocks use, and its column reader) into a
// growable byte buffer.
import { MAX_VARINT, putVarint } from '../store/varint';

export { readVarints, zigzag } from '../store/varint';

export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  varint(v: number): void {
    this.room(MAX_VARINT);
    this.length = putVarint(this.buf, this.length, v);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
