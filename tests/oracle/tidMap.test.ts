// pyStrip (str.strip()) and pyIntBase0 (int(x, 0)) against python3.
import { beforeAll, describe, expect, it } from 'vitest';
import { PyError } from '../../src/main/py/value';
import { errOf, expectSame, PY_PRELUDE, Rng, runPython } from '../support/oracle';
import { pyIntBase0, pyStrip } from '../../src/main/diff/tidMap';

// int values travel as hex(): str() of a big int hits Python's own 4300-digit limit.
const SCRIPT =
  PY_PRELUDE +
  String.raw`
def main():
    inp = read_input()
    ints = []
    for s in inp['ints']:
        try:
            ints.append(['V', hex(int(s, 0))])
        except ValueError as e:
            ints.append(['E'] + err(e))
    strips = [s.strip() for s in inp['strips']]
    # which code points strip() removes (all of them), and which ones int() reads as a whole string
    # (planes 0-1, where every decimal digit of Unicode 14 lives, and a sample of the rest)
    stripped = [cp for cp in range(0x110000) if (chr(cp) * 2 + 'a' + chr(cp)).strip() == 'a']
    single = []
    for cp in list(range(0x20000)) + list(range(0x20000, 0x110000, 97)):
        try:
            single.append([cp, hex(int(chr(cp), 0))])
        except ValueError:
            pass
    write_output({'ints': ints, 'strips': strips, 'stripped': stripped, 'single': single})

main()
`;

type IntOutcome = ['V', string] | ['E', string, string];

function hex(v: bigint): string {
  return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16);
}

function ourInt(s: string): IntOutcome {
  try {
    return ['V', hex(pyIntBase0(s))];
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return ['E', ...errOf(e)];
  }
}

// prettier-ignore
const SPACES = [' ', '\t', '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680', '\u2000',
  '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\x00'];

// prettier-ignore
const HAND_WRITTEN = [
  '0', '-0', '+0', '00', '000', '0_0', '0_00', '00_', '07', '08', '010', '0_7', '1', '-1', '+5', '++5', '+-5', '-+5', '- 5',
  '1_000', '1__000', '_1', '1_', '1_000_', '0x1F', '0X1f', '0x', '0x_', '0x_1f', '0x__1f', '0x1_f', '0x1f_', '0xg', '0o17',
  '0O17', '0o8', '0o_7', '0b101', '0B101', '0b102', '0b_1', '0b', '0b_', ' -0x_1f ', '\t42\n', '\x0b7\x0c', '\x1c5', '5\x1f',
  '\x855\x85', '\xa0-3\u3000', '\u20001\u2028', '1 2', '1\x002', '1\x00', '', ' ', '-', '+', '_', '٣', '٣٣', '-٣', '0x٣',
  '０', '１２', '0x１', '𝟘𝟙', '²', '³1', '1²', 'é', '½', '1.0', '1e3', '0x1.8', '1j', 'inf', 'nan', '0_', '0__0', '٠٧',
  '9'.repeat(30), '-' + '9'.repeat(30), '0x' + 'f'.repeat(40), '0o' + '7'.repeat(40), '0b' + '1'.repeat(100),
  // Python's 4300-digit limit on decimal strings (not on 0x/0o/0b) and the order of its checks
  '1'.repeat(4300), '1'.repeat(4301), '-' + '1'.repeat(4301), ' ' + '1'.repeat(4301) + ' ', '1'.repeat(4301) + 'x',
  '1'.repeat(4301) + '_', '1'.repeat(4301) + '__1', '1_'.repeat(4300) + '1', '0'.repeat(4301), '0'.repeat(4300) + '1',
  '0' + '1'.repeat(4301), 'x' + '1'.repeat(4301), '0x' + 'f'.repeat(5000), '0b' + '1'.repeat(20000), '٣'.repeat(4301),
  // invalid-literal messages: the repr is cut to 200 characters
  'x'.repeat(199), 'x'.repeat(200), 'x'.repeat(250), 'é'.repeat(250), "'".repeat(250), '"'.repeat(100) + "'".repeat(100) + 'x',
  '\x00'.repeat(100), '😀'.repeat(300), '\ud800'.repeat(100), '\\'.repeat(150), 'a\nb'.repeat(80),
];

