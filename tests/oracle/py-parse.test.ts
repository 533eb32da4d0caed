// pyJsonLoads against Python's json.loads: values (typed, exact) and error
// messages (the full str() of JSONDecodeError, RecursionError, ValueError).
import { beforeAll, describe, expect, it } from 'vitest';
import { JsonDecodeError, PYTHON_INT_MAX_STR_DIGITS, PYTHON_MAX_NESTING, pyJsonLoads } from '../../src/main/py/parse';
import { enc, type Enc, expectSame, PY_PRELUDE, randomJsonText, Rng, runPython } from '../support/oracle';

type Outcome = ['V', Enc] | ['E', string, string, number?, number?, number?];

// json.loads is called at the same Python stack depth as in the reference
// (<module> -> main() -> load_events() -> json.loads), because that depth
// decides where Python's RecursionError starts.
const SCRIPT =
  PY_PRELUDE +
  String.raw`
def load(text):
    return json.loads(text)

def main():
    texts = read_input()
    limit = sys.getrecursionlimit()
    out = []
    for t in texts:
        try:
            v = load(t)
        except json.JSONDecodeError as e:
            out.append(['E', 'JSONDecodeError', str(e), e.pos, e.lineno, e.colno])
            continue
        except (RecursionError, ValueError) as e:
            out.append(['E', type(e).__name__, str(e)])
            continue
        sys.setrecursionlimit(20000)
        try:
            out.append(['V', enc(v)])
        finally:
            sys.setrecursionlimit(limit)
    write_output(out)

main()
`;

function ours(text: string): Outcome {
  try {
    return ['V', enc(pyJsonLoads(text))];
  } catch (e) {
    if (!(e instanceof JsonDecodeError)) throw e;
    if (e.pyType === 'JSONDecodeError') return ['E', e.pyType, e.message, e.pos, e.lineno, e.colno];
    return ['E', e.pyType, e.message];
  }
}

