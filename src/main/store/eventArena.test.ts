// The arena must hand back exactly the events and fields each thread put in,
// in order, whatever the interleaving of threads and however often blocks are
// packed and slabs reused; and a packed block must decode to the same values
// (store/eventRecord.ts): compared with plain arrays of what was written.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { ByteArena, type PendingEvents } from './eventArena';
import { BLOCK_SIZE, decodeBlock, EventBlockBuilder, FLAG_ALLOCATOR, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS } from './eventBlock';
import { FieldBlockBuilder, FieldCursor, readFieldBlocks } from './fieldBlocks';
import { openDb } from './db';
import { SpillFile } from './spillFile';

interface Written {
  offset: number;
  length: number;
  line: number;
  idx: number;
  raw: number[];
  masked: number[];
  ordinal: number;
  flags: number;
  kind: number;
  shape: number;
  ids: number[];
}

/** Values as a log's threads give them: rising offsets and lines, idx mostly its position, odd values now and then. */
function nextEvent(rng: Rng, prev: Written | undefined, pos: number): Written {
  const alloc = rng.chance(0.1);
  const flags = (alloc ? FLAG_ALLOCATOR : 0) | (rng.chance(0.05) ? FLAG_FORCE_EXACT : 0) | (rng.chance(0.02) ? FLAG_IDX_INEXACT : 0);
  const raw = Array.from({ length: KEY_WORDS }, () => rng.int(0, 0xffffffff));
  const roll = rng.int(0, 99);
  const idx = roll < 85 ? pos : roll < 90 ? NaN : roll < 93 ? -0 : roll < 96 ? rng.int(-1e12, 1e12) / 7 : 2 ** 60 + rng.int(0, 1e6);
  const far = rng.chance(0.01);
  return {
    offset: (prev?.offset ?? (far ? 2 ** 40 : 0)) + rng.int(1, far ? 2 ** 36 : 1e6),
    length: rng.chance(0.01) ? 0xffffffff : rng.int(0, 1e5),
    line: (prev?.line ?? 1) + rng.int(1, 5000),
    idx,
    raw,
    masked: alloc ? Array.from({ length: KEY_WORDS }, () => rng.int(0, 0xffffffff)) : raw,
    ordinal: alloc ? rng.int(0, 1e9) : -1,
    flags,
    kind: rng.chance(0.01) ? rng.int(0, 2 ** 31) : rng.int(0, 30),
    shape: rng.int(0, 2),
    ids: Array.from({ length: rng.chance(0.01) ? rng.int(1000, 2000) : rng.int(0, 8) }, () => (rng.chance(0.5) ? rng.int(0, 2 ** 32 - 1) : rng.int(0, 100))),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('event arena', () => {
  it.each([
    ['in memory', null],
    ['spilled to a file past a small budget', 64 << 10],
  ])('gives each thread back its events and fields, in order, packed into blocks that decode to what was written (%s)', (_, budget) => {
    const rng = new Rng('arena');
    const spill = budget === null ? null : new SpillFile(dir);
    const arena = new ByteArena(spill, budget ?? undefined);
    let spills = 0;
    const threads = 300;
    const pending: PendingEvents[] = Array.from({ length: threads }, () => arena.thread());
    const mirror: Written[][] = Array.from({ length: threads }, () => []);
    const positions = new Array<number>(threads).fill(0);
    const packed = new EventBlockBuilder();
    const packedFields = new FieldBlockBuilder();
    const db = openDb(':memory:');
    const insert = db.prepare('INSERT INTO field_blocks (log_id, thread_no, block_no, data) VALUES (1, ?, ?, ?)');
    db.pragma('foreign_keys = OFF');
    const blockNos = new Array<number>(threads).fill(0);
    let blocks = 0;
    const pack = (t: number): void => {
      pending[t]!.moveTo(packed, packedFields);
      const want = mirror[t]!;
      const b = decodeBlock(packed.take());
      expect(b.count).toBe(want.length);
      want.forEach((w, i) => {
        expect([b.offset[i], b.length[i], b.line[i], b.ordinal[i], b.flags[i]]).toEqual([w.offset, w.length, w.line, w.ordinal, w.flags]);
        expect(Object.is(b.idx[i], w.idx)).toBe(true);
        expect([...b.keyRaw.subarray(KEY_WORDS * i, KEY_WORDS * (i + 1))]).toEqual(w.raw);
        expect([...b.keyMasked.subarray(KEY_WORDS * i, KEY_WORDS * (i + 1))]).toEqual(w.masked);
      });
      insert.run(t, blockNos[t]!++, packedFields.take());
      const [fb] = readFieldBlocks(db, 1, t).slice(-1);
      const cur = new FieldCursor(fb!);
      for (const w of want) {
        cur.next();
        expect([cur.kindId, cur.shape, [...fb!.words.subarray(cur.idsAt, cur.idsAt + cur.count)]]).toEqual([w.kind, w.shape, w.ids]);
      }
      mirror[t] = [];
      blocks++;
    };
    // Threads of very different lengths, interleaved at random: slabs are taken and given back all the time.
    for (let e = 0; e < 30_000; e++) {
      const t = rng.chance(0.3) ? rng.int(0, 4) : rng.int(0, threads - 1);
      const w = nextEvent(rng, mirror[t]!.at(-1), positions[t]!++);
      pending[t]!.add(w.offset, w.length, w.line, w.idx, Uint32Array.from(w.raw), Uint32Array.from(w.masked), w.ordinal, w.flags);
      pending[t]!.addFields(w.kind, w.shape, w.ids, w.ids.length);
      mirror[t]!.push(w);
      if (pending[t]!.count === BLOCK_SIZE) pack(t);
      else if (arena.overBudget) {
        for (const p of pending) p.spill(spill!);
        spills++;
      }
    }
    for (let t = 0; t < threads; t++) if (pending[t]!.count > 0) pack(t);
    expect(blocks).toBeGreaterThan(threads);
    if (spill) {
      expect(spills).toBeGreaterThan(10);
      // Spilled and read back, the slabs reused: the arena stayed near its budget.
      expect(arena.bytes).toBeLessThanOrEqual(2 << 20);
      spill.close();
      // Nothing left behind.
      expect(readdirSync(dir)).toEqual([]);
    }
    db.close();
  });

  it('keeps a pending event in fewer bytes than its columns took (61)', () => {
    const rng = new Rng('arena-size');
    const arena = new ByteArena();
    const threads = Array.from({ length: 1000 }, () => arena.thread());
    const raw = new Uint32Array(KEY_WORDS);
    const offsets = new Array<number>(1000).fill(0);
    // 1000 threads of 1000 events, interleaved as the benchmark's logs are: none fills a block.
    for (let e = 0; e < 1000; e++) {
      for (let t = 0; t < 1000; t++) {
        for (let w = 0; w < KEY_WORDS; w++) raw[w] = rng.int(0, 0xffffffff);
        offsets[t]! += 250_000 + rng.int(0, 1000);
        threads[t]!.add(offsets[t]!, rng.int(100, 400), 1000 * e + t + 2, e, raw, raw, -1, 0);
        threads[t]!.addFields(3, 1, [100 * e, 100 * e + 1, 100 * e + 2], 3);
      }
    }
    expect(arena.bytes / 1e6).toBeLessThan(32);
  });
});
