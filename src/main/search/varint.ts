// The search index's integer columns: varints (store/varint.ts, the same
// LEB128 and zigzag the index's blocks use) into a growable byte buffer, and
// read back a column at a time.
import { ByteReader, MAX_VARINT, putVarint, unzigzag } from '../store/varint';

export { zigzag } from '../store/varint';

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

// Module-local: an imported binding is a getter call each time where the sources run unbundled (tsx).
const fromZigzag = unzigzag;

/** Reads `count` varints; throws when the bytes end first or are left over (a damaged column: IndexDamagedError). */
export function readVarints(bytes: Uint8Array, count: number, out: Float64Array | Uint16Array | Uint32Array, delta: 'positions' | 'zigzag' | 'none'): void {
  const r = new ByteReader(bytes);
  let prev = 0;
  for (let k = 0; k < count; k++) {
    const v = r.varint();
    if (delta === 'positions') prev += v;
    else if (delta === 'zigzag') prev += fromZigzag(v);
    else prev = v;
    out[k] = prev;
  }
  if (r.at !== bytes.length) throw new RangeError('the column has bytes left over');
}
