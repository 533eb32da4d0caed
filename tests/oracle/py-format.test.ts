// repr / str / json.dumps(sort_keys=True) of json.loads values against python3,
// and jsonDumpsExact's round trip through both parsers.
import { beforeAll, describe, expect, it } from 'vitest';
import { floatRepr, jsonDumps, jsonDumpsExact, jsonDumpsSorted, pyRepr, pyStr, strRepr } from '../../src/main/py/format';
import { pyJsonLoads } from '../../src/main/py/parse';
import {
  enc,
  type Enc,
  expectSame,
  floatText,
  PY_PRELUDE,
  randomDoubleText,
  randomJsonText,
  randomNumberText,
  randomString,
  renderString,
  Rng,
  runPython,
} from '../support/oracle';

const SCRIPT =
  PY_PRELUDE +
  String.raw`
def main():
    inp = read_input()
    texts = []
    for t in inp['texts']:
        try:
            v = json.loads(t)
        except Exception as e:
            texts.append(['E'] + err(e))
            continue
        texts.append([type(v).__name__, repr(v), str(v), json.dumps(v, sort_keys=True), json.dumps(v, ensure_ascii=False, indent=2), json.dumps(v, ensure_ascii=False)])
    blocks = [[repr(s), json.dumps(s, sort_keys=True)] for s in inp['blocks']]
    exact = [[enc(json.loads(t)), enc(json.loads(x))] for t, x in inp['exact']]
    write_output({'texts': texts, 'blocks': blocks, 'exact': exact})

main()
`;

type TextOutcome = string[];
interface PyAnswer {
  texts: TextOutcome[];
  blocks: [string, string][];
  exact: [Enc, Enc][];
}

function ours(text: string): TextOutcome {
  const v = pyJsonLoads(text);
  const type =
    v === null
      ? 'NoneType'
      : typeof v === 'boolean'
        ? 'bool'
        : typeof v === 'bigint'
          ? 'int'
          : typeof v === 'number'
            ? 'float'
            : typeof v === 'string'
              ? 'str'
              : Array.isArray(v)
                ? 'list'
                : 'dict';
  if (type === 'float') expect(floatRepr(v as number)).toBe(pyRepr(v));
  if (type === 'str') expect(strRepr(v as string)).toBe(pyRepr(v));
  return [type, pyRepr(v), pyStr(v), jsonDumpsSorted(v), jsonDumps(v, { ensureAscii: false, indent: 2 }), jsonDumps(v, { ensureAscii: false })];
}

function bitsToDouble(bits: bigint): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, BigInt.asUintN(64, bits));
  return dv.getFloat64(0);
}
function doubleToBits(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}

/** Floats at and around every power of ten and the repr's exponent-switch boundaries. */
function boundaryFloatTexts(): string[] {
  const xs: number[] = [
    0,
    -0,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    1e16 - 2,
    1e16 + 2,
    9999999999999998,
    1e-4,
    1e-5,
    0.1,
    0.2,
    0.3,
    1 / 3,
    2 / 3,
    Math.PI,
    Math.E,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    123456789012345680000,
    1e21,
    1e22,
    1e23,
  ];
  for (let e = -325; e <= 309; e++) xs.push(Number(`1e${e}`), Number(`-9.5e${e}`), Number(`1.2345678901234567e${e}`));
  for (let k = -1074; k <= 1023; k += 7) xs.push(2 ** k);
  const out: string[] = [];
  for (const x of xs) {
    if (!Number.isFinite(x)) continue;
    const b = doubleToBits(x);
    for (const d of [-2n, -1n, 0n, 1n, 2n]) {
      const y = bitsToDouble(b + d);
      if (Number.isFinite(y) && Math.sign(y) === Math.sign(x)) out.push(floatText(y));
    }
  }
  out.push(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e400',
    '1e-400',
    '-1e-400',
    '-0.0',
    '0e0',
    '-0e-5',
    '1E16',
    '1e+16',
    '10000000000000000.0',
    '9999999999999999.0',
    '0.00009999999999999999',
    '0.0001',
    '0.00001',
    '1.5e-5',
  );
  return out;
}

const STRING_TEXTS = [
  '""',
  '"a"',
  '"\'"',
  '"\\""',
  '"\'\\""',
  '"a\'b"',
  '"a\\"b"',
  '"\'\'\\"\\""',
  '"\\\\"',
  '"\\\\\'"',
  '"\\\\\\""',
  '"\\b\\f\\n\\r\\t\\/"',
  '"\\u0000\\u0001\\u001f\\u0020\\u007e\\u007f\\u0080\\u009f\\u00a0\\u00ad\\u00ff"',
  '"\\u0100\\u0378\\u200b\\u200e\\u2028\\u2029\\u3000\\ue000\\ufeff\\ufffd\\uffff"',
  '"\\ud800"',
  '"\\udfff"',
  '"\\ud800a\\udc00"',
  '"\\udc00\\ud800"',
  '"\\ud83d\\ude00"',
  '"😀"',
  '"\\udb40\\udc01"',
  '"\\udbff\\udfff"',
  '"\\ud835\\udfd8"',
  '"é e\u0301 ß Ω Я 中 🇺🇳"',
  '"\u00a0\u1680\u2000\u205f"',
  '"tab\\there"',
  '"\'😀\\u0000"',
];

