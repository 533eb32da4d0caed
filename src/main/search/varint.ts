// Unsigned LEB128 varints of non-negative integers up to 2^53, into a
// growable byte buffer: the search index's positions and integer columns.

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
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Zigzag: signed to unsigned, small magnitudes small (|v| up to 2^51). */
export const zigzag = (v: number): number => (v >= 0 ? 2 * v : -2 * v - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Reads `count` varints; throws when the bytes end first or are left over (a damaged column). */
export function readVarints(bytes: Uint8Array, count: number, out: Float64Array | Uint16Array | Uint32Array, delta: 'positions' | 'zigzag' | 'none'): void {
  let at = 0;
  let prev = 0;
  for (let k = 0; k < count; k++) {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('the column ends early');
      const b = bytes[at++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
    }
    if (delta === 'positions') prev += v;
    else if (delta === 'zigzag') prev += unzigzag(v);
    else prev = v;
    out[k] = prev;
  }
  if (at !== bytes.length) throw new RangeError('the column has bytes left over');
}
