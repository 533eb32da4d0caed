import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyJsonLoads } from '../py/parse';
import { pyEq, type PyValue } from '../py/value';
import { hashValue, InexactNumber, type JsonLike } from './valueHash';

// JSON texts with the values that make equality tricky.
const scalar = fc.oneof(
  fc.constantFrom('1', '1.0', 'true', '0', '0.0', '-0', '-0.0', 'false', 'null', '1e16', '10000000000000000', '2.5', '2.50', '25e-1'),
  fc.constantFrom('9007199254740992', '9007199254740993', '9007199254740992.0', '18446744073709551615', '1e300', '1.5', '0.1'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a"', '"é"', '"\\u00e9"', '"😀"', '"\\ud83d\\ude00"'),
);
const json = fc.letrec<{ value: string; list: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('object')),
  list: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
  object: fc
    .array(fc.tuple(fc.constantFrom('a', 'b', '10', '2', 'é', ''), tie('value')), { maxLength: 4 })
    .map((kvs) => `{${kvs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).value;

function fastHash(text: string): [number, number] | 'inexact' {
  try {
    return hashValue(JSON.parse(text) as JsonLike, false);
  } catch (e) {
    if (e instanceof InexactNumber) return 'inexact';
    throw e;
  }
}

describe('valueHash', () => {
  it('gives the JSON.parse reading and the exact reading of a text one hash (or declines the fast one)', () => {
    fc.assert(
      fc.property(json, (text) => {
        const fast = fastHash(text);
        const exact = hashValue(pyJsonLoads(text) as JsonLike, true);
        if (fast !== 'inexact') expect(fast).toEqual(exact);
      }),
      { seed: 20261127, numRuns: 3000 },
    );
  });

  it('declines the fast path exactly where JSON.parse could have rounded an integer', () => {
    expect(fastHash('9007199254740993')).toBe('inexact');
    expect(fastHash('[1e400]')).toBe('inexact');
    expect(fastHash('{"a": 9007199254740991}')).not.toBe('inexact');
  });

  it('hashes Python-equal values alike and tells apart values Python tells apart', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const va = pyJsonLoads(a);
        const vb = pyJsonLoads(b);
        const same = hashValue(va as JsonLike).join() === hashValue(vb as JsonLike).join();
        // nested=true: inside a payload value NaN cannot occur here, and dict/list equality is Python's
        expect(same).toBe(pyEq(va, vb, true));
      }),
      { seed: 7, numRuns: 5000 },
    );
  });

  it('treats the classic look-alikes as Python does', () => {
    const h = (t: string): string => hashValue(pyJsonLoads(t) as JsonLike).join();
    const cases: [string, string, boolean][] = [
      ['1', '1.0', true],
      ['1', 'true', true],
      ['0', 'false', true],
      ['1e16', '10000000000000000', true],
      ['2.5', '2.50', true],
      ['9007199254740993', '9007199254740992', false],
      ['9007199254740993', '9007199254740992.0', false],
      ['{"a":1,"b":2}', '{"b":2,"a":1}', true],
      ['[1,2]', '[2,1]', false],
      ['"1"', '1', false],
      ['null', 'false', false],
      ['{}', '[]', false],
    ];
    for (const [a, b, eq] of cases) {
      expect(pyEq(pyJsonLoads(a) as PyValue, pyJsonLoads(b) as PyValue), `${a} == ${b}`).toBe(eq);
      expect(h(a) === h(b), `hash(${a}) == hash(${b})`).toBe(eq);
    }
  });
});
