// Python ==, <, <=, sorted(), hash-key identity, truthiness and type names of
// json.loads values, against python3 on the same JSON texts.
import { beforeAll, describe, expect, it } from 'vitest';
import { pyJsonLoads } from '../../src/main/py/parse';
import { canonicalNumber, pyCompare, pyEq, PyError, pyHashKey, pyLe, pyTruthy, pyTypeName, type PyValue } from '../../src/main/py/value';
import {
  enc,
  type Enc,
  errOf,
  expectSame,
  PY_PRELUDE,
  randomJsonText,
  randomNode,
  randomNumberText,
  randomString,
  renderNode,
  renderString,
  Rng,
  runPython,
  variantNode,
} from '../support/oracle';

// For a pair (a, b) of JSON texts, each loaded once (so every NaN is json's one
// NaN object, as in the reference), Python reports:
//   a == b, [a] == [b] (containers compare identical items as equal),
//   a < b, b < a, a <= b (each a bool or [TypeError, message]),
//   whether a and b are one dict key (or the TypeError of hashing them).
const SCRIPT =
  PY_PRELUDE +
  String.raw`
def attempt(f):
    try:
        return f()
    except TypeError as e:
        return err(e)

def main():
    inp = read_input()
    pairs = []
    for ta, tb in inp['pairs']:
        a = json.loads(ta)
        b = json.loads(tb)
        pairs.append([
            a == b,
            a != b,
            [a] == [b],
            attempt(lambda: a < b),
            attempt(lambda: b < a),
            attempt(lambda: a <= b),
            attempt(lambda: len({a: 0, b: 0}) == 1),
        ])
    singles = []
    for t in inp['singles']:
        v = json.loads(t)
        singles.append([bool(v), type(v).__name__, attempt(lambda: hash(v) is not None)])
    sorts = []
    for t in inp['sorts']:
        try:
            sorts.append(['V', enc(sorted(json.loads(t)))])
        except TypeError as e:
            sorts.append(['E'] + err(e))
    write_output({'pairs': pairs, 'singles': singles, 'sorts': sorts})

main()
`;

type Cmp = boolean | [string, string];
type PairOutcome = [boolean, boolean, boolean, Cmp, Cmp, Cmp, Cmp];
type SingleOutcome = [boolean, string, Cmp];
type SortOutcome = ['V', Enc] | ['E', string, string];

function attempt(f: () => boolean): Cmp {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return errOf(e);
  }
}

function ourPair(ta: string, tb: string): PairOutcome {
  const a = pyJsonLoads(ta);
  const b = pyJsonLoads(tb);
  return [
    pyEq(a, b),
    !pyEq(a, b),
    pyEq(a, b, true),
    attempt(() => pyCompare(a, b) < 0),
    attempt(() => pyCompare(b, a) < 0),
    attempt(() => pyLe(a, b)),
    attempt(() => pyHashKey(a) === pyHashKey(b)),
  ];
}

function ourSingle(t: string): SingleOutcome {
  const v = pyJsonLoads(t);
  return [pyTruthy(v), pyTypeName(v), attempt(() => pyHashKey(v) !== '')];
}

function ourSort(t: string): SortOutcome {
  const v = pyJsonLoads(t) as PyValue[];
  try {
    return ['V', enc([...v].sort(pyCompare))];
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return ['E', ...errOf(e)];
  }
}

const NUMBERS = [
  '0',
  '-0',
  '0.0',
  '-0.0',
  'false',
  'true',
  '1',
  '1.0',
  '-1',
  '-1.0',
  '2',
  '0.5',
  '-0.5',
  '1.5',
  '9007199254740992',
  '9007199254740993',
  '9007199254740992.0',
  '9007199254740994.0',
  '-9007199254740993',
  '-9007199254740992.0',
  '18446744073709551616',
  '18446744073709551617',
  '1.8446744073709552e19',
  '1e308',
  '1' + '0'.repeat(308),
  '1' + '0'.repeat(309),
  '1e400',
  'Infinity',
  '-Infinity',
  '-1e400',
  'NaN',
  '5e-324',
  '-5e-324',
  '9223372036854775807',
  '9223372036854775808',
  '9.223372036854776e18',
  '0.1',
  '0.30000000000000004',
];

const OTHERS = [
  'null',
  '""',
  '"a"',
  '"b"',
  '"ab"',
  '"A"',
  '"1"',
  '"😀"',
  '"\\uffff"',
  '"\\ud800"',
  '"\\ue000"',
  '"\\ud83d"',
  '[]',
  '[1]',
  '[1.0]',
  '[true]',
  '[1,2]',
  '[1,2,3]',
  '[2]',
  '[1,"a"]',
  '[1,2.5]',
  '[2,"b"]',
  '[NaN]',
  '[NaN,1]',
  '[NaN,2]',
  '[[NaN]]',
  '[null]',
  '[null,1]',
  '[{}]',
  '[{"a":1}]',
  '[[1],[2]]',
  '[[1],["x"]]',
  '["a",1]',
  '["a","b"]',
  '{}',
  '{"a":1}',
  '{"a":1.0}',
  '{"a":true}',
  '{"a":1,"b":2}',
  '{"b":2,"a":1}',
  '{"a":NaN}',
  '{"a":[NaN]}',
  '{"a":{"b":[1,{"c":2}]}}',
  '{"a":{"b":[1.0,{"c":2.0}]}}',
  '{"1":1}',
  '[[]]',
  '[[],[]]',
];

