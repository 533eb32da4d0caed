import { describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { matchesWithinOneToken } from './regexWithinToken';

describe('regexes whose every match lies inside one token of a line', () => {
  it('knows the usual ones', () => {
    for (const p of ['NtCreateFile', 'Nt[A-Za-z]*File', 'Nt(Read|Write)File', '0x[0-9A-F]{8}', '\\d{5,}', '\\bNt\\w+', 'a+', '(a)\\1', 'é+'])
      expect({ p, within: matchesWithinOneToken(p, '') }).toEqual({ p, within: true });
    expect(matchesWithinOneToken('ntcreate', 'i')).toBe(true);
  });

  it('refuses what may reach between tokens, look outside its match, or match nothing', () => {
    for (const p of [
      '"status"',
      'a b',
      'a.*b',
      '.',
      '^a',
      'a$',
      '(?=a)b',
      'a(?!b)',
      '(?<=a)b',
      '[^a]',
      '\\s',
      '\\W',
      '\\D',
      '[ -~]',
      'a,b',
      'a*',
      'x|',
      '\\b',
      '(a|\\s)',
      '\\p{L}',
    ])
      expect({ p, within: matchesWithinOneToken(p, 'u') }).toEqual({ p, within: false });
    expect(matchesWithinOneToken('[a--b]', 'v')).toBe(false);
  });

  it('finds a line as its tokens one by one do, when it says so (random patterns, random lines)', () => {
    const rng = new Rng('regex-within-token');
    const chars = ['a', 'b', 'A', '1', '0', '_', '-', '.', ' ', ':', ',', '"', '{', '[', 'é'];
    const word = (): string => Array.from({ length: rng.int(0, 5) }, () => rng.pick(chars)).join('');
    const value = (depth: number): unknown => {
      const roll = rng.float();
      if (roll < 0.35) return word();
      if (roll < 0.55) return rng.int(-5, 500);
      if (roll < 0.6) return rng.pick([true, false, null, 1.5]);
      if (depth > 2) return [];
      if (roll < 0.8) return Array.from({ length: rng.int(0, 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rng.int(0, 3) }, () => [word(), value(depth + 1)]));
    };
    // The tokens of a line as the index files them: keys and strings as written (escapes kept), numbers, literals.
    const tokens = (v: unknown, out: string[]): void => {
      if (typeof v === 'string') out.push(JSON.stringify(v).slice(1, -1));
      else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out.push(JSON.stringify(v));
      else if (Array.isArray(v)) for (const x of v) tokens(x, out);
      else
        for (const [k, x] of Object.entries(v as object)) {
          out.push(JSON.stringify(k).slice(1, -1));
          tokens(x, out);
        }
    };
    const atoms = [
      'a',
      'b',
      'A',
      '1',
      '_',
      '\\d',
      '\\w',
      '[ab]',
      '[0-9]',
      '(a|b)',
      '(?:1a)',
      '\\b',
      '\\B',
      '^',
      '$',
      '(?=a)',
      '(?<=1)',
      '.',
      ' ',
      ':',
      '"',
      '[^a]',
      '\\s',
      'é',
    ];
    const quantifiers = ['', '', '', '?', '*', '+', '{1,2}', '{2}'];
    let said = 0;
    let found = 0;
    for (let round = 0; round < 600; round++) {
      const pattern = Array.from({ length: rng.int(1, 4) }, () => {
        const a = rng.pick(atoms);
        return /^(\\[bB]|\^|\$|\(\?<?=)/.test(a) ? a : a + rng.pick(quantifiers);
      }).join(rng.chance(0.1) ? '|' : '');
      const flags = rng.pick(['', 'i', 'u', 'iu']);
      if (!matchesWithinOneToken(pattern, flags)) continue;
      said++;
      const re = new RegExp(pattern, flags);
      for (let k = 0; k < 30; k++) {
        const event = { tid: 1, kind: word(), payload: value(0) };
        const line = rng.chance(0.5) ? JSON.stringify(event) : JSON.stringify(event, null, 1).replace(/\n/g, ' ');
        const ts: string[] = [];
        tokens(event, ts);
        const inLine = re.test(line);
        if (inLine) found++;
        expect({ pattern, flags, line, inLine }).toEqual({ pattern, flags, line, inLine: ts.some((t) => re.test(t)) });
      }
    }
    expect(said).toBeGreaterThan(100);
    expect(found).toBeGreaterThan(1000);
  });
});