// One line per kind of input reads better than one token per line.
// prettier-ignore
const HAND_WRITTEN: string[] = [
  // literals and numbers
  'null', 'true', 'false', 'NaN', 'Infinity', '-Infinity', '0', '-0', '-0.0', '0.0', '1', '-1', '1.5', '1e5', '1E5',
  '1e+5', '1e-5', '1.5e300', '1e400', '-1e400', '1e-400', '5e-324', '9007199254740993', '18446744073709551616',
  '-18446744073709551617', '1.0e+0', '0e0', '123456789012345678901234567890.5',
  // whitespace
  ' 1 ', '\t\n\r 1\r\n', '\n\n  [1,\n 2]\n', ' ', '', '\n', '\u00a01', '1\u00a0', '\u20281', '\x0c1',
  // BOM
  '\ufeff1', '\ufeff', ' \ufeff1', '"\ufeff"', '1\ufeff',
  // number edge cases
  '01', '00', '-01', '1.', '1.e5', '.5', '-', '--1', '+1', '-a', '1e', '1e+', '1E-', '1ex', '1.5e', '0x10', '1_000',
  '-NaN', '-Infinityx', 'NaNx', 'nan', 'inf', 'Infinit', '-Infinit', 'Nan', 'nul', 'nulll', 'tru', 'truex', 'fals',
  'falsey', 'null null', '1 2', '[1 2]', '1.5.5', '1e5e5', '0.e1', '2.', '[1.]', '[-]', '[1e]', '{"a":1e}', '[01]',
  '1' + 'e'.repeat(1), '-0x', '٣', '１',
  // strings and escapes
  '""', '"a"', '"\\"', '"\\\\"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\x41"', '"\\a"', '"\\0"', '"\\\'"', '"\\U0001F600"',
  '"\\u0041"', '"\\u00e9"', '"\\u00E9"', '"\\u004"', '"\\u004g"', '"\\u"', '"\\u12"', '"\\u123"', '"\\u1234', '"\\u12345"',
  '"\\ud800"', '"\\udc00"', '"\\ud800\\udc00"', '"\\ud83d\\ude00"', '"\\uD83D\\uDE00"', '"\\ud800\\u0041"',
  '"\\ud800\\ud800\\udc00"', '"\\udc00\\ud800"', '"\\ud800\\udc0"', '"\\ud800\\udc0g"', '"\\ud800\\u"', '"\\ud800\\',
  '"\\ud800\\"', '"\\ud800\\x"', '"\\ud800\\udc00', '"\\ud800x"', '"\\ud800\\n"', '"\\', '"\\"', '"abc', '"', '"a\\',
  '"\\u0000"', '"\\u001f"', '"\\u007f"', '"\\u2028\\u2029"', '"\\uffff"', '"\\ufeff"',
  '"a\u0000b"', '"a\u001fb"', '"a\tb"', '"a\nb"', '"\u007f"', '"\u0080"', '"\u2028"', '"😀"', '"é"', '"\ud800"',
  '"a\\u00"', '"\\u00"', '"\\u0"', '"\\uzzzz"', '"\\u-123"', '"\\u+123"', '"\\u 123"', '"\\u０１２３"',
  '["\\"]', '["\\', '["\\u', '["\\u12', '{"\\u', '"a\\', '"x\\\\', '"\\\\\\"',
  // arrays
  '[]', '[ ]', '[', '[1', '[1,', '[1,]', '[,1]', '[,]', '[1,,2]', '[1 ,2 ]', '[1;2]', '[1]]', '[[]', '[[1],[2,[3]]]',
  ']', '[}', '[1}', '[null,true,false,NaN,Infinity,-Infinity]', '[-Infinity1]', '[NaN,]', '[1, ]', '[\n1\n,\n]',
  // objects
  '{}', '{ }', '{', '{"a"', '{"a":', '{"a":}', '{"a" 1}', '{"a":1', '{"a":1,', '{"a":1,}', '{"a":1 "b":2}', '{1:2}',
  "{'a':1}", '{a:1}', '{"a":1}}', '{"a";1}', '{"a":1;"b":2}', '{,}', '{"a":1,,"b":2}', '}', '{]',
  '{"a":1,"a":2}', '{"a":1,"b":2,"a":3}', '{"10":1,"2":2,"1":3}', '{"b":1,"a":2,"b":3,"c":4}', '{"":0,"":1}',
  '{"a":{"a":{"a":{}}}}', '{"\\u0061":1,"a":2}', '{"\\ud800":1,"\\ud800\\udc00":2,"𐀀":3}',
  '{"a":[1,{"b":[2,{"c":NaN}]}]}', '{"a"\n:\n1\n,\n"b":\n}', '{\n"a": 1,\n"b" 2}',
  // trailing garbage, multi-line positions, code points (not UTF-16 units) in positions
  '1 x', '[1] [2]', '{} {}', '"a" "b"', '1\n2', '1\n\n  2', '[1,\n2,\nx]', '"😀😀" x', '["😀", x]', '{"😀":1,}',
  '["𐀀\n😀", 1,]', '"😀\\q"', '"😀\u0001"', '"😀', '[\n"😀😀",\n\u0001]', '\n\n\n', '[\n\n', '{\n"a":1,\n\n',
  '"\\n\n"', '["a",\n"b\n"]',
];

function deep(n: number, open: string, close: string, inner = ''): string {
  return open.repeat(n) + inner + close.repeat(n);
}

function nestingTexts(): string[] {
  const out: string[] = [];
  for (const n of [PYTHON_MAX_NESTING - 1, PYTHON_MAX_NESTING, PYTHON_MAX_NESTING + 1, PYTHON_MAX_NESTING + 5]) {
    out.push(deep(n, '[', ']'));
    out.push(deep(n, '{"a":', '}', '1'));
    out.push('['.repeat(Math.floor(n / 2)) + deep(n - Math.floor(n / 2), '{"k":', '}', '[]') + ']'.repeat(Math.floor(n / 2)));
    out.push(deep(n, '[', ']').slice(0, -1)); // unterminated: the recursion error (if any) still comes first
    out.push('{"tid":1,"x":' + deep(n - 1, '[', ']') + '}');
  }
  return out;
}