describe('value semantics match python3', () => {
  const rng = new Rng('value.test');
  const pool = [...NUMBERS, ...OTHERS];
  const pairs: [string, string][] = [];
  for (const a of pool) for (const b of pool) pairs.push([a, b]);
  // random values against Python-equal-ish variants of themselves, and against strangers
  for (let i = 0; i < 3000; i++) {
    const n = randomNode(rng, 0, 3);
    pairs.push([renderNode(rng, n), renderNode(rng, variantNode(rng, n))]);
  }
  for (let i = 0; i < 1500; i++) pairs.push([randomJsonText(rng, 2), randomJsonText(rng, 2)]);
  for (let i = 0; i < 1500; i++) pairs.push([randomNumberText(rng), randomNumberText(rng)]);
  for (let i = 0; i < 1000; i++) pairs.push([renderString(rng, randomString(rng, 4)), renderString(rng, randomString(rng, 4))]);

  const singles = [...pool, ...Array.from({ length: 1000 }, () => randomJsonText(rng, 2))];

  const sorts: string[] = [];
  const orderable = [
    (): string => rng.pick(NUMBERS.filter((t) => t !== 'NaN')),
    (): string => randomNumberText(rng).replace(/^-?NaN$/, '0'),
    (): string => renderString(rng, randomString(rng, 3)),
    (): string => '[' + Array.from({ length: rng.int(0, 3) }, () => rng.pick(['0', '1', '1.0', 'true', '2', '-1.5'])).join(',') + ']',
  ];
  for (let i = 0; i < 1500; i++) {
    const kind = rng.int(0, 3);
    const items = Array.from({ length: rng.int(0, 12) }, () => orderable[kind === 1 ? rng.int(0, 1) : kind]!());
    sorts.push('[' + items.join(',') + ']');
  }
  for (let i = 0; i < 400; i++) {
    // mixed kinds, short and long (longer than the sorts' minimum run, so merges happen too): TypeError somewhere, or not
    const rare = rng.chance(0.5) ? 0.03 : 0.3;
    const n = rng.int(0, rng.chance(0.5) ? 6 : 150);
    sorts.push(
      '[' + Array.from({ length: n }, () => (rng.chance(rare) ? rng.pick(['null', '{}', '"s"', '[1]']) : orderable[rng.int(0, 1)]!())).join(',') + ']',
    );
  }

  let python: { pairs: PairOutcome[]; singles: SingleOutcome[]; sorts: SortOutcome[] };
  let ourPairs: PairOutcome[];
  beforeAll(() => {
    python = runPython(SCRIPT, { pairs, singles, sorts });
    ourPairs = pairs.map(([a, b]) => ourPair(a, b));
  });

  const labels = ['a == b', 'a != b', '[a] == [b]', 'a < b', 'b < a', 'a <= b', 'one dict key'];
  labels.forEach((label, k) => {
    it(`${label} over ${pairs.length} pairs`, () => {
      const ours = ourPairs.map((p) => p[k]);
      const mismatches = expectSame(
        pairs,
        ours,
        python.pairs.map((p) => p[k]),
        1000,
      );
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  });

  it('the pairs cover equal and unequal, ordered and unorderable outcomes', () => {
    const eqs = python.pairs.map((p) => p[0]);
    expect(eqs.filter((x) => x).length).toBeGreaterThan(1000);
    expect(eqs.filter((x) => !x).length).toBeGreaterThan(1000);
    const msgs = new Set(
      python.pairs
        .flatMap((p) => [p[3], p[5], p[6]])
        .filter((x): x is [string, string] => Array.isArray(x))
        .map((e) => e[1]),
    );
    for (const m of [
      "'<' not supported between instances of 'str' and 'int'",
      "'<=' not supported between instances of 'dict' and 'dict'",
      "unhashable type: 'list'",
      "unhashable type: 'dict'",
      "'<' not supported between instances of 'NoneType' and 'NoneType'",
    ]) {
      expect(msgs).toContain(m);
    }
  });

  it('truthiness, type names and hashability', () => {
    const mismatches = expectSame(singles, singles.map(ourSingle), python.singles, 500);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('sorted() order (stable, int/float/bool mixed, code point order) and its TypeErrors', () => {
    // The TypeError names the first pair the sort compared: V8's TimSort is a
    // port of CPython's listsort, so even that agrees.
    const mismatches = expectSame(sorts, sorts.map(ourSort), python.sorts, 1500);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(python.sorts.filter((o) => o[0] === 'E').length).toBeGreaterThan(200);
  });

  it('canonicalNumber spells two numbers alike exactly when Python holds them equal', () => {
    // The oracle is [a] == [b] from the pairs (json's NaN is one object: equal to itself there).
    const numeric = (v: PyValue): v is boolean | bigint | number => ['boolean', 'bigint', 'number'].includes(typeof v);
    let checked = 0;
    const mismatches: unknown[] = [];
    pairs.forEach(([ta, tb], i) => {
      const a = pyJsonLoads(ta);
      const b = pyJsonLoads(tb);
      if (!numeric(a) || !numeric(b)) return;
      checked++;
      const same = canonicalNumber(a) === canonicalNumber(b);
      if (same !== python.pairs[i]![2]) mismatches.push({ ta, tb, ours: [canonicalNumber(a), canonicalNumber(b)] });
    });
    expect(checked).toBeGreaterThan(2000);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
