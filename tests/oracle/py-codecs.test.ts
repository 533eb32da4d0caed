// py/codecs.ts, py/stdio.ts and the digit limit of py/format.ts against python3:
// bytes that are not UTF-8 decoded as sys.argv is, strings with lone
// surrogates encoded under every error handler, the handler python3 gives
// stdout in each environment, and str() of ints around 4300 digits.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeSurrogateEscape, encodeUtf8, type PyEncodeErrors } from '../../src/main/py/codecs';
import { intStr, pyRepr } from '../../src/main/py/format';
import { pythonStdoutErrors } from '../../src/main/py/stdio';
import { errOf, expectSame, PY_PRELUDE, Rng, runPython } from '../support/oracle';

const run = promisify(execFile);
const HANDLERS: PyEncodeErrors[] = ['strict', 'surrogateescape', 'surrogatepass', 'replace', 'ignore', 'backslashreplace', 'xmlcharrefreplace', 'namereplace'];

const SCRIPT =
  PY_PRELUDE +
  String.raw`
def main():
    inp = read_input()
    decoded = [bytes.fromhex(h).decode('utf-8', 'surrogateescape') for h in inp['bytes']]
    encoded = []
    for s, h in inp['texts']:
        try:
            encoded.append(['V', s.encode('utf-8', h).hex()])
        except UnicodeEncodeError as e:
            encoded.append(['E', type(e).__name__])
    ints = []
    for h in inp['ints']:
        v = int(h, 16)
        try:
            ints.append(['V', str(v), repr(v), json.dumps([v])])
        except ValueError as e:
            ints.append(['E'] + err(e))
    write_output({'decoded': decoded, 'encoded': encoded, 'ints': ints})

main()
`;

/** Bytes near UTF-8's edges: lead bytes, continuations, overlongs, surrogates, beyond U+10FFFF. */
function randomBytes(rng: Rng): Buffer {
  const pool = [0x41, 0x2f, 0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xee, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xf8, 0xfe, 0xff];
  const n = rng.int(0, 9);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.3)) out.push(...Buffer.from(rng.pick(['é', '€', '😀', '\ufffd', 'a'])));
    else out.push(rng.pick(pool));
  }
  return Buffer.from(out);
}

function randomText(rng: Rng): string {
  const pool = ['a', 'é', '😀', '\ud800', '\udbff', '\udc00', '\udc7f', '\udc80', '\udcff', '\udd00', '\udfff', '\ud83d', '\ude00', '\ufffd', '\\'];
  let s = '';
  const n = rng.int(0, 6);
  for (let i = 0; i < n; i++) s += rng.pick(pool);
  return s;
}

function ourEncode(s: string, h: PyEncodeErrors): ['V', string] | ['E', string] {
  try {
    return ['V', encodeUtf8(s, h).toString('hex')];
  } catch (e) {
    return ['E', errOf(e)[0]];
  }
}

function ourInt(h: string): string[] {
  const v = BigInt('0x' + h.replace('-', '')) * (h.startsWith('-') ? -1n : 1n);
  try {
    return ['V', intStr(v), pyRepr(v), `[${intStr(v)}]`];
  } catch (e) {
    return ['E', ...errOf(e)];
  }
}

describe('Python codecs, as python3 runs them', () => {
  const rng = new Rng('py-codecs');
  const bytes = Array.from({ length: 3000 }, () => randomBytes(rng));
  const texts = Array.from({ length: 3000 }, () => [randomText(rng), rng.pick(HANDLERS)] as [string, PyEncodeErrors]);
  // Around the limit: 10**4300 - 1 (4300 digits), 10**4300 (4301), their negatives, and hex forms a --tid-map can give.
  const edge = 10n ** 4300n;
  const ints = [edge - 1n, edge, -(edge - 1n), -edge, 16n ** 3571n - 1n, 16n ** 3572n - 1n, 2n ** 14284n, 8n ** 4762n, 0n, -1n, 2n ** 64n].map((v) =>
    v < 0n ? '-' + (-v).toString(16) : v.toString(16),
  );
  const python = runPython<{ decoded: string[]; encoded: (['V', string] | ['E', string])[]; ints: string[][] }>(SCRIPT, {
    bytes: bytes.map((b) => b.toString('hex')),
    texts,
    ints,
  });

  it('bytes.decode("utf-8", "surrogateescape"): what sys.argv holds', () => {
    expect(expectSame(bytes, bytes.map(decodeSurrogateEscape), python.decoded, 3000).slice(0, 5)).toEqual([]);
    // and back: the path's bytes again, exactly
    for (const b of bytes) expect(encodeUtf8(decodeSurrogateEscape(b), 'surrogateescape').equals(b)).toBe(true);
  });

  it('str.encode("utf-8", handler) for every handler, lone surrogates included', () => {
    const ours = texts.map(([s, h]) => ourEncode(s, h));
    expect(expectSame(texts, ours, python.encoded, 3000).slice(0, 5)).toEqual([]);
    expect(python.encoded.filter((o) => o[0] === 'E').length).toBeGreaterThan(300);
  });

  it('str(), repr() and json.dumps() of ints around the 4300-digit limit', () => {
    expect(expectSame(ints, ints.map(ourInt), python.ints).slice(0, 5)).toEqual([]);
    expect(python.ints.filter((o) => o[0] === 'E').length).toBe(4); // 10**4300, its negative, 16**3572 - 1, 8**4762
  });
});

describe("python3's stdout error handler, by environment", () => {
  // Environments whose answer does not depend on which locales are installed.
  const envs: Record<string, string>[] = [
    { PYTHONIOENCODING: 'utf-8' },
    { PYTHONIOENCODING: 'utf-8:surrogateescape' },
    { PYTHONIOENCODING: ':replace' },
    { PYTHONIOENCODING: 'UTF-8:backslashreplace' },
    { PYTHONIOENCODING: 'utf-8:', LANG: 'C.UTF-8' },
    { PYTHONIOENCODING: ':', LANG: 'C' },
    { LC_ALL: 'C.UTF-8' },
    { LC_ALL: 'C' },
    { LC_ALL: 'POSIX' },
    { LANG: 'C.UTF-8' },
    { LC_CTYPE: 'C.UTF-8', LANG: 'C' },
    { LC_ALL: '', LC_CTYPE: '', LANG: '' },
    {},
    { PYTHONUTF8: '1', LANG: 'C.UTF-8' },
    { PYTHONUTF8: '0', LC_ALL: 'C' },
  ];
  it(`${envs.length} environments: the handler python3 starts with`, async () => {
    const asked = await Promise.all(
      envs.map(async (overrides) => {
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...overrides };
        const { stdout } = await run('python3', ['-c', 'import sys; print(sys.stdout.errors, sys.stderr.errors)'], { env, encoding: 'utf8' });
        return { overrides, python: stdout.trim(), ours: `${pythonStdoutErrors(env)} backslashreplace` };
      }),
    );
    expect(asked.filter((a) => a.python !== a.ours)).toEqual([]);
    expect(new Set(asked.map((a) => a.python)).size).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