function digitLimitTexts(): string[] {
  const d = PYTHON_INT_MAX_STR_DIGITS;
  const nines = (n: number): string => '9'.repeat(n);
  return [
    nines(d),
    nines(d + 1),
    '-' + nines(d),
    '-' + nines(d + 1),
    '1' + '0'.repeat(d),
    '[' + nines(d + 1) + ']',
    '{"a":' + nines(d + 50) + '}',
    nines(d + 1) + '.0',
    nines(d + 1) + 'e0',
    '0.' + nines(d + 1),
    nines(d + 1) + 'x',
    '[' + nines(d + 1),
    '[1,' + nines(d + 1) + ',"unterminated',
    '-' + nines(d + 1) + '.',
  ];
}

/** Every prefix, and random one-character edits, of valid texts: a wide net for error-message parity. */
function malformedTexts(rng: Rng, bases: string[]): string[] {
  const pool = [
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    ' ',
    '\n',
    '\u0000',
    '\u001f',
    'u',
    'x',
    '0',
    '1',
    '-',
    '.',
    'e',
    'E',
    '+',
    'N',
    'I',
    'n',
    't',
    'f',
    '😀',
    'é',
    '\ud800',
    '\ufeff',
    "'",
    '/',
  ];
  const out: string[] = [];
  for (const [i, t] of bases.entries()) {
    if (i < 150) for (let k = 0; k < t.length; k++) out.push(t.slice(0, k));
    for (let m = 0; m < 4; m++) {
      const at = rng.int(0, t.length);
      const op = rng.int(0, 2);
      if (op === 0) out.push(t.slice(0, at) + rng.pick(pool) + t.slice(at));
      else if (op === 1) out.push(t.slice(0, at) + rng.pick(pool) + t.slice(at + 1));
      else out.push(t.slice(0, at) + t.slice(at + 1));
    }
  }
  return out;
}

describe('pyJsonLoads matches python3 json.loads', () => {
  const rng = new Rng('parse.test');
  const random = Array.from({ length: 3000 }, () => randomJsonText(rng));
  const groups: Record<string, string[]> = {
    handWritten: HAND_WRITTEN,
    nesting: nestingTexts(),
    digitLimit: digitLimitTexts(),
    random,
    malformed: malformedTexts(rng, random.slice(0, 1500)),
  };
  let python: Record<string, Outcome[]> = {};

  beforeAll(() => {
    const all = Object.values(groups).flat();
    const results = runPython<Outcome[]>(SCRIPT, all);
    let at = 0;
    python = {};
    for (const [name, texts] of Object.entries(groups)) {
      python[name] = results.slice(at, at + texts.length);
      at += texts.length;
    }
  });

  for (const name of Object.keys(groups)) {
    it(`${name} texts: same value or same error`, () => {
      const texts = groups[name]!;
      const mismatches = expectSame(texts, texts.map(ours), python[name]!, 10);
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  }

  it('the generated cases exercise both outcomes and every error kind', () => {
    const all = Object.values(python).flat();
    const kinds = new Set(all.map((o) => (o[0] === 'V' ? 'value' : o[1])));
    expect([...kinds].sort()).toEqual(['JSONDecodeError', 'RecursionError', 'ValueError', 'value']);
    const messages = new Set(all.filter((o) => o[0] === 'E' && o[1] === 'JSONDecodeError').map((o) => String(o[2]).split(': line ')[0]));
    for (const m of [
      'Expecting value',
      'Extra data',
      "Expecting ',' delimiter",
      "Expecting ':' delimiter",
      'Expecting property name enclosed in double quotes',
      'Unterminated string starting at',
      'Invalid control character at',
      'Invalid \\escape',
      'Invalid \\uXXXX escape',
      'Unexpected UTF-8 BOM (decode using utf-8-sig)',
    ]) {
      expect(messages).toContain(m);
    }
  });
});
