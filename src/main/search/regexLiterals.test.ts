import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { requiredLiterals } from './regexLiterals';

describe('the literals every match of a regex holds', () => {
  it('reads runs of plain characters, cut where anything else could come between', () => {
    expect(requiredLiterals('NtCreateFile', '')).toEqual(['NtCreateFile']);
    expect(requiredLiterals('Nt.*File', '')).toEqual(['Nt', 'File']);
    expect(requiredLiterals('Nt(Read|Write)File', '')).toEqual(['Nt', 'File']);
    expect(requiredLiterals('"status": "0x0+"', '')).toEqual(['"status": "0x', '0', '"']);
    expect(requiredLiterals('ab?c', '')).toEqual(['a', 'c']);
    expect(requiredLiterals('ab{0,3}c', '')).toEqual(['a', 'c']);
    expect(requiredLiterals('(?:abc){2}d', '')).toEqual(['abc', 'd']);
    expect(requiredLiterals('a\\.b\\\\c', '')).toEqual(['a.b\\c']);
    expect(requiredLiterals('\\d+x[yz]', '')).toEqual(['x']);
  });

  it('finds nothing certain where the alternatives share nothing for sure', () => {
    expect(requiredLiterals('NtReadFile|NtWriteFile', '')).toEqual([]);
    expect(requiredLiterals('(?=abc)', '')).toEqual([]);
  });

  it('never names a literal a matching line lacks (random patterns, random lines)', () => {
    const rng = new Rng('regex-literals');
    const atoms = ['a', 'b', 'ab', '.', '\\d', '[ab]', '(a|b)', '(?:ab)', 'x', '\\.', '"'];
    const quantifiers = ['', '', '', '?', '*', '+', '{0,2}', '{1,2}', '{2}'];
    let matched = 0;
    for (let round = 0; round < 400; round++) {
      const pattern = Array.from({ length: rng.int(1, 6) }, () => rng.pick(atoms) + rng.pick(quantifiers)).join(rng.chance(0.1) ? '|' : '');
      const re = new RegExp(pattern);
      const literals = requiredLiterals(pattern, '');
      for (let k = 0; k < 40; k++) {
        const line = Array.from({ length: rng.int(0, 10) }, () => rng.pick(['a', 'b', 'x', '.', '1', '"', 'ab'])).join('');
        if (!re.test(line)) continue;
        matched++;
        for (const l of literals) expect({ pattern, line, has: line.includes(l) }).toEqual({ pattern, line, has: true });
      }
    }
    expect(matched).toBeGreaterThan(1000);
  });
});
