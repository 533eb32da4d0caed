// Which strings a number finds (valueKeys.ts intSpelledBy): exactly those
// Python's int(s, 0) reads as that number, on thousands of random strings
// made of what such strings are made of, asked of python3 itself.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/generator/prng';
import { intSpelledBy } from '../../src/main/search/valueKeys';
import { runPython } from '../support/oracle';

const INT_BASE0 = String.raw`
import json, sys
out = []
for s in json.load(open(sys.argv[1], encoding='utf-8')):
    try:
        out.append(hex(int(s, 0)))  # str() of a huge int is refused (4300 digits); hex() is not
    except ValueError:
        out.append(None)
json.dump(out, open(sys.argv[2], 'w'))
`;

describe('strings a number finds', () => {
  it('are those Python int(s, 0) reads as it', () => {
    const rng = new Rng('int-base0');
    const pieces = [
      '0',
      '1',
      '7',
      '9',
      'a',
      'F',
      'x',
      'X',
      'o',
      'B',
      'b',
      '_',
      '+',
      '-',
      ' ',
      '\t',
      '\n',
      '\u0661',
      '\u00a0',
      '\u2003',
      'z',
      '.',
      'e',
      '0x',
      '0o',
      '0b',
    ];
    const strings = Array.from({ length: 8000 }, () => Array.from({ length: rng.int(0, 8) }, () => rng.pick(pieces)).join(''));
    strings.push('0xC0000034', ' 0x0 ', '1_000', '00', '0_0', '١٢', '+0b101', '-0x10', '0x_1', '1__0', '9'.repeat(4301), 'f'.repeat(5000).replace(/^/, '0x'));
    const python = runPython<(string | null)[]>(INT_BASE0, strings);
    const ours = strings.map((s) => {
      const n = intSpelledBy(s);
      return n === null ? null : BigInt(n) < 0n ? '-0x' + (-BigInt(n)).toString(16) : '0x' + BigInt(n).toString(16);
    });
    const differ = strings.map((s, k) => ({ s, python: python[k], ours: ours[k] })).filter((d) => d.python !== d.ours);
    expect(differ).toEqual([]);
    expect(python.filter((p) => p !== null).length).toBeGreaterThan(300); // many of them are numbers
  });
});
