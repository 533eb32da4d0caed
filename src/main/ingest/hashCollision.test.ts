// A crafted collision against the payload hash Lockstep used before (a
// lane-wise sum of one hash per payload entry, with fixed seeds), found by a
// generalized-birthday search (Wagner's k-tree algorithm, 8 lists): two
// payloads of small integers that Python tells apart, which the old hash
// declared equal, so `--validate-identical` passed them. The same two payloads
// differ under the keyed, key-ordered combination of valueHash.ts, and the
// real CLI finds the divergence.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pyEq } from '../py/value';
import { entryBeginAscii, eventKey, feedSafeInt, PayloadEntries, TAG_NULL } from './valueHash';

// --- the old combination, as Lockstep had it (valueHash.ts before the keyed hash) ----------

let h1 = 0;
let h2 = 0;
function oldFeed(x: number): void {
  let k = Math.imul(x, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h1 ^= Math.imul(k, 0x1b873593);
  h1 = (h1 << 13) | (h1 >>> 19);
  h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  h2 = (h2 + Math.imul(x, 0x85ebca77)) | 0;
  h2 = (h2 << 13) | (h2 >>> 19);
  h2 = Math.imul(h2, 0x9e3779b1);
}
function oldFmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
/** The old hash of one payload entry `"key": small int`: two 32-bit words, which the old payload hash summed lane-wise. */
function oldEntry(key: string, v: number): [number, number] {
  h1 = 0x9747b28c;
  h2 = 0x2f9e1d33;
  oldFeed(7); // TAG_ENTRY
  oldFeed(key.length | 0x40000000);
  let last = 0;
  for (let i = 0, s = 0; i < key.length; i++, s += 8) last |= key.charCodeAt(i) << s;
  oldFeed(last); // keys of at most 4 ASCII characters: one word
  oldFeed(2); // TAG_INT
  oldFeed(v | 0);
  oldFeed(Math.floor(v / 4294967296) | 0);
  return [oldFmix(h1 ^ Math.imul(h2, 0x27d4eb2f)), oldFmix(h2 + 0x165667b1)];
}
function oldPayloadSum(p: Map<string, number>): [number, number] {
  let a = 0;
  let b = 0;
  for (const [k, v] of p) {
    const [x, y] = oldEntry(k, v);
    a = (a + x) >>> 0;
    b = (b + y) >>> 0;
  }
  return [a, b];
}

// --- Wagner's k-tree search for x1 + … + x8 = 0 in (Z/2^32)^2 ---------------------------------

interface Node {
  a: number; // lane 1 of the sum
  b: number; // lane 2
  left: number; // children at the level below (-1: a leaf)
  right: number;
  value: number; // leaves: the integer
}

const N = 1 << 16;
const KEYS = ['a', 'b', 'c', 'd'];

/** Bits [shift, shift + 16) of the lane the level works on. */
function bits(n: Node, level: number): number {
  const lane = level < 2 ? n.a : n.b;
  return (lane >>> (level % 2 === 0 ? 0 : 16)) & 0xffff;
}

/** Pairs (x, y) of two lists whose sums are zero on the level's 16 bits (and on the bits below, zero already). */
function merge(xs: Node[], ys: Node[], level: number, limit: number): Node[] {
  const byBits = new Map<number, number[]>();
  ys.forEach((y, j) => {
    const k = bits(y, level);
    let list = byBits.get(k);
    if (!list) byBits.set(k, (list = []));
    list.push(j);
  });
  const out: Node[] = [];
  for (let i = 0; i < xs.length && out.length < limit; i++) {
    const want = (0x10000 - bits(xs[i]!, level)) & 0xffff;
    for (const j of byBits.get(want) ?? []) {
      out.push({ a: (xs[i]!.a + ys[j]!.a) >>> 0, b: (xs[i]!.b + ys[j]!.b) >>> 0, left: i, right: j, value: 0 });
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** Two payloads over keys a, b, c, d whose old hash sums are equal, with every value different. */
function wagnerCollision(): { first: Map<string, number>; second: Map<string, number> } {
  // Lists 0..3: +h(key_i, v) for v in [0, N); lists 4..7: -h(key_i, v) for v in [N, 2N).
  const leaves: Node[][] = [];
  for (let l = 0; l < 8; l++) {
    const key = KEYS[l % 4]!;
    const base = l < 4 ? 0 : N;
    const list: Node[] = [];
    for (let v = 0; v < N; v++) {
      const [x, y] = oldEntry(key, base + v);
      list.push(
        l < 4
          ? { a: x, b: y, left: -1, right: -1, value: base + v }
          : { a: (0x100000000 - x) >>> 0, b: (0x100000000 - y) >>> 0, left: -1, right: -1, value: base + v },
      );
    }
    leaves.push(list);
  }
  // The tree: 8 lists -> 4 (zero on lane 1's low bits) -> 2 (lane 1's high bits) -> 1 (lane 2's low bits);
  // in the last list, a sum whose lane 2 is zero on its high bits too is zero altogether.
  const levels: Node[][][] = [leaves];
  for (let level = 0; level < 3; level++) {
    const below = levels[level]!;
    const above: Node[][] = [];
    for (let k = 0; k < below.length; k += 2) above.push(merge(below[k]!, below[k + 1]!, level, 4 * N));
    levels.push(above);
  }
  const top = levels[3]![0]!;
  const sol = top.find((n) => n.a === 0 && n.b === 0);
  if (!sol) throw new Error('no collision found');
  // Walk the tree down to the eight leaves.
  const values: number[] = [];
  const collect = (level: number, list: number, node: Node): void => {
    if (level === 0) {
      values[list] = node.value;
      return;
    }
    collect(level - 1, 2 * list, levels[level - 1]![2 * list]![node.left]!);
    collect(level - 1, 2 * list + 1, levels[level - 1]![2 * list + 1]![node.right]!);
  };
  collect(3, 0, sol);
  return {
    first: new Map(KEYS.map((k, i) => [k, values[i]!])),
    second: new Map(KEYS.map((k, i) => [k, values[i + 4]!])),
  };
}

/** The current key of a kernel.call whose payload is these small integers. */
function newKey(p: Map<string, number>): string {
  const entries = new PayloadEntries();
  const buf = Buffer.from(KEYS.join(''), 'latin1');
  for (const [k, v] of p) {
    const i = KEYS.indexOf(k);
    entryBeginAscii(buf, i, i + 1);
    feedSafeInt(v);
    entries.push(0, false);
  }
  const kind = new Uint32Array([TAG_NULL, 0, 0, 0]);
  const out = new Uint32Array(4);
  eventKey(kind, 'dict', entries, null, 0, false, out, 0);
  return out.join(',');
}

const ROOT = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'collision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a crafted hash collision', () => {
  const found = wagnerCollision();

  it('fools the old sum of entry hashes: two payloads Python tells apart, one old hash', () => {
    expect(pyEq(new Map([...found.first].map(([k, v]) => [k, BigInt(v)])), new Map([...found.second].map(([k, v]) => [k, BigInt(v)])))).toBe(false);
    for (const k of KEYS) expect(found.first.get(k)).not.toBe(found.second.get(k));
    expect(oldPayloadSum(found.first)).toEqual(oldPayloadSum(found.second));
  });

  it('does not fool the keyed, key-ordered combination', () => {
    expect(newKey(found.first)).not.toBe(newKey(found.second));
  });

  it.skipIf(!existsSync(join(ROOT, 'out/main/cli.js')))('and lockstep diff --validate-identical finds the divergence', () => {
    const line = (p: Map<string, number>): string =>
      JSON.stringify({ tid: 1, tid_event_idx: 0, kind: 'kernel.call', payload: Object.fromEntries([['name', 'NtClose'], ...p]) });
    const head = '{"kind": "schema_version", "schema_version": 1}';
    writeFileSync(join(dir, 'c.jsonl'), `${head}\n${line(found.first)}\n`);
    writeFileSync(join(dir, 'o.jsonl'), `${head}\n${line(found.second)}\n`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/lockstep'), 'diff', '--canary', join(dir, 'c.jsonl'), '--ours', join(dir, 'o.jsonl'), '--validate-identical'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^validate-identical: divergence in canary_tid=1 at tid_event_idx=0 \(payload\.a: canary=\d+ ours=\d+\)/);
  });
});
