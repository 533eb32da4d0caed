// Per-thread features gathered as the log is read once (store/threadFeatures.ts
// says what they are): a MinHash sketch of the thread's call-name 3-grams,
// its call names with their counts, its first calls, and its entry point.
// Cheap per event: a call costs a cached string hash, a mix and one compare;
// other events cost nothing.
import { EMPTY_BIN, FIRST_CALLS, KEPT_NAMES, SKETCH_BINS, type ThreadFeatures } from '../store/threadFeatures';

/** Distinct names counted per thread before further new names are only counted as "other" (bounds memory on odd logs). */
const MAX_COUNTED_NAMES = 4096;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One hash per call name, shared by every thread of a log (names recur on every line). */
export class NameHashes {
  private readonly cache = new Map<string, number>();
  of(token: string): number {
    let h = this.cache.get(token);
    if (h === undefined) {
      h = fnv1a(token);
      if (this.cache.size < 65536) this.cache.set(token, h);
    }
    return h;
  }
}

/** How a call is named in the features: its payload.name (import calls marked as such; a name that is not a string, '?'). */
export function callToken(kind: 'kernel.call' | 'import.call', name: unknown): string {
  const n = typeof name === 'string' ? name : '?';
  return kind === 'import.call' ? `import:${n}` : n;
}

export class ThreadSketch {
  private calls = 0;
  private prev1 = 0;
  private prev2 = 0;
  private readonly bins = new Int32Array(SKETCH_BINS).fill(EMPTY_BIN);
  private readonly counts = new Map<string, number>();
  private uncounted = 0;
  private readonly first: string[] = [];
  private entry: string | null = null;

  call(token: string, hash: number): void {
    this.calls++;
    if (this.first.length < FIRST_CALLS) this.first.push(token);
    const c = this.counts.get(token);
    if (c !== undefined) this.counts.set(token, c + 1);
    else if (this.counts.size < MAX_COUNTED_NAMES) this.counts.set(token, 1);
    else this.uncounted++;
    // A 3-gram of the names so far (the first two calls make shorter grams: a thread of one call still has a feature).
    const g = fmix(Math.imul(this.prev2, 0x9e3779b1) ^ fmix(Math.imul(this.prev1, 0x85ebca6b) ^ hash) ^ Math.min(this.calls, 3));
    this.prev2 = this.prev1;
    this.prev1 = hash;
    this.keep(g);
  }

  /** The thread's first thread.create event: its payload's key (hex) stands for its entry point. */
  threadCreate(keyHex: string): void {
    this.entry ??= keyHex;
  }

  private keep(h: number): void {
    const bin = h >>> 25;
    const v = h & 0x1ffffff;
    const was = this.bins[bin]!;
    if (was === EMPTY_BIN || v < was) this.bins[bin] = v;
  }

  features(threadNo: number): ThreadFeatures {
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const names = sorted.slice(0, KEPT_NAMES);
    let other = this.uncounted;
    for (const [, n] of sorted.slice(KEPT_NAMES)) other += n;
    return {
      threadNo,
      calls: this.calls,
      shingles: this.bins.slice(),
      names,
      otherCalls: other,
      firstCalls: [...this.first],
      entry: this.entry,
    };
  }
}
