// The arena must hand back exactly the events each thread put in, in order,
// whatever the interleaving of threads and however often blocks are packed
// and slabs reused: compared with one growing builder per thread.
import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { EventArena, type PendingEvents } from './eventArena';
import { BLOCK_SIZE, EventBlockBuilder, KEY_WORDS, type EventBlock } from './eventBlock';

function write(blk: EventBlock, s: number, rng: Rng): void {
  blk.offset[s] = rng.int(0, 2 ** 40);
  blk.idx[s] = rng.chance(0.05) ? NaN : rng.int(0, 1e9);
  for (let w = 0; w < KEY_WORDS; w++) {
    blk.keyRaw[KEY_WORDS * s + w] = rng.int(0, 0xffffffff);
    blk.keyMasked[KEY_WORDS * s + w] = rng.int(0, 0xffffffff);
  }
  blk.length[s] = rng.int(0, 1e6);
  blk.line[s] = rng.int(1, 1e8);
  blk.ordinal[s] = rng.int(-1, 1000);
  blk.flags[s] = rng.int(0, 7);
}

describe('event arena', () => {
  it('gives each thread back its events, in order, as one builder per thread would', () => {
    const rng = new Rng('arena');
    const arena = new EventArena();
    const threads = 300;
    const pending: PendingEvents[] = Array.from({ length: threads }, () => arena.thread());
    const mirror = Array.from({ length: threads }, () => new EventBlockBuilder());
    const packed = new EventBlockBuilder(BLOCK_SIZE);
    const blobs = (b: EventBlockBuilder): string => b.take().toString('base64');
    let blocks = 0;
    const pack = (t: number): void => {
      pending[t]!.moveTo(packed);
      expect(blobs(packed)).toBe(blobs(mirror[t]!));
      blocks++;
    };
    // Threads of very different lengths, interleaved at random: slabs are taken and given back all the time.
    for (let e = 0; e < 200_000; e++) {
      const t = rng.chance(0.3) ? rng.int(0, 4) : rng.int(0, threads - 1);
      const s = pending[t]!.slot();
      write(pending[t]!.columns, s, rng);
      const m = mirror[t]!;
      const ms = m.slot();
      // The same values in the mirror: copy what was written.
      const src = pending[t]!.columns;
      m.block.offset[ms] = src.offset[s]!;
      m.block.idx[ms] = src.idx[s]!;
      for (let w = 0; w < KEY_WORDS; w++) {
        m.block.keyRaw[KEY_WORDS * ms + w] = src.keyRaw[KEY_WORDS * s + w]!;
        m.block.keyMasked[KEY_WORDS * ms + w] = src.keyMasked[KEY_WORDS * s + w]!;
      }
      m.block.length[ms] = src.length[s]!;
      m.block.line[ms] = src.line[s]!;
      m.block.ordinal[ms] = src.ordinal[s]!;
      m.block.flags[ms] = src.flags[s]!;
      if (pending[t]!.count === BLOCK_SIZE) pack(t);
    }
    for (let t = 0; t < threads; t++) if (pending[t]!.count > 0) pack(t);
    expect(blocks).toBeGreaterThan(threads);
  });
});
