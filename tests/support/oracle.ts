// Test support: python3 as the oracle for the Python-value layer, and a seeded
// generator of JSON texts. Not a test file itself (vitest runs *.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/main/generator/prng';
import type { PyValue } from '../../src/main/py/value';

/**
 * Runs `script` in ONE python3 process. The script reads the input from the
 * JSON file named by sys.argv[1] and writes its JSON answer to sys.argv[2]
 * (JSON keeps lone surrogates as \ud800 escapes both ways).
 */
export function runPython<T>(script: string, input: unknown): T {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-py-oracle-'));
  try {
    const inPath = join(dir, 'in.json');
    const outPath = join(dir, 'out.json');
    writeFileSync(inPath, JSON.stringify(input), 'utf8');
    const r = spawnSync('python3', ['-c', script, inPath, outPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`python3 exited with ${r.status}:\n${r.stderr}`);
    return JSON.parse(readFileSync(outPath, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Python helpers every oracle script starts with: `enc(v)` is an exact, typed
 * encoding of a json.loads value (ints as decimal strings, floats by their
 * IEEE bits, dicts as ordered [key, value] pairs); `err(e)` is an exception as
 * [type name, str(e)].
 */
export const PY_PRELUDE = String.raw`
import json, struct, sys

def enc(v):
    if v is None:
        return ['N']
    if v is True or v is False:
        return ['b', v]
    if type(v) is int:
        return ['i', str(v)]
    if type(v) is float:
        return ['f', 'nan' if v != v else struct.pack('>d', v).hex()]
    if type(v) is str:
        return ['s', v]
    if type(v) is list:
        return ['l', [enc(x) for x in v]]
    if type(v) is dict:
        return ['d', [[k, enc(x)] for k, x in v.items()]]
    raise TypeError(type(v))

def err(e):
    return [type(e).__name__, str(e)]

def read_input():
    with open(sys.argv[1], encoding='utf-8') as f:
        return json.load(f)

def write_output(out):
    sys.setrecursionlimit(20000)  # deeply nested encodings
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write(json.dumps(out))
`;

export type Enc = ['N'] | ['b', boolean] | ['i', string] | ['f', string] | ['s', string] | ['l', Enc[]] | ['d', [string, Enc][]];

function floatBits(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}

/** The TypeScript twin of the Python `enc`. */
export function enc(v: PyValue): Enc {
  if (v === null) return ['N'];
  switch (typeof v) {
    case 'boolean':
      return ['b', v];
    case 'bigint':
      return ['i', v.toString()];
    case 'number':
      return ['f', floatBits(v)];
    case 'string':
      return ['s', v];
  }
  if (Array.isArray(v)) return ['l', v.map(enc)];
  return ['d', [...v].map(([k, x]): [string, Enc] => [k, enc(x)])];
}

/** An exception as [type, message], the shape of the Python `err`. */
export function errOf(e: unknown): [string, string] {
  if (e instanceof Error && 'pyType' in e) {
    const pyType = (e as { pyType: string }).pyType;
    const msg = e.message.startsWith(pyType + ': ') ? e.message.slice(pyType.length + 2) : e.message;
    return [pyType, msg];
  }
  throw e; // not a modelled Python exception: let the test fail loudly
}

/** Compare outcomes case by case; fail with the first mismatches (input included), never vacuously. */
export function expectSame<I, O>(inputs: readonly I[], ours: readonly O[], python: readonly O[], minCases = 1): Mismatch<I, O>[] {
  if (ours.length !== python.length) throw new Error(`outcome counts differ: ${ours.length} vs ${python.length}`);
  if (inputs.length < minCases) throw new Error(`only ${inputs.length} cases, expected at least ${minCases}`);
  const bad: Mismatch<I, O>[] = [];
  for (let i = 0; i < inputs.length; i++) {
    if (JSON.stringify(ours[i]) !== JSON.stringify(python[i])) bad.push({ input: brief(inputs[i]!), ours: brief(ours[i]!), python: brief(python[i]!) });
  }
  return bad;
}

/** Long strings shortened, so that a failure report stays readable. */
function brief<T>(x: T): T {
  if (typeof x === 'string' && x.length > 240) return `${x.slice(0, 120)}…(${x.length} units)…${x.slice(-60)}` as T;
  if (Array.isArray(x)) return x.map(brief) as T;
  return x;
}
export interface Mismatch<I, O> {
  input: I;
  ours: O;
  python: O;
}

// ---------------------------------------------------------------------------
// Seeded JSON generation. A JSON value is generated as a small tree first so
// that tests can derive Python-equal (or nearly equal) variants of it, then
// rendered to text with random whitespace and escape spellings.

export type Node =
  | { t: 'lit'; text: string } // null, true, false, numbers, NaN/Infinity
  | { t: 'str'; s: string }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; entries: [string, Node][] };

const WS = ['', '', '', '', ' ', ' ', '  ', '\n', '\t', '\r\n', ' \n\t'];

const SPECIAL_CODE_POINTS = [
  0x00, 0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x1f, 0x20, 0x22, 0x27, 0x2f, 0x5c, 0x7e, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xa7, 0xad, 0xe9, 0xff, 0x100,
  0x378, 0x3b1, 0x61c, 0x200b, 0x200d, 0x2028, 0x2029, 0x202e, 0x2060, 0x3000, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff,
  0x10000, 0x1d7d8, 0x1f600, 0x1f9ff, 0xe0001, 0xe0100, 0xf0000, 0x10fffd, 0x10ffff,
];

/** A random code point, weighted towards the interesting ones. */
function randomCodePoint(rng: Rng): number {
  const r = rng.float();
  if (r < 0.45) return rng.int(0x20, 0x7e);
  if (r < 0.65) return rng.pick(SPECIAL_CODE_POINTS);
  if (r < 0.72) return rng.int(0, 0x1f);
  if (r < 0.8) return rng.int(0x80, 0x2ff);
  if (r < 0.9) return rng.int(0x300, 0xffff);
  return rng.int(0x10000, 0x10ffff);
}

export function randomString(rng: Rng, maxLen = 8): string {
  let s = '';
  const n = rng.int(0, maxLen);
  for (let i = 0; i < n; i++) s += String.fromCodePoint(randomCodePoint(rng));
  return s;
}

const KEY_POOL = [
  'a',
  'b',
  'A',
  'Z',
  'aa',
  'ab',
  '',
  '1',
  '2',
  '10',
  '01',
  '-1',
  '10.0',
  'kind',
  'tid',
  'payload',
  'a b',
  'é',
  'e\u0301',
  '\u00a0',
  '\u200b',
  '😀',
  '\uffff',
  '\ud800',
  '\udc00',
  '"',
  "'",
  '\\',
  '\u0000',
  '\u007f',
  '\u2028',
];

const SPECIAL_NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '7',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '18446744073709551617',
  '0.0',
  '-0.0',
  '0e0',
  '-0E-0',
  '1.0',
  '1e0',
  '1E+0',
  '0.1',
  '0.5',
  '2.5',
  '1e16',
  '1e15',
  '9999999999999998.0',
  '1e17',
  '1e22',
  '1e21',
  '1e-4',
  '1e-5',
  '0.0001',
  '0.00001',
  '0.000123',
  '1.5e-5',
  '5e-324',
  '4.9e-324',
  '2e-324',
  '1e-400',
  '-1e-400',
  '2.2250738585072014e-308',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '1e308',
  '1e309',
  '1e400',
  '-1e400',
  '9007199254740993.0',
  '9007199254740992.0',
  '18446744073709551616.0',
  '1.8446744073709552e19',
  '123456789012345678901234567890',
  '0.30000000000000004',
  '100000000000000000000000.0',
  'NaN',
  'Infinity',
  '-Infinity',
  '3.141592653589793',
  '1e-7',
  '12345.678e-3',
];

function randomDigits(rng: Rng, n: number, leadingNonZero: boolean): string {
  let s = leadingNonZero ? String(rng.int(1, 9)) : String(rng.int(0, 9));
  for (let i = 1; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** A double from 64 random bits (NaN patterns replaced), spelled as a JSON float text. */
export function randomDoubleText(rng: Rng): string {
  const dv = new DataView(new ArrayBuffer(8));
  for (;;) {
    dv.setUint32(0, rng.u32());
    dv.setUint32(4, rng.u32());
    const x = dv.getFloat64(0);
    if (Number.isFinite(x)) return floatText(x);
  }
}

/** A JSON text that both parsers read as exactly the float x (finite). */
export function floatText(x: number): string {
  const s = Object.is(x, -0) ? '-0.0' : String(x);
  return /[.e]/.test(s) ? s : s + '.0';
}

export function randomNumberText(rng: Rng): string {
  const r = rng.float();
  if (r < 0.25) return rng.pick(SPECIAL_NUMBERS);
  if (r < 0.45) return (rng.chance(0.3) ? '-' : '') + (rng.chance(0.2) ? '0' : randomDigits(rng, rng.int(1, rng.chance(0.2) ? 40 : 6), true));
  if (r < 0.6) return randomDoubleText(rng);
  // A hand-spelled float: int part, fraction, exponent.
  let t = rng.chance(0.3) ? '-' : '';
  t += rng.chance(0.3) ? '0' : randomDigits(rng, rng.int(1, 20), true);
  const frac = rng.chance(0.7);
  if (frac) t += '.' + randomDigits(rng, rng.int(1, 20), false);
  if (!frac || rng.chance(0.4)) t += rng.pick(['e', 'E']) + rng.pick(['', '+', '-']) + randomDigits(rng, rng.int(1, 3), false);
  return t;
}

export function randomNode(rng: Rng, depth = 0, maxDepth = 4): Node {
  const r = rng.float();
  const leaf = depth >= maxDepth || r < 0.55;
  if (leaf) {
    const q = rng.float();
    if (q < 0.08) return { t: 'lit', text: rng.pick(['null', 'true', 'false']) };
    if (q < 0.55) return { t: 'lit', text: randomNumberText(rng) };
    return { t: 'str', s: rng.chance(0.2) ? rng.pick(KEY_POOL) : randomString(rng) };
  }
  if (rng.chance(0.5)) {
    const items: Node[] = [];
    const n = rng.int(0, 5);
    for (let i = 0; i < n; i++) items.push(randomNode(rng, depth + 1, maxDepth));
    return { t: 'arr', items };
  }
  const entries: [string, Node][] = [];
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) entries.push([rng.chance(0.75) ? rng.pick(KEY_POOL) : randomString(rng, 4), randomNode(rng, depth + 1, maxDepth)]);
  return { t: 'obj', entries };
}

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };

function uEscape(rng: Rng, unit: number): string {
  const h = unit.toString(16).padStart(4, '0');
  return '\\u' + (rng.chance(0.3) ? h.toUpperCase() : h);
}

/** A JSON string literal for s, with randomly chosen (valid) escape spellings. */
export function renderString(rng: Rng, s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const short = SHORT_ESCAPES[cp];
    const isSurrogate = cp >= 0xd800 && cp <= 0xdfff;
    if (cp < 0x20 || cp === 0x22 || cp === 0x5c || (isSurrogate && rng.chance(0.9)) || rng.chance(0.1)) {
      if (short !== undefined && rng.chance(0.7)) out += short;
      else if (cp === 0x2f && rng.chance(0.5)) out += '\\/';
      else if (cp > 0xffff) out += uEscape(rng, ch.charCodeAt(0)) + uEscape(rng, ch.charCodeAt(1));
      else out += uEscape(rng, cp);
    } else out += ch;
  }
  return out + '"';
}

export function renderNode(rng: Rng, n: Node): string {
  const ws = (): string => rng.pick(WS);
  switch (n.t) {
    case 'lit':
      return n.text;
    case 'str':
      return renderString(rng, n.s);
    case 'arr':
      if (n.items.length === 0) return '[' + ws() + ']';
      return '[' + n.items.map((x) => ws() + renderNode(rng, x) + ws()).join(',') + ']';
    case 'obj':
      if (n.entries.length === 0) return '{' + ws() + '}';
      return '{' + n.entries.map(([k, x]) => ws() + renderString(rng, k) + ws() + ':' + ws() + renderNode(rng, x) + ws()).join(',') + '}';
  }
}

export function randomJsonText(rng: Rng, maxDepth = 4): string {
  return rng.pick(WS) + renderNode(rng, randomNode(rng, 0, maxDepth)) + rng.pick(WS);
}

/**
 * A variant of n that is often Python-equal to it (ints respelled as floats,
 * bools as ints, dict entries reordered) and sometimes slightly different.
 */
export function variantNode(rng: Rng, n: Node): Node {
  switch (n.t) {
    case 'lit': {
      const t = n.text;
      if (rng.chance(0.1)) return { t: 'lit', text: randomNumberText(rng) };
      if (t === 'true') return { t: 'lit', text: rng.pick(['true', '1', '1.0', '1e0']) };
      if (t === 'false') return { t: 'lit', text: rng.pick(['false', '0', '-0', '0.0', '-0.0']) };
      if (/^-?\d+$/.test(t)) return { t: 'lit', text: rng.pick([t, t + '.0', t + 'e0', t === '1' ? 'true' : t === '0' ? 'false' : t]) };
      if (t.endsWith('.0')) return { t: 'lit', text: rng.pick([t, t.slice(0, -2)]) };
      return n;
    }
    case 'str':
      return rng.chance(0.1) ? { t: 'str', s: n.s + 'x' } : n;
    case 'arr':
      if (rng.chance(0.05)) return { t: 'arr', items: n.items.slice(0, -1) };
      return { t: 'arr', items: n.items.map((x) => variantNode(rng, x)) };
    case 'obj': {
      const entries = n.entries.map(([k, x]): [string, Node] => [k, variantNode(rng, x)]);
      // Reordering entries keeps the dict equal unless a key repeats (the last value wins).
      if (rng.chance(0.5) && new Set(entries.map((e) => e[0])).size === entries.length) rng.shuffle(entries);
      if (rng.chance(0.05)) entries.pop();
      return { t: 'obj', entries };
    }
  }
}

export { Rng };
