// The two key streams of a pair, as the alignment asks about them: how long
// an equal run is from a place (forward or back), whether two events are equal,
// and the first word of a key (for the anchors' rolling hashes).
//
// Large pairs read their keys from the index a block at a time (KeyReader,
// chunks skipped unread). Small pairs, which get a minimal edit script and so
// ask millions of short questions (Myers' search costs about (N + M) · D
// probes), are read once into flat arrays of small integers: equal keys get
// the same number, an event that equals nothing (FLAG_FORCE_EXACT) a number of
// its own, as diff tools number equal lines before they compare files.
import { BLOCK_SIZE, KEY_WORDS } from '../store/eventBlock';
import { keysEqual, runLength, runLengthBack, type KeyReader } from './keyReader';
import type { FlatKeys, RunLength } from './myers';

export interface PairKeys {
  /** Events on canary's side and on ours. */
  readonly n: number;
  readonly m: number;
  /** Equal positions from (i, j) on, at most `limit`. */
  run(i: number, j: number, limit: number): number;
  /** Equal positions going back from (i - 1, j - 1), at most `limit`. */
  runBack(i: number, j: number, limit: number): number;
  equal(i: number, j: number): boolean;
  /** The first word of a key (what the anchors' rolling hashes read). */
  canaryWord0(i: number): number;
  oursWord0(j: number): number;
  /** The walk has moved past these positions for good: what was read before them may go. */
  passed(i: number, j: number): void;
  /** What Myers' search from (i, j) compares: equal runs there. */
  from(i: number, j: number): RunLength | FlatKeys;
  /**
   * The fewest edits (deletions plus insertions) that turn canary [i, i + n)
   * into ours [j, j + m), when it can be had cheaply (else null): a search that
   * cannot succeed within its bound need not be run.
   */
  minimalCost(i: number, j: number, n: number, m: number): number | null;
}

/** A pair read from the index as the alignment goes. */
export class ReaderPairKeys implements PairKeys {
  readonly n: number;
  readonly m: number;

  constructor(
    private readonly a: KeyReader,
    private readonly b: KeyReader,
  ) {
    this.n = a.length;
    this.m = b.length;
  }

  run(i: number, j: number, limit: number): number {
    return runLength(this.a, i, this.b, j, limit);
  }

  runBack(i: number, j: number, limit: number): number {
    return runLengthBack(this.a, i, this.b, j, limit);
  }

  equal(i: number, j: number): boolean {
    return keysEqual(this.a, i, this.b, j);
  }

  canaryWord0(i: number): number {
    return this.a.word0(i);
  }

  oursWord0(j: number): number {
    return this.b.word0(j);
  }

  passed(i: number, j: number): void {
    this.a.dropBefore(Math.floor(i / BLOCK_SIZE) - 1);
    this.b.dropBefore(Math.floor(j / BLOCK_SIZE) - 1);
  }

  from(i: number, j: number): RunLength {
    return (x, y, limit) => runLength(this.a, i + x, this.b, j + y, limit);
  }

  minimalCost(): null {
    return null;
  }
}

/** A small pair, read whole: each event's key as a small integer, equal exactly when the keys are. */
export class FlatPairKeys implements PairKeys {
  readonly n: number;
  readonly m: number;
  private readonly ca: Int32Array;
  private readonly co: Int32Array;
  private readonly wa: Uint32Array;
  private readonly wo: Uint32Array;

