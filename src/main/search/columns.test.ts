import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { IndexDamagedError } from '../store/db';
import { Column, ColumnBuilder, columnSource, ENC_DICT16, ENC_DICT8, ENC_HASH, ENC_INT, intFormatter } from './columns';
import { TOKEN_NUMBER, TOKEN_STRING } from './lineLeaves';

function build(tokens: [number, string][], events = tokens.length): Column {
  const b = new ColumnBuilder('payload.x', '["payload","x"]');
  tokens.forEach(([token, raw], k) => b.add(k, token, raw));
  return new Column(columnSource(b.finish(0, 0, events)));
}

/** The raw tokens a column holds, read back. */
function rawTokens(c: Column): string[] {
  if (c.encoding === ENC_INT) {
    const text = intFormatter(c.base);
    return Array.from(c.offsets, (o) => text(o));
  }
  return Array.from(c.ids, (id) => c.entry(id).slice(1));
}

describe('search columns', () => {
  it('write integers near any base exactly, and read them back as written', () => {
    const rng = new Rng('int-text');
    for (let round = 0; round < 2000; round++) {
      const base = BigInt(rng.int(-3, 3)) * 10n ** BigInt(rng.int(0, 20)) + BigInt(rng.int(-1e9, 1e9));
      const off = rng.int(-(2 ** 40), 2 ** 40) * (rng.chance(0.5) ? 1 : 1000);
      expect(intFormatter(base.toString())(off)).toBe((base + BigInt(off)).toString());
    }
  });

  it('choose the encoding by what the leaves are, and keep every leaf', () => {
    const few = build(Array.from({ length: 300 }, (_, k) => [TOKEN_STRING, `v${k % 5}`]));
    expect(few.encoding).toBe(ENC_DICT8);
    expect(rawTokens(few)).toEqual(Array.from({ length: 300 }, (_, k) => `v${k % 5}`));

    const many = build(Array.from({ length: 3000 }, (_, k) => [TOKEN_STRING, `s${k % 1000}`]));
    expect(many.encoding).toBe(ENC_DICT16);

    const stamps = Array.from({ length: 6000 }, (_, k): [number, string] => [TOKEN_NUMBER, (1732700000000000000n + BigInt(k * 37)).toString()]);
    const ints = build(stamps);
    expect(ints.encoding).toBe(ENC_INT);
    expect(rawTokens(ints)).toEqual(stamps.map((t) => t[1]));

    // Integers past a dictionary's worth, then a string: the column turns to hashes without losing a leaf.
    const late = build([...Array.from({ length: 5000 }, (_, k): [number, string] => [TOKEN_NUMBER, String(k * 3)]), [TOKEN_STRING, 'late']]);
    expect(late.encoding).toBe(ENC_HASH);
    expect(late.hashes.length).toBe(2 * 5001);
  });

  it('store positions only where leaves are not one per event', () => {
    const sparse = new ColumnBuilder('p', '["p"]');
    for (const k of [3, 9, 9, 400]) sparse.add(k, TOKEN_NUMBER, '1');
    const c = new Column(columnSource(sparse.finish(0, 0, 500)));
    expect(Array.from(c.positions!)).toEqual([3, 9, 9, 400]);
    expect(build([[TOKEN_NUMBER, '1']]).positions).toBeNull();
  });

  it('refuse a stored column whose bytes changed (the index is rebuilt)', () => {
    const b = new ColumnBuilder('p', '["p"]');
    for (let k = 0; k < 10; k++) b.add(k, TOKEN_NUMBER, String(k));
    const row = b.finish(0, 0, 10);
    row.data = Uint8Array.from(row.data, (x, i) => (i === 0 ? x ^ 1 : x));
    expect(() => new Column(columnSource(row)).ids).toThrow(IndexDamagedError);
    const words = new ColumnBuilder('p', '["p"]');
    for (let k = 0; k < 10; k++) words.add(k, TOKEN_STRING, `w${k}`);
    const dictRow = words.finish(0, 0, 10);
    expect(() => new Column(columnSource({ ...dictRow, dict: dictRow.dict!.replace('w1', 'w7') }))).toThrow(IndexDamagedError);
  });
});
