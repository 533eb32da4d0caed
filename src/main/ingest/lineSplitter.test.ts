import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { splitLines } from './lineSplitter';

const dir = mkdtempSync(join(tmpdir(), 'lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  text: string;
  offset: number;
  lineNo: number;
}

function ourLines(path: string, chunk: number): Line[] | { invalidAt: number } {
  const out: Line[] = [];
  try {
    splitLines(
      path,
      {
        line: (buf, s, e, offset, lineNo) => out.push({ text: buf.toString('utf8', s, e), offset, lineNo }),
        invalidUtf8: (n) => {
          throw Object.assign(new Error('invalid'), { lineNo: n });
        },
        progress: () => {},
      },
      chunk,
    );
  } catch (e) {
    return { invalidAt: (e as { lineNo: number }).lineNo };
  }
  return out;
}

/** Python's text-mode reading (universal newlines), the way the reference reads a log: one process for many files. */
function pythonLines(paths: string[]): (string[] | 'UnicodeDecodeError')[] {
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import json,sys
out = []
for p in sys.argv[1:]:
    try:
        with open(p, 'r', encoding='utf-8') as f:
            out.append([l.rstrip('\\n') for l in f])
    except UnicodeDecodeError:
        out.append('UnicodeDecodeError')
print(json.dumps(out))`,
      ...paths,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(r.stdout) as (string[] | 'UnicodeDecodeError')[];
}

describe('splitLines', () => {
  const rng = new Rng('lines');
  const pieces = ['{"a": 1}', 'é', '😀', '', ' ', 'x'.repeat(40), '\r\n', '\n', '\r', '\r\r\n', '\n\r'];
  const samples: Buffer[] = [];
  for (let i = 0; i < 60; i++) {
    let s = '';
    const n = rng.int(0, 30);
    for (let k = 0; k < n; k++) s += rng.pick(pieces);
    samples.push(Buffer.from(s, 'utf8'));
  }
  samples.push(Buffer.from('no newline at the end'));
  samples.push(Buffer.from('ends with cr\r'));
  samples.push(Buffer.from(''));

  it('splits like Python universal newlines, whatever the chunk size', () => {
    const paths = samples.map((bytes, i) => {
      const path = join(dir, `s${i}.txt`);
      writeFileSync(path, bytes);
      return path;
    });
    const python = pythonLines(paths);
    samples.forEach((bytes, i) => {
      const path = paths[i]!;
      const expected = python[i];
      for (const chunk of [1, 2, 3, 7, 64, 4 << 20]) {
        const got = ourLines(path, chunk);
        expect(Array.isArray(got), `sample ${i} chunk ${chunk}`).toBe(true);
        const lines = got as Line[];
        expect(
          lines.map((l) => l.text),
          `sample ${i} chunk ${chunk}`,
        ).toEqual(expected);
        expect(lines.map((l) => l.lineNo)).toEqual(lines.map((_, k) => k + 1));
        // each line's offset points at its bytes in the file
        for (const l of lines) expect(bytes.subarray(l.offset, l.offset + Buffer.byteLength(l.text)).toString('utf8')).toBe(l.text);
      }
    });
  });

  it('splits a gzip or zstd file as Python splits the file decompressed, whatever the chunk size', () => {
    const haveZstd = spawnSync('zstd', ['--version']).status === 0;
    const paths = samples.map((bytes, i) => {
      const path = join(dir, `z${i}.txt`);
      writeFileSync(path, bytes);
      return path;
    });
    const python = pythonLines(paths);
    samples.forEach((bytes, i) => {
      if (i % 3 !== 0 && i < samples.length - 3) return; // a third of them (each a process of the real tool), and the odd endings
      for (const tool of haveZstd ? ['gzip', 'zstd'] : ['gzip']) {
        const packed = join(dir, `z${i}.${tool}`);
        writeFileSync(packed, spawnSync(tool, ['-c', '-q', paths[i]!]).stdout);
        for (const chunk of [1, 7, 4 << 20]) {
          const lines = ourLines(packed, chunk) as Line[];
          expect(
            lines.map((l) => l.text),
            `sample ${i} ${tool} chunk ${chunk}`,
          ).toEqual(python[i]);
          // Offsets are in the decompressed bytes.
          for (const l of lines) expect(bytes.subarray(l.offset, l.offset + Buffer.byteLength(l.text)).toString('utf8')).toBe(l.text);
        }
      }
    });
  });

  it('reports the first line holding bytes that are not UTF-8, where Python fails to decode', () => {
    const bytes = Buffer.concat([Buffer.from('good\r\nalso good\n'), Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from('\nlater\n')]);
    const path = join(dir, 'bad-utf8.txt');
    writeFileSync(path, bytes);
    expect(pythonLines([path])).toEqual(['UnicodeDecodeError']);
    for (const chunk of [1, 5, 4 << 20]) expect(ourLines(path, chunk)).toEqual({ invalidAt: 3 });
  });

  it('keeps a character split across chunks whole', () => {
    const path = join(dir, 'split-char.txt');
    writeFileSync(path, 'ab😀cd\n日本\n');
    expect((ourLines(path, 3) as Line[]).map((l) => l.text)).toEqual(['ab😀cd', '日本']);
  });
});
