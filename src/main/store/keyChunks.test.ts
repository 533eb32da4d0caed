// The chunks must be cut by content, not by position: the same keys after a
// prefix of another length are cut at the same places once both have passed a
// common cut, with the same hashes; any differing key word changes a hash; a
// chunk holding an event that equals nothing is never skippable; damage is
// noticed.
import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { IndexDamagedError } from './db';
import { BLOCK_SIZE, FLAG_FORCE_EXACT, KEY_WORDS } from './eventBlock';
import { CHUNK_MAX, CHUNK_MIN, ChunkCutter, decodeChunks, type ChunkRun } from './keyChunks';

function randomKeys(rng: Rng, n: number): Uint32Array {
  const k = new Uint32Array(KEY_WORDS * n);
  for (let i = 0; i < k.length; i++) k[i] = rng.int(0, 0xffffffff);
  return k;
}

/** Cut a thread's keys as the ingest does, a block at a time, and read its chunks back. */
function chunksOf(keys: Uint32Array, opts: { flags?: Uint8Array; canon?: Uint32Array; canonicalize?: boolean } = {}): ChunkRun {
  const n = keys.length / KEY_WORDS;
  const cutter = new ChunkCutter();
  const rows: { blockNo: number; data: Uint8Array }[] = [];
  for (let b = 0; b * BLOCK_SIZE < n; b++) {
    const lo = b * BLOCK_SIZE;
    const hi = Math.min(n, lo + BLOCK_SIZE);
    const part = (k: Uint32Array): Uint32Array => k.slice(KEY_WORDS * lo, KEY_WORDS * hi);
    const flags = opts.flags ? opts.flags.slice(lo, hi) : new Uint8Array(hi - lo);
    const data = cutter.cut(part(keys), part(opts.canon ?? keys), part(keys), flags, hi - lo);
    if (data) rows.push({ blockNo: b, data });
  }
  return decodeChunks(rows, opts.canonicalize ?? false, 0, Infinity);
}

function list(run: ChunkRun, from = 0): { start: number; length: number; hash: string }[] {
  const out = [];
  for (let i = 0; i < run.count; i++) {
    if (run.start[i]! < from) continue;
    out.push({ start: run.start[i]! - from, length: run.length[i]!, hash: `${run.hash[2 * i]}:${run.hash[2 * i + 1]}` });
  }
  return out;
}

describe('key chunks', () => {
  it('are contiguous, between CHUNK_MIN and CHUNK_MAX events, across block ends', () => {
    const run = chunksOf(randomKeys(new Rng('contiguous'), 5000));
    expect(run.count).toBeGreaterThan(5000 / (CHUNK_MAX + 1));
    for (let i = 0; i < run.count; i++) {
      expect(run.start[i]).toBe(i === 0 ? 0 : run.start[i - 1]! + run.length[i - 1]!);
      expect(run.length[i]).toBeGreaterThanOrEqual(CHUNK_MIN);
      expect(run.length[i]).toBeLessThanOrEqual(CHUNK_MAX);
    }
    expect(run.start[run.count - 1]! + run.length[run.count - 1]!).toBeLessThanOrEqual(5000);
  });

  it('cut the same keys at the same places whatever comes before them', () => {
    const rng = new Rng('shift');
    const tail = randomKeys(rng, 6000);
    const cat = (a: Uint32Array, b: Uint32Array): Uint32Array => {
      const k = new Uint32Array(a.length + b.length);
      k.set(a);
      k.set(b, a.length);
      return k;
    };
    for (const [p, q] of [
      [1, 1000],
      [37, 1024],
      [1023, 2],
      [0, 700],
    ] as const) {
      const x = list(chunksOf(cat(randomKeys(rng, p), tail)), p);
      const y = list(chunksOf(cat(randomKeys(rng, q), tail)), q);
      // After the first cut both have, every cut and hash is the same.
      const firstCommon = x.findIndex((c) => y.some((d) => d.start === c.start));
      expect(firstCommon).toBeGreaterThanOrEqual(0);
      const from = x[firstCommon]!.start;
      expect(from).toBeLessThan(2 * CHUNK_MAX);
      expect(x.filter((c) => c.start >= from)).toEqual(y.filter((c) => c.start >= from));
    }
  });

  it('hash every word of every key, raw and canonicalized apart', () => {
    const rng = new Rng('words');
    const keys = randomKeys(rng, 3000);
    const canon = keys.slice();
    canon[KEY_WORDS * 10] = canon[KEY_WORDS * 10]! ^ 1; // an allocator return, canonicalized otherwise
    const raw = list(chunksOf(keys));
    const canonical = list(chunksOf(keys, { canon, canonicalize: true }));
    expect(canonical.map((c) => c.start)).toEqual(raw.map((c) => c.start));
    expect(canonical[0]!.hash).not.toBe(raw[0]!.hash);
    expect(canonical.slice(1)).toEqual(raw.slice(1));
    for (let w = 0; w < KEY_WORDS; w++) {
      const changed = keys.slice();
      // A bit the cut does not look at (the cut reads the low bits of the last word).
      changed[KEY_WORDS * 1500 + w] = changed[KEY_WORDS * 1500 + w]! ^ 0x80000000;
      const after = list(chunksOf(changed));
      expect(after.map((c) => c.start)).toEqual(raw.map((c) => c.start));
      const differing = after.filter((c, i) => c.hash !== raw[i]!.hash);
      expect(differing.length, `word ${w}`).toBe(1);
      expect(differing[0]!.start).toBeLessThanOrEqual(1500);
      expect(differing[0]!.start + differing[0]!.length).toBeGreaterThan(1500);
    }
  });

  it('never let a chunk holding an event that equals nothing be skipped', () => {
    const keys = randomKeys(new Rng('force-exact'), 2000);
    const flags = new Uint8Array(2000);
    flags[700] = FLAG_FORCE_EXACT;
    const run = chunksOf(keys, { flags });
    for (let i = 0; i < run.count; i++) {
      const holds = run.start[i]! <= 700 && 700 < run.start[i]! + run.length[i]!;
      expect(run.unskippable[i]).toBe(holds ? 1 : 0);
    }
  });

  it('refuse a damaged row rather than skip on it', () => {
    const cutter = new ChunkCutter();
    const keys = randomKeys(new Rng('damage'), BLOCK_SIZE);
    const data = cutter.cut(keys, keys, keys, new Uint8Array(BLOCK_SIZE), BLOCK_SIZE)!;
    const damaged = data.slice();
    damaged[20] = damaged[20]! ^ 4;
    expect(() => decodeChunks([{ blockNo: 0, data: damaged }], false, 0, Infinity)).toThrow(IndexDamagedError);
    expect(() => decodeChunks([{ blockNo: 0, data: data.subarray(0, 30) }], false, 0, Infinity)).toThrow(IndexDamagedError);
    expect(decodeChunks([{ blockNo: 0, data }], false, 0, Infinity).count).toBeGreaterThan(0);
  });
});