/** Every code point, in blocks that never put a high surrogate right before a low one. */
function codePointBlocks(): string[] {
  const blocks: string[] = [];
  for (let start = 0; start < 0x110000; start += 1024) {
    let s = '';
    for (let cp = start; cp < start + 1024; cp++) s += String.fromCodePoint(cp);
    blocks.push(s);
  }
  return blocks;
}

describe('format functions match python3', () => {
  const rng = new Rng('format.test');
  const groups: Record<string, string[]> = {
    boundaryFloats: boundaryFloatTexts(),
    randomBitFloats: Array.from({ length: 4000 }, () => randomDoubleText(rng)),
    randomNumbers: Array.from({ length: 3000 }, () => randomNumberText(rng)),
    strings: STRING_TEXTS,
    randomStrings: Array.from({ length: 3000 }, () => renderString(rng, randomString(rng, 12))),
    quoteMixes: Array.from({ length: 500 }, () =>
      renderString(rng, Array.from({ length: rng.int(0, 6) }, () => rng.pick(["'", '"', 'a', '\\', '\n'])).join('')),
    ),
    keyOrder: [
      '{"\\uffff":1,"😀":2,"\\ud800":3,"a":4,"\\ud83d":5,"\\ue000":6,"\\udc00":7,"":8,"A":9,"\\u0000":10}',
      '{"b":1,"a":2,"b":3}',
      '{"10":1,"2":2,"1":3,"01":4,"-1":5}',
      '{"a":{"z":1,"y":[{"d":1,"c":2}]},"B":[]}',
      '{"é":1,"e":2,"f":3,"\\u00e9":4}',
      '[{}, [], {"a":[]}, [[]], ""]',
    ],
    randomValues: Array.from({ length: 3000 }, () => randomJsonText(rng)),
  };
  const blocks = codePointBlocks();
  const exactInputs: [string, string][] = groups
    .randomValues!.concat(groups.keyOrder!, groups.strings!, groups.boundaryFloats!)
    .map((t) => [t, jsonDumpsExact(pyJsonLoads(t))]);
  let python: PyAnswer;
  const pythonTexts: Record<string, TextOutcome[]> = {};

  beforeAll(() => {
    python = runPython<PyAnswer>(SCRIPT, { texts: Object.values(groups).flat(), blocks, exact: exactInputs });
    let at = 0;
    for (const [name, texts] of Object.entries(groups)) {
      pythonTexts[name] = python.texts.slice(at, at + texts.length);
      at += texts.length;
    }
  });

  for (const name of Object.keys(groups)) {
    it(`${name}: type, repr, str and json.dumps(sort_keys=True)`, () => {
      const texts = groups[name]!;
      const mismatches = expectSame(texts, texts.map(ours), pythonTexts[name]!, 6);
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  }

  it('the float groups really hold floats, exponent forms and specials', () => {
    const floats = [...pythonTexts.boundaryFloats!, ...pythonTexts.randomBitFloats!];
    expect(floats.every((o) => o[0] === 'float')).toBe(true);
    const reprs = new Set(floats.map((o) => o[1]));
    for (const r of ['inf', '-inf', 'nan', '-0.0', '5e-324']) expect(reprs).toContain(r);
    expect(floats.some((o) => /e\+/.test(o[1]!))).toBe(true);
    expect(floats.some((o) => /e-0\d$/.test(o[1]!))).toBe(true);
  });

  it('repr and json.dumps of every code point (the non-printable table and the escapes)', () => {
    const ourBlocks = blocks.map((s): [string, string] => [strRepr(s), jsonDumpsSorted(s)]);
    const mismatches = expectSame(
      blocks.map((s) => s.codePointAt(0)!.toString(16)),
      ourBlocks,
      python.blocks,
      1000,
    );
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('jsonDumpsExact reads back to the same value, in our parser and in Python', () => {
    const ourRoundTrip = exactInputs.map(([t, x]): [Enc, Enc] => [enc(pyJsonLoads(t)), enc(pyJsonLoads(x))]);
    // Both parsers must give the original value back from the exact text...
    const ourBad = ourRoundTrip.filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
    expect(ourBad.slice(0, 5)).toEqual([]);
    // ...and Python's reading of it must be Python's reading of the original text, which is ours.
    const mismatches = expectSame(exactInputs, ourRoundTrip, python.exact, 3000);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('jsonDumps for strict JSON consumers', () => {
  it('tags non-finite floats so that the text stays strict JSON (docs/report-json.md)', () => {
    const v = pyJsonLoads('{"a": NaN, "b": [Infinity, -Infinity], "c": 1.5, "d": 18446744073709551617}');
    const text = jsonDumps(v, { nonFinite: 'tagged' });
    expect(JSON.parse(text.replace('18446744073709551617', '0'))).toEqual({
      a: { $float: 'NaN' },
      b: [{ $float: 'Infinity' }, { $float: '-Infinity' }],
      c: 1.5,
      d: 0,
    });
    expect(text).toContain('18446744073709551617');
  });
});