function randomIntText(rng: Rng): string {
  const alphabet = [
    '0',
    '1',
    '2',
    '7',
    '8',
    '9',
    'a',
    'f',
    'F',
    'g',
    'x',
    'X',
    'o',
    'O',
    'b',
    'B',
    '_',
    '_',
    '+',
    '-',
    ' ',
    '\t',
    '\x0b',
    '\x1c',
    '\xa0',
    '\u2000',
    '٣',
    '٠',
    '１',
    '𝟘',
    '²',
    'é',
    '\x00',
    '😀',
    '.',
    'e',
  ];
  if (rng.chance(0.4)) {
    const n = rng.int(0, 8);
    return Array.from({ length: n }, () => rng.pick(alphabet)).join('');
  }
  // A near-valid literal: padding, sign, prefix, digits with underscores.
  const pad = (): string => (rng.chance(0.3) ? rng.pick(SPACES) : '');
  const prefix = rng.pick(['', '', '', '0x', '0X', '0o', '0b', '0B', '0']);
  const digitsOf =
    prefix === '0x' || prefix === '0X' ? '0123456789abcdefABCDEF' : prefix === '0o' ? '01234567' : prefix === '0b' || prefix === '0B' ? '01' : '0123456789';
  let body = '';
  const n = rng.int(0, 10);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.15)) body += '_';
    body += rng.chance(0.05) ? rng.pick(['٣', '１', '9', 'g']) : digitsOf[rng.int(0, digitsOf.length - 1)];
  }
  if (rng.chance(0.1)) body += '_';
  return pad() + rng.pick(['', '', '+', '-']) + prefix + (rng.chance(0.2) ? '_' : '') + body + pad();
}

function randomStripText(rng: Rng): string {
  const n = rng.int(0, 10);
  return Array.from({ length: n }, () => (rng.chance(0.6) ? rng.pick(SPACES) : rng.pick(['a', 'b', '=', '6', 'é', '😀', '\ud800']))).join('');
}

describe('tidMap helpers match python3', () => {
  const rng = new Rng('tidMap.test');
  const ints = [...HAND_WRITTEN, ...Array.from({ length: 5000 }, () => randomIntText(rng))];
  const strips = [...SPACES.map((c) => c + 'x' + c), ...Array.from({ length: 3000 }, () => randomStripText(rng))];
  let python: { ints: IntOutcome[]; strips: string[]; stripped: number[]; single: [number, string][] };
  beforeAll(() => {
    python = runPython(SCRIPT, { ints, strips });
  });

  it('pyIntBase0 is int(x, 0): value or the same ValueError', () => {
    const mismatches = expectSame(ints, ints.map(ourInt), python.ints, 5000);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(python.ints.filter((o) => o[0] === 'V').length).toBeGreaterThan(1000);
    expect(python.ints.filter((o) => o[0] === 'E').length).toBeGreaterThan(1000);
  });

  it('pyIntBase0 reads exactly the one-character strings int() reads (Unicode decimal digits)', () => {
    const ours: [number, string][] = [];
    const cps = [...Array.from({ length: 0x20000 }, (_, i) => i), ...Array.from({ length: Math.ceil((0x110000 - 0x20000) / 97) }, (_, i) => 0x20000 + 97 * i)];
    for (const cp of cps) {
      try {
        ours.push([cp, hex(pyIntBase0(String.fromCodePoint(cp)))]);
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
      }
    }
    expect(python.single.length).toBeGreaterThan(600);
    expect(ours).toEqual(python.single);
  });

  it('pyStrip is str.strip()', () => {
    const mismatches = expectSame(strips, strips.map(pyStrip), python.strips, 3000);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('pyStrip removes exactly the code points str.strip() removes', () => {
    const ours: number[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      const c = String.fromCodePoint(cp);
      if (pyStrip(c + c + 'a' + c) === 'a') ours.push(cp);
    }
    expect(python.stripped.length).toBeGreaterThan(20);
    expect(ours).toEqual(python.stripped);
  });
});
