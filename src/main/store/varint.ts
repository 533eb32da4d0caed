// Unsigned LEB128 varints (7 bits a byte, low first) for the index's packed
// records: event blocks, field blocks and the field dictionary. Numbers up to
// 2^53 (byte offsets of logs past 4 GB), so arithmetic rather than 32-bit
// shifts past the first bytes. Written by hand: a few lines, on the hottest
// path of the ingest, where a library's per-call allocation would cost more.
import { IndexDamagedError } from './db';

/** Bytes a varint may take (2^53 needs 8). */
export const MAX_VARINT = 8;

/** Write `n` (an integer in [0, 2^53)) at `at`; the position after it. */
export function putVarint(out: Uint8Array, at: number, n: number): number {
  if (!(n >= 0)) throw new RangeError(`a varint cannot hold ${n}`);
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** A signed integer as an unsigned one, small magnitudes small (zigzag). */
export function zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Reads varints and raw words from a packed record, checking that it stays inside its bytes. */
export class ByteReader {
  at: number;

  constructor(
    readonly bytes: Uint8Array,
    at = 0,
    readonly end = bytes.length,
  ) {
    this.at = at;
  }

  varint(): number {
    const b = this.bytes;
    let at = this.at;
    let x = b[at++]!;
    if (x < 0x80) {
      if (at > this.end) throw new IndexDamagedError('a packed record runs past its end');
      this.at = at;
      return x;
    }
    let n = x & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      if (at >= this.end || i >= MAX_VARINT) throw new IndexDamagedError('a packed record runs past its end');
      x = b[at++]!;
      n += (x & 0x7f) * scale;
      if (x < 0x80) break;
      scale *= 0x80;
    }
    this.at = at;
    return n;
  }

  byte(): number {
    if (this.at >= this.end) throw new IndexDamagedError('a packed record runs past its end');
    return this.bytes[this.at++]!;
  }

  /** `n` raw bytes: their offset in `bytes`. */
  skip(n: number): number {
    const at = this.at;
    if (at + n > this.end) throw new IndexDamagedError('a packed record runs past its end');
    this.at = at + n;
    return at;
  }
}

/**
 * Reads a column of `count` varints in one tight loop (no call per number: the
 * search index reads hundreds of thousands per find), each as it is, as a
 * running sum ('positions') or as a running sum of zigzags; throws when the
 * bytes end first or are left over.
 */
export function readVarints(bytes: Uint8Array, count: number, out: Float64Array | Uint16Array | Uint32Array, delta: 'positions' | 'zigzag' | 'none'): void {
  let at = 0;
  let prev = 0;
  for (let k = 0; k < count; k++) {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (at >= bytes.length) throw new IndexDamagedError('a column of varints that ends early');
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
  if (at !== bytes.length) throw new IndexDamagedError('a column of varints with bytes left over');
}