  constructor(a: KeyReader, b: KeyReader) {
    this.n = a.length;
    this.m = b.length;
    const total = this.n + this.m;
    // Every key of both sides in one array (canary's first), and which events equal nothing.
    const keys = new Uint32Array(KEY_WORDS * total);
    const unique = new Uint8Array(total);
    const load = (r: KeyReader, at: number): void => {
      for (let k = 0; k * BLOCK_SIZE < r.length; k++) {
        const blk = r.block(k);
        keys.set(blk.keys.subarray(0, KEY_WORDS * blk.unique.length), KEY_WORDS * (at + k * BLOCK_SIZE));
        unique.set(blk.unique, at + k * BLOCK_SIZE);
      }
    };
    load(a, 0);
    load(b, this.n);
    // Number the distinct keys: an open-addressing table of first occurrences.
    let size = 16;
    while (size < 2 * total) size *= 2;
    const mask = size - 1;
    const table = new Int32Array(size).fill(-1);
    const ids = new Int32Array(total);
    let next = 0;
    for (let e = 0; e < total; e++) {
      if (unique[e] !== 0) {
        ids[e] = -1 - e; // equal to nothing, itself on the other side included
        continue;
      }
      const p = KEY_WORDS * e;
      let slot = (keys[p]! ^ Math.imul(keys[p + 1]!, 0x9e3779b1)) & mask;
      for (;;) {
        const f = table[slot]!;
        if (f === -1) {
          table[slot] = e;
          ids[e] = next++;
          break;
        }
        const q = KEY_WORDS * f;
        if (keys[q] === keys[p] && keys[q + 1] === keys[p + 1] && keys[q + 2] === keys[p + 2] && keys[q + 3] === keys[p + 3]) {
          ids[e] = ids[f]!;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    this.ca = ids.subarray(0, this.n);
    this.co = ids.subarray(this.n);
    const words0 = new Uint32Array(total);
    for (let e = 0; e < total; e++) words0[e] = keys[KEY_WORDS * e]!;
    this.wa = words0.subarray(0, this.n);
    this.wo = words0.subarray(this.n);
  }

  run(i: number, j: number, limit: number): number {
    const a = this.ca;
    const b = this.co;
    const end = Math.min(limit, this.n - i, this.m - j);
    let s = 0;
    while (s < end && a[i + s] === b[j + s]) s++;
    return s;
  }

  runBack(i: number, j: number, limit: number): number {
    const a = this.ca;
    const b = this.co;
    const end = Math.min(limit, i, j);
    let s = 0;
    while (s < end && a[i - 1 - s] === b[j - 1 - s]) s++;
    return s;
  }

  equal(i: number, j: number): boolean {
    return this.ca[i] === this.co[j];
  }

  canaryWord0(i: number): number {
    return this.wa[i]!;
  }

  oursWord0(j: number): number {
    return this.wo[j]!;
  }

  passed(): void {
    // Everything is in memory: a small pair is small.
  }

  from(i: number, j: number): FlatKeys {
    return { a: this.ca, ao: i, b: this.co, bo: j };
  }

  /**
   * n + m − 2 · the longest common subsequence, by the bit-parallel LCS of
   * Allison and Dix (1986; Hyyrö 2004): one bit per event of the shorter side,
   * a word operation per 32 events and event of the longer: about (n · m) / 32
   * steps, where Myers' search needs about D² / 2 probes to find D, and all of
   * its bound to find that D is out of reach.
   */
  minimalCost(i: number, j: number, n: number, m: number): number {
    // Bits over the shorter side; the other side streams past them.
    const [bits, bitsAt, nb, stream, streamAt, ns] = n <= m ? [this.ca, i, n, this.co, j, m] : [this.co, j, m, this.ca, i, n];
    if (nb === 0) return ns;
    const words = (nb + 31) >>> 5;
    // Match masks, one per distinct number of the bits' side.
    const maskAt = new Map<number, number>();
    let masks = new Uint32Array(words * 16);
    let used = 0;
    for (let x = 0; x < nb; x++) {
      const id = bits[bitsAt + x]!;
      let at = maskAt.get(id);
      if (at === undefined) {
        at = used;
        used += words;
        if (used > masks.length) {
          const bigger = new Uint32Array(Math.max(used, 2 * masks.length));
          bigger.set(masks);
          masks = bigger;
        }
        maskAt.set(id, at);
      }
      masks[at + (x >>> 5)]! |= 1 << (x & 31);
    }
    // V: a 1 where the LCS has not used the event yet. V' = (V + (V & M)) | (V & ~M).
    const v = new Uint32Array(words).fill(0xffffffff);
    for (let y = 0; y < ns; y++) {
      const at = maskAt.get(stream[streamAt + y]!);
      if (at === undefined) continue; // matches nothing: V unchanged
      let carry = 0;
      for (let w = 0; w < words; w++) {
        const vw = v[w]!;
        const u = vw & masks[at + w]!;
        const sum = vw + (u >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        v[w] = sum | 0 | (vw & ~u);
      }
    }
    let zeros = 0;
    for (let x = 0; x < nb; x++) if ((v[x >>> 5]! & (1 << (x & 31))) === 0) zeros++;
    return n + m - 2 * zeros;
  }
}
